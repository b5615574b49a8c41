package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.protocol.HoldAnswer;

/**
 * The decision of one simulated operation or alternation: which guard, if any, commits. A
 * plain operation is an alternation of one guard. Only the simulator's thread uses it.
 *
 * <h2>Implementation note</h2>
 * States: OPEN (no guard chosen), HELD (a partner holds it while a remote answer is awaited:
 * a proposal of a home channel, or a conditional offer's askHold), DONE (a guard committed),
 * CLOSED (timed out, or failed). Invariant <b>one-commit</b>: at most one guard commits, and
 * only an OPEN decision, or a HELD one by its holder, can commit. The owner's callback runs
 * later, as its own event, never inside a protocol call.
 */
final class Decision {

    enum State { OPEN, HELD, DONE, CLOSED }

    /** How the decision ended: the guard that committed (-1 for none), the ending, the value read. */
    record Result(int guard, Ending ending, String valueRead, long atNs) {
    }

    interface Owner {
        void decided(Result result);
    }

    private final Simulator sim;
    private final Owner owner;
    final long deadlineNs;
    State state = State.OPEN;
    private Object holder;
    private int heldGuard = -1;

    Decision(Simulator sim, long deadlineNs, Owner owner) {
        this.sim = sim;
        this.deadlineNs = deadlineNs;
        this.owner = owner;
    }

    /** @return the answer a protocol's askHold, or a local match, gets */
    HoldAnswer tryHold(Object by, int guard) {
        switch (state) {
            case OPEN -> {
                state = State.HELD;
                holder = by;
                heldGuard = guard;
                return HoldAnswer.HELD;
            }
            case HELD -> {
                return HoldAnswer.BUSY;
            }
            default -> {
                return HoldAnswer.FINAL;
            }
        }
    }

    boolean heldBy(Object by) {
        return state == State.HELD && holder.equals(by);
    }

    /** Commits {@code guard}: at once if OPEN (a local match), or as the holder's outcome. */
    void commit(Object by, int guard, String valueRead) {
        if (!(state == State.OPEN || heldBy(by))) {
            throw new IllegalStateException("invariant one-commit: guard=" + guard + " commits a decision in state="
                    + state + " held by " + holder + ", not by " + by);
        }
        finish(new Result(guard, Ending.DONE, valueRead, sim.nowNs()));
    }

    /** The holder gives the decision back; an expired deadline then closes it. */
    void release(Object by) {
        if (!heldBy(by)) {
            throw new IllegalStateException("release by " + by + " of a decision in state=" + state + " held by "
                    + holder);
        }
        state = State.OPEN;
        holder = null;
        heldGuard = -1;
        if (sim.nowNs() >= deadlineNs) {
            timeout();
        } else {
            sim.rematchSoon();
        }
    }

    /** The holder's commit failed, or (when OPEN) a guard failed: the decision ends that way. */
    void fail(Object by, int guard, Ending ending) {
        if (state == State.OPEN || heldBy(by)) {
            finish(new Result(guard, ending, null, sim.nowNs()));
        }
    }

    /** The deadline passed: an OPEN decision ends NOT_DONE; a HELD one waits for its holder. */
    void timeout() {
        if (state == State.OPEN) {
            finish(new Result(-1, Ending.NOT_DONE, null, sim.nowNs()));
        }
    }

    /** @return the guard that holds the decision, or -1 */
    int heldGuard() {
        return heldGuard;
    }

    boolean open() {
        return state == State.OPEN;
    }

    boolean over() {
        return state == State.DONE || state == State.CLOSED;
    }

    private void finish(Result r) {
        state = r.ending() == Ending.DONE ? State.DONE : State.CLOSED;
        holder = null;
        sim.soon(() -> owner.decided(r));
    }
}
