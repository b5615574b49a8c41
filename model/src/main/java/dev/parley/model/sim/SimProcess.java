package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.History.Kind;
import dev.parley.model.sim.Workload.Chan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A simulated process on one incarnation of a node: a state machine that the simulator's events
 * drive, made by the {@link Workload} when the node starts and ended by its own steps or by the
 * node's crash. It records each operation it makes in the run's {@link History}, as it saw it.
 * Only the simulator's thread uses it.
 *
 * <h2>Implementation note</h2>
 * An operation is begun in the history when the process makes it and ended there once, when
 * the process hears its outcome; {@code current} holds the operations begun and not yet ended,
 * so that a process that dies with its node ends them UNKNOWN (perhaps delivered, at most
 * once). Once {@code over}, no step of the process runs: the workload no longer counts it,
 * and its delayed steps and its operations' outcomes are ignored.
 */
abstract class SimProcess {
    final Workload load;
    final Simulator sim;
    final SimNode node;
    final String name;
    /** The channel this process writes, for the workload's count of running writers; or null. */
    final Chan writes;
    final List<History.Op> current = new ArrayList<>();
    boolean over;

    SimProcess(Workload load, SimNode node, String role, Chan writes) {
        this.load = load;
        this.sim = load.sim();
        this.node = node;
        this.name = node.address.substring(0, node.address.indexOf(':')) + "." + node.generation + "." + role;
        this.writes = writes;
    }

    abstract void start();

    void guardedStart() {
        if (!over) {
            start();
        }
    }

    /** Runs {@code step} after {@code delayNs}, if this process still lives then. */
    void later(long delayNs, Runnable step) {
        sim.at(sim.nowNs() + delayNs, () -> {
            if (!over) {
                step.run();
            }
        });
    }

    long think(int maxMs) {
        return sim.workload.nextInt(maxMs + 1) * 1_000_000L;
    }

    History.Op begin(String channel, String value, long deadlineNs) {
        History.Op op = sim.history().begin(name, channel, value == null ? Kind.READ : Kind.WRITE, value,
                deadlineNs, sim.nowNs());
        current.add(op);
        return op;
    }

    void end(History.Op op, Ending ending, String valueRead) {
        if (!op.ended()) {
            sim.history().end(op, ending, ending == Ending.DONE ? valueRead : null, sim.nowNs());
        }
        current.remove(op);
    }

    void die() {
        for (History.Op op : new ArrayList<>(current)) {
            end(op, Ending.UNKNOWN, null); // it died mid-operation: perhaps delivered, at most once
        }
        finish();
    }

    void finish() {
        if (over) {
            return;
        }
        over = true;
        load.exited(this);
    }

    /** A plain or timed operation on a channel this node hosts. */
    void localOp(Chan c, String value, long deadlineNs, BiConsumer<Ending, String> then) {
        History.Op op = begin(c.name(), value, deadlineNs);
        Decision d = new Decision(sim, deadlineNs, r -> {
            if (!over) {
                end(op, r.ending(), r.valueRead());
                then.accept(r.ending(), r.valueRead());
            }
        });
        node.channel(c.name()).local(d, 0, value);
        if (deadlineNs != History.NO_DEADLINE) {
            sim.at(deadlineNs, d::timeout);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
