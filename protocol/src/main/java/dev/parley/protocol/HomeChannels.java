package dev.parley.protocol;

import java.util.List;

/**
 * The channels this node hosts, as the protocol sees them: the binding to the core's local
 * channels implements it (foreign offers and proposals), the simulator fakes it. Called only
 * from the node's thread, from inside a call into the node. Implementations must not block;
 * they may call back into the node (the node queues such calls and runs them before the
 * outer call returns), which is how a proposal made during {@link #offer} is reported.
 */
public interface HomeChannels {

    /**
     * @param name a channel name from a remote lookup
     * @return the hosted channel's id (positive), or 0 when no such channel is hosted now
     */
    long lookup(String name);

    /**
     * A remote end exists on this side of the channel; it counts for retire until it is
     * retired or abandoned.
     *
     * @return false if no channel has this id (the end is then refused)
     */
    boolean openEnd(EndKey end, long channelId, Frame.Side side);

    /**
     * Queues a foreign offer at the end's channel. Later the binding reports
     * {@link ProtocolNode#proposed} once a partner is held for it, or
     * {@link ProtocolNode#terminated} if the channel is poisoned or retired first.
     *
     * @param offer the offer's name, to be used in those reports
     * @param end the end it is made through
     * @param party the offering party's id within its node incarnation (the same for every guard
     *     of one alternation, so never relayed to itself), or 0 for a plain read or write
     * @param conditional true for an alternation's guard, which the remote end decides; false for a
     *     plain read or write (an unconditional writer's proposals are always accepted: the home
     *     decides it, and the binding may commit it at the match)
     * @param value the value a foreign writer offers, or null for a foreign reader
     */
    void offer(OfferKey offer, EndKey end, long party, boolean conditional, byte[] value);

    /**
     * Removes a queued foreign offer.
     *
     * @return true if it was still queued and is gone; false if a proposal for it was made (it
     *     is reported, or will be, through {@link ProtocolNode#proposed}) or it was terminated
     */
    boolean withdraw(OfferKey offer);

    /** Answers the proposal reported for {@code offer}; exactly once per report. */
    void answer(OfferKey offer, ProposalAnswer answer);

    /**
     * Answers the hold of a conditional foreign writer that the binding asked for with
     * {@link ProtocolNode#holdRequested} (a relay to a foreign reader); exactly once per request.
     * An unconditional writer is never answered: the home decides it, so it is held as it is
     * asked. Home channels that never relay never ask, and need not implement it.
     *
     * @param held true if the writer is held for the relay (its value goes to no one else until
     *     {@link ProtocolNode#holdEnded}); false if not (its offer is no longer at the channel; it
     *     is offered anew through {@link #offer} if it still stands)
     */
    default void holdAnswered(OfferKey offer, boolean held) {
        throw new UnsupportedOperationException("these home channels never ask for a hold, so none is answered: "
                + offer);
    }

    /**
     * Reserves buffer slots for a remote writer end that writes ahead, as the core's
     * {@code Credit.grant} does. Home channels that grant none (the default: no channel is
     * buffered, or writes ahead are not wanted) are never asked to store or release.
     *
     * @param end a writer end opened to write ahead
     * @param max the most slots wanted
     * @return how many slots were reserved, 0 or more
     */
    default int grant(EndKey end, int max) {
        return 0;
    }

    /**
     * Stores a value that the end wrote under its slots: into a reserved slot, or beyond the
     * capacity when its slots were released meanwhile; discarded if a reader poisoned the channel
     * or every reader retired. Never blocks.
     */
    default void store(EndKey end, byte[] value) {
        throw new UnsupportedOperationException("these home channels grant no slots, so nothing is stored: " + end);
    }

    /**
     * Stores several values that the end wrote under its slots, in order, as {@link #store} does
     * one by one (the default does just that).
     */
    default void storeAll(EndKey end, List<byte[]> values) {
        for (byte[] value : values) {
            store(end, value);
        }
    }

    /** Releases every slot reserved for the end and not used (its REVOKED came, or it fell silent). */
    default void releaseCredit(EndKey end) {
    }

    /**
     * A remote end poisoned its channel. The channel must be poisoned when this returns: the
     * node then confirms the poison to the remote end, whose {@code poison()} returns.
     */
    void poison(EndKey end);

    /**
     * A remote end retired. The end must be retired when this returns, as for {@link #poison}.
     */
    void retire(EndKey end);

    /**
     * The node of a remote end restarted: the end is gone without having retired (a crash is
     * not a retire), so it leaves its channel's counts without counting as retired. The channel
     * retires only if every end left on that side has retired and one of them did; if the side
     * has no end left, the channel stays open for new ends, such as the restarted node's. The
     * node has ended every offer through the end before it calls this, and never names the end
     * again afterwards.
     */
    void abandon(EndKey end);
}
