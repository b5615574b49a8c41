package dev.parley.spi;

/**
 * A foreign writer asked to hold itself for a foreign reader of the same channel. A channel whose
 * waiting reader and waiting writer are both foreign (parties on other nodes, at a channel hosted
 * here) relays between them in two steps, because each party decides its own commit:
 * <ol>
 *   <li>the writer is asked to hold itself ({@link ForeignParty#hold}); it answers {@link #held()}
 *       once its value is kept for this communication and nothing else, or {@link #refused()};</li>
 *   <li>only then is the reader proposed the value, through an ordinary {@link Proposal}; its
 *       answer decides, and the writer is told how the hold ended
 *       ({@link ForeignParty#holdEnded}): {@link Outcome#TAKEN} when the reader accepted,
 *       {@link Outcome#RELEASED} when it declined (nothing was delivered), {@link Outcome#UNKNOWN}
 *       when the reader's answer cannot be known (delivered at most once).</li>
 * </ol>
 * The writer comes first because a reader's acceptance is final: the reader has the value. While
 * the writer is asked, the reader stays queued but is not matched with anyone else; if it leaves
 * meanwhile (withdrawn, or the channel ended), a held writer is released at once.
 *
 * <p>A writer that {@link ForeignParty#commitsOnMatch()} (its transport accepts every proposal)
 * is held as it is asked: the first step takes no answer, and the reader is proposed at once.
 *
 * <p>Otherwise exactly one of {@link #held()} and {@link #refused()} must be called, once, from any thread,
 * without holding a channel lock. After either, the writer's offer is no longer queued at the
 * channel, as after any proposal: a refused writer that still waits offers itself anew.
 */
public interface Hold {

    /** The writer is held for this communication: its value goes to no one else until it ends. */
    void held();

    /** The writer is not held (it withdrew, chose another guard, or is busy and offers anew). */
    void refused();

    /** How a hold ended, as {@link ForeignParty#holdEnded} tells the held writer. */
    enum Outcome {
        /** The reader took the value: the write is done. */
        TAKEN,
        /** The reader declined: nothing was delivered, and the writer may offer again. */
        RELEASED,
        /** The reader's answer cannot be known: the value was delivered at most once. */
        UNKNOWN
    }
}
