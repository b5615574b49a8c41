package dev.parley.spi;

/**
 * One communication offered to a {@link ForeignParty}: a local partner is held for it until it is
 * accepted (the communication happens), declined (nothing happens, the partner goes on
 * waiting) or failed (the foreign party cannot tell which). Exactly one of {@link #accept()},
 * {@link #decline()} and {@link #fail(RuntimeException)} must be called, once, from any thread,
 * without holding a channel lock.
 *
 * <p>For a party that {@link ForeignParty#commitsOnMatch()}, the proposal reports a communication
 * the channel already committed: {@link #accept()} is the expected answer, and
 * {@link #decline()} or {@link #fail(RuntimeException)} change nothing.
 *
 * <p>The foreign party must answer in bounded time (invariant 3 of {@link Decision}): a transport
 * answers when its peer has fallen silent or, if the held partner has a deadline, at the latest
 * one peer timeout after {@link #partnerDeadlineNs()}, so that a timed partner never waits much
 * past its deadline.
 */
public interface Proposal {

    /** @return the value a foreign reader receives, or null when the foreign party is a writer */
    Object value();

    /**
     * @return the {@link Decision#deadlineNs()} of the local partner held for this proposal (a
     *     {@link System#nanoTime()} value), or {@link Long#MAX_VALUE} when that partner waits
     *     without a deadline or no local party is held (a buffered message or a buffer slot)
     */
    long partnerDeadlineNs();

    /** The foreign party committed: the communication happens. */
    void accept();

    /** The foreign party did not commit (it chose another guard, timed out or withdrew). */
    void decline();

    /**
     * The outcome is unknown (the foreign party became unreachable at the moment of commit).
     * Each message is then delivered at most once: a held local partner throws {@code error}
     * (a reader received nothing; a writer cannot know whether its message arrived); a buffered
     * message offered to a foreign reader counts as taken and leaves the buffer; a buffer slot
     * kept for a foreign writer is freed and its message is not stored.
     *
     * @param error what a held local partner throws
     */
    void fail(RuntimeException error);
}
