package dev.parley.spi;

/**
 * Whether a waiting party may spin briefly before it parks, learnt from how earlier spins at the
 * same place ended: a local channel keeps one for its plain reads and writes, an alternation one
 * for its selections. Pass it to {@link Decision#await(SpinBudget)}. Any thread may use it; its
 * counters are plain fields whose races lose an update now and then, which only nudges the
 * heuristic.
 *
 * <h2>Implementation note</h2>
 * A spin that ends with the decision done saved a park and an unpark; a spin that runs out held
 * a carrier for some {@link Thread#onSpinWait()} calls (about 2 us) for nothing, and
 * may have kept other virtual threads queued behind it from running. So every spin that runs out
 * makes the next spins at this place wait: the next {@code backoff} waits park at once, and the
 * backoff doubles with each further run-out, up to {@link #MAX_BACKOFF}, so that a channel whose
 * partners rarely arrive within a spin (a loaded machine, a slow producer) spins on about one wait
 * in a thousand. A spin that succeeds resets the backoff.
 */
public final class SpinBudget {

    /** Waits that park at once after the first run-out spin. */
    static final int MIN_BACKOFF = 4;
    /** The longest pause between two spins at one place, in waits. */
    static final int MAX_BACKOFF = 1024;

    // Both are read and written without synchronization; see the class comment.
    private int skip;
    private int backoff = MIN_BACKOFF;

    /** @return true if the caller may spin now; false means it parks at once (and counts down) */
    boolean trySpin() {
        if (skip > 0) {
            skip--;
            return false;
        }
        return true;
    }

    /** A spin ended with the decision done. */
    void succeeded() {
        if (backoff != MIN_BACKOFF) { // no write in the steady state: the field stays shared, not bounced
            backoff = MIN_BACKOFF;
        }
    }

    /** A spin ran out without the decision done. */
    void ranOut() {
        skip = backoff;
        backoff = Math.min(backoff * 2, MAX_BACKOFF);
    }
}
