package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.Workload.Chan;

/**
 * A remote writer (OPS values, AHEAD_OPS if it writes ahead, plain or timed, then one more
 * after the heal) or a remote reader (plain or timed reads until the channel is poisoned or
 * retired) of a channel hosted elsewhere. After an UNKNOWN or UNREACHABLE ending it opens a
 * fresh end. A writer whose end writes ahead and holds a slot writes ahead (done at once), its
 * store handed to the node at once or, one time in four, 1 to
 * {@link Workload#MAX_STORE_DELAY_MS} ms later. Only the simulator's thread uses it.
 */
final class RemotePeer extends RemoteProcess {
    private final Chan c;
    private final boolean writer;
    private final boolean ahead;
    private final int ops;
    private long end;
    private int i;

    RemotePeer(Workload load, SimNode node, Chan c, boolean writer) {
        super(load, node, (writer ? "w(" : "r(") + c.name() + ")", writer ? c : null);
        this.c = c;
        this.writer = writer;
        this.ahead = writer && c.writeAhead().contains(node.address);
        this.ops = ahead ? Workload.AHEAD_OPS : Workload.OPS;
    }

    @Override
    void start() {
        connect(c, writer, e -> {
            end = e;
            next();
        });
    }

    private void next() {
        boolean probe = writer && i >= ops;
        if (probe && sim.nowNs() < load.resumeNs()) {
            later(load.resumeNs() - sim.nowNs() + think(20), this::next);
            return;
        }
        // A writer that writes ahead writes in bursts one time in two, so that several of its
        // writes are on their way at once (and the home has to revoke slots from under them).
        int pause = !writer ? 20 : ahead && sim.workload.nextBoolean() ? 5 : 250;
        later(probe ? 0 : think(pause), () -> operate(probe));
    }

    private void operate(boolean probe) {
        if (staleAfterHeal()) {
            retire(end);
            start();
            return;
        }
        boolean timed = !probe && (writer ? sim.workload.nextBoolean() : sim.workload.nextInt(3) == 0);
        String value = writer ? name + "#" + i : null;
        if (ahead && node.writeAhead(end, c.name(), value, storeDelay())) {
            sim.history().writtenAhead(name, c.name(), value, sim.nowNs());
            sim.soon(() -> {
                if (!over) {
                    operated(Ending.DONE);
                }
            });
            return;
        }
        remoteOp(end, c, value, deadline(timed), (ending, v) -> operated(ending));
    }

    private long storeDelay() {
        return sim.workload.nextInt(4) == 0
                ? (1 + sim.workload.nextInt(Workload.MAX_STORE_DELAY_MS)) * 1_000_000L : 0;
    }

    private void operated(Ending ending) {
        i++;
        if (ending == Ending.POISONED || ending == Ending.RETIRED || (writer && i > ops)) {
            retire(end);
            finish();
        } else if (ending == Ending.UNKNOWN || ending == Ending.UNREACHABLE) {
            retire(end);
            start();
        } else {
            next();
        }
    }
}
