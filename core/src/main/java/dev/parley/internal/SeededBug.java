package dev.parley.internal;

/**
 * Deliberate bugs that the core can be switched into, for tests only: the model module's bug zoo
 * switches one on, runs the checks that should catch it, and switches it off again, to prove that
 * the checks bite. Production code never writes {@link #active}; it stays {@link #NONE}.
 *
 * <p>Set {@link #active} only while no process is running (before starting the threads of a
 * test, after joining them): it is a plain static field, read with a plain load at each hook so
 * that the switch costs nothing while it is off, and thread start and join publish it.
 *
 * <h2>Implementation note</h2>
 * Each constant names one hook in the core (one has two): a single line
 * {@code if (SeededBug.is(X)) { buggy variant }} at the place where the buggy variant differs
 * from the correct code. Keeping the whole hook on one line that calls this class lets PIT leave
 * it out of mutation testing ({@code avoidCallsTo}); the few helpers that only a bug runs are
 * here or excluded by name. The Javadoc of each constant says what the buggy core does.
 */
public enum SeededBug {
    /** No bug: the core as written. */
    NONE,
    /** A rendezvous write returns as soon as its offer is queued, before a reader took the value. */
    WRITE_RETURNS_BEFORE_READER_TOOK,
    /** Completing a decision does not unpark its owner: a lost wake-up. */
    LOST_WAKEUP,
    /** Poisoning a channel fails its waiting writers but not its waiting readers. */
    POISON_DOES_NOT_WAKE_READER,
    /** An alternation that fired a guard in its poll phase goes on polling the later guards. */
    ALTERNATION_COMMITS_TWO_GUARDS,
    /**
     * A withdrawn (timed-out or interrupted) offer stays queued, and a partner may still claim
     * its decision: two hooks, the lazy withdraw and the claim that forgets to check.
     */
    WITHDRAWN_OFFER_MATCHED,
    /** Waiting parties join their queue at the head: the newest is matched first. */
    WAITING_PARTIES_LIFO,
    /** A read takes the newest buffered message instead of the oldest. */
    BUFFER_LIFO,
    /** A buffered channel stores one message more than its capacity. */
    BUFFER_CAPACITY_OFF_BY_ONE,
    /** Retiring one end retires the whole channel, as if retire were counted per channel. */
    RETIRE_COUNTED_PER_CHANNEL,
    /** A timeout guard fires after half its delay. */
    TIMEOUT_FIRES_EARLY,
    /** Fair selection forgets which guard it chose, so it always starts at the first. */
    FAIR_SELECT_STARVES_GUARD,
    /** Prioritised selection visits the guards from last to first. */
    PRI_SELECT_IGNORES_ORDER,
    /** A reader's poison keeps the buffered messages for other readers instead of discarding them. */
    READER_POISON_KEEPS_BUFFER,
    /** A timed write that completed at once reports false although the message was delivered. */
    TIMED_WRITE_FALSE_BUT_DELIVERED;

    /** The bug the core runs with now; {@link #NONE} unless a test switched one on. */
    public static SeededBug active = NONE;

    /**
     * @param bug a seeded bug
     * @return true if the core runs with {@code bug} now: a plain static load and a compare
     */
    public static boolean is(SeededBug bug) {
        return active == bug;
    }
}
