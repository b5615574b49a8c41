package dev.parley.spi;

import dev.parley.ChannelTerminatedException;

/**
 * A party elsewhere (a remote end of a transport) that takes part in a local channel's commit.
 * When the channel finds a partner for the party's foreign offer, it holds that partner and asks
 * the party through {@link #propose(Proposal)}; the party answers later, from any thread, with
 * {@link Proposal#accept()} or {@link Proposal#decline()}. Both methods are called with the
 * channel's lock held: they must not block and must not call back into the channel before
 * returning (send a frame, answer later).
 */
public interface ForeignParty {

    /**
     * Asks the party to commit to one communication.
     *
     * @param proposal the communication on offer
     */
    void propose(Proposal proposal);

    /**
     * Tells the party that its offer is gone because the channel was poisoned or retired.
     *
     * @param cause what a local party would have thrown
     */
    void terminated(ChannelTerminatedException cause);

    /**
     * Tells whether this party is, in this JVM, an offer of {@code decision}: an alternation that
     * guards both sides of one channel, one side through a transport's remote end whose home is
     * in the same JVM. The channel never matches the party with that decision's own offers, since
     * a party never meets itself. Called with the channel's lock held; must not block.
     *
     * @param decision a local offer's decision
     * @return true if the party belongs to {@code decision}; false (the default) if not or unknown
     */
    default boolean belongsTo(Decision decision) {
        return false;
    }

    /**
     * Tells whether this party and {@code other} are offers of one party elsewhere (one
     * alternation guarding both sides of the channel through two remote ends). The channel never
     * relays between them (see {@link Hold}). Called with the channel's lock held; must not block.
     *
     * @param other another foreign offer's party at the same channel
     * @return true if both stand for the same party; false (the default) if not or unknown
     */
    default boolean sameParty(ForeignParty other) {
        return false;
    }

    /**
     * Tells whether this party is a writer whose transport accepts every proposal (an
     * unconditional remote write: its home decides it). The channel may then commit with it at
     * once, as with a local writer: a local reader takes its value at the match, and the party is
     * told afterwards by a proposal that is already committed. Its transport must answer that
     * proposal with {@link Proposal#accept()}; a decline or failure changes nothing (the
     * communication happened). Called with the channel's lock held; must not block.
     *
     * @return true for such a writer; false (the default) for a party that must be asked first
     */
    default boolean commitsOnMatch() {
        return false;
    }

    /**
     * @return true if this party is a writer that can be held for a foreign reader ({@link Hold});
     *     false (the default) keeps the channel from relaying to it, so that its transport need not
     *     implement {@link #hold} and {@link #holdEnded}
     */
    default boolean canBeHeld() {
        return false;
    }

    /**
     * Asks this foreign writer to hold itself for a foreign reader; it answers through
     * {@code hold}, except a writer that {@link #commitsOnMatch()}: that one is held as it is asked,
     * the channel proposes its value to the reader at once, and its transport must not answer.
     * Called with the channel's lock held: must not block nor call back into the channel before
     * returning. Called only if {@link #canBeHeld()}.
     *
     * @param hold where to answer
     */
    default void hold(Hold hold) {
        throw new UnsupportedOperationException("this foreign party cannot be held: " + this);
    }

    /**
     * Tells a writer that was {@link Hold#held()} how its hold ended; called once per held hold,
     * with the channel's lock held (must not block).
     *
     * @param hold the hold it answered
     * @param outcome taken, released or unknown
     */
    default void holdEnded(Hold hold, Hold.Outcome outcome) {
        throw new UnsupportedOperationException("this foreign party cannot be held: " + this);
    }
}
