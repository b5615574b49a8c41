package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.Workload.Chan;
import dev.parley.protocol.HoldAnswer;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.ProtocolNode;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * A simulated process with remote ends of channels hosted on other nodes: it looks channels up
 * and opens ends, again after a failure, and makes unconditional operations through them. Only
 * the simulator's thread uses it.
 */
abstract class RemoteProcess extends SimProcess {
    long connectedNs = -1;

    RemoteProcess(Workload load, SimNode node, String role, Chan writes) {
        super(load, node, role, writes);
    }

    /** Opens an end of {@code c}; a writer end writes ahead if this node's writers of {@code c} do. */
    void connect(Chan c, boolean writer, LongConsumer then) {
        node.lookup(c.home(), c.name(), sim.nowNs() + 1_000_000_000L, id -> {
            if (over) {
                return;
            }
            if (id <= 0) {
                later(50_000_000L, () -> connect(c, writer, then));
            } else {
                connectedNs = sim.nowNs();
                then.accept(node.openEnd(c.home(), id, writer, c.writeAhead().contains(node.address)));
            }
        });
    }

    /**
     * @return true when the ends were opened before the heal and the heal has come: an end
     *     may have been lost to a restart of its home, which only an operation would tell
     *     (OUTCOME_UNKNOWN), so the process opens fresh ends first
     */
    boolean staleAfterHeal() {
        return connectedNs < load.resumeNs() && sim.nowNs() >= load.resumeNs();
    }

    /** An unconditional remote operation; {@code then} runs as its own event. */
    void remoteOp(long end, Chan c, String value, long deadlineNs, BiConsumer<Ending, String> then) {
        History.Op op = begin(c.name(), value, deadlineNs);
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        node.offer(end, bytes, false, false, 0, deadlineNs, new SimNode.RemoteOp() {
            @Override
            public HoldAnswer askHold(long opId, byte[] v) {
                sim.violation("protocol", "askHold for the unconditional opId=" + opId + " of " + name);
                return HoldAnswer.FINAL;
            }

            @Override
            public void completed(Outcome outcome, byte[] v) {
                sim.soon(() -> {
                    if (!over) {
                        end(op, ending(outcome), text(v));
                        then.accept(ending(outcome), text(v));
                    }
                });
            }
        });
    }

    long deadline(boolean timed) {
        return timed ? sim.nowNs() + (1 + sim.workload.nextInt(60)) * 1_000_000L : ProtocolNode.NO_DEADLINE;
    }

    void retire(long end) {
        if (node.alive) {
            node.endAction(end, true, outcome -> { });
        }
    }

    static Ending ending(Outcome o) {
        return switch (o) {
            case DONE -> Ending.DONE;
            case NOT_DONE -> Ending.NOT_DONE;
            case OUTCOME_UNKNOWN -> Ending.UNKNOWN;
            case PEER_UNREACHABLE -> Ending.UNREACHABLE;
            case POISONED -> Ending.POISONED;
            case RETIRED -> Ending.RETIRED;
        };
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
