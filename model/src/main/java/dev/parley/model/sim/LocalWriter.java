package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.Workload.Chan;

/**
 * Writes OPS values to its own node's channel, plain or timed, then one more after the heal.
 * Only the simulator's thread uses it.
 */
final class LocalWriter extends SimProcess {
    private final Chan c;
    private int i;

    LocalWriter(Workload load, SimNode node, Chan c) {
        super(load, node, "lw(" + c.name() + ")", c);
        this.c = c;
    }

    @Override
    void start() {
        boolean probe = i >= Workload.OPS;
        if (probe && sim.nowNs() < load.resumeNs()) {
            later(load.resumeNs() - sim.nowNs() + think(20), this::start);
            return;
        }
        later(probe ? 0 : think(250), () -> {
            long deadline = !probe && sim.workload.nextBoolean()
                    ? sim.nowNs() + (1 + sim.workload.nextInt(60)) * 1_000_000L : History.NO_DEADLINE;
            localOp(c, name + "#" + i, deadline, (ending, v) -> {
                i++;
                if (ending == Ending.POISONED || ending == Ending.RETIRED || i > Workload.OPS) {
                    finish();
                } else {
                    start();
                }
            });
        });
    }
}
