package dev.parley.protocol;

/**
 * The remote ends on this node, as the protocol sees them: the binding to the core (blocked
 * readers and writers, alternations' decisions) implements it, the simulator fakes it.
 * Called only from the node's thread, from inside a call into the node (also from inside
 * {@link ProtocolNode#offer}); implementations must not block and may call back into the
 * node (such calls are queued and run before the outer call returns).
 */
public interface RemoteEnds {

    /**
     * Asks the local decision of a conditional offer to be held for a commit. The binding
     * answers, now or later, with {@link ProtocolNode#holdAnswered}.
     *
     * @param opId the operation
     * @param value the value the home offers to this reader, or null for a writer
     */
    void askHold(long opId, byte[] value);

    /**
     * Reports how an operation ended; exactly once per operation: an offer, or a poison or
     * retire (see {@link ProtocolNode#poison}, {@link ProtocolNode#retire}). For a conditional offer
     * whose decision the binding holds (it answered HELD), DONE commits the decision, NOT_DONE
     * releases it and any other outcome fails it; for one not held, a failure outcome fails
     * the decision if it is still open ({@code tryFail}), and DONE cannot happen.
     *
     * @param opId the operation
     * @param outcome how it ended
     * @param value the value received, for a read that is DONE; else null
     */
    void completed(long opId, Outcome outcome, byte[] value);

    /**
     * The decision held for a conditional write (the binding answered HELD to its
     * {@link #askHold}) is no longer held: the home's relay let the writer go because its reader
     * declined. The offer stands and may be proposed again; the binding releases the decision
     * (it may commit elsewhere, or withdraw the offer). Only a home that relays sends it; remote
     * ends that talk to no such home need not implement it.
     *
     * @param opId the operation
     */
    default void holdReleased(long opId) {
        throw new UnsupportedOperationException("a home relayed and released opId=" + opId
                + ", but these remote ends cannot release a held decision");
    }

    /**
     * The home reserved {@code slots} more buffer slots for a writer end opened to write ahead:
     * the binding may make that many more writes through {@link ProtocolNode#store} without
     * waiting. Only ends opened to write ahead are credited.
     */
    default void credited(long endId, int slots) {
        throw new UnsupportedOperationException("endId=" + endId + " was credited, but these remote ends open "
                + "none that writes ahead");
    }

    /**
     * The home has stored {@code stored} writes ahead of the end so far (its CREDIT says so). A
     * binding that has handed the node more writes than that for the end may wait for the next
     * CREDIT (more slots, perhaps) instead of offering, since the home answers every STORE while
     * the end's slots are not taken back; {@link #creditTakenBack} ends such a wait.
     */
    default void storedAhead(long endId, long stored) {
    }

    /**
     * The node takes back the slots of a write-ahead end that the binding has not used (the home
     * asked for them, the home fell silent, or the end retires): from now on the binding stores
     * under them no more, until it is credited again. Writes it counted against the slots before
     * this call must still reach {@link ProtocolNode#store}.
     *
     * @return how many slots the binding had not used
     */
    default int creditTakenBack(long endId) {
        throw new UnsupportedOperationException("endId=" + endId + " does not write ahead here");
    }

    /**
     * Reports how a lookup ended; exactly once per lookup.
     *
     * @param lookupId the lookup
     * @param outcome DONE (found), NOT_DONE (the peer answered, but hosted no such channel by
     *     the deadline) or PEER_UNREACHABLE (no handshake with the peer by the deadline)
     * @param channelId the channel's id at the home when DONE, else 0
     */
    void lookedUp(long lookupId, Outcome outcome, long channelId);
}
