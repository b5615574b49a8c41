package dev.parley.protocol;

/**
 * How a remote operation (or a lookup) ended, as {@link RemoteEnds#completed} reports it.
 * Any thread may use this enum.
 */
public enum Outcome {
    /** It happened: the value was taken by a reader (a write) or received (a read); a lookup found the channel. */
    DONE,
    /** It did not happen and never will: the offer was withdrawn before anything was committed. */
    NOT_DONE,
    /**
     * It may or may not have happened, at most once: the peer restarted mid-operation, or fell
     * silent, or gave up, while a commit was possible.
     */
    OUTCOME_UNKNOWN,
    /**
     * It did not happen, because nothing was heard from the peer for the peer timeout (or the
     * peer gave the offer up because it heard nothing from this node) before any commit was
     * under way. Like NOT_DONE, nothing was delivered; unlike it, the peer is in trouble.
     */
    PEER_UNREACHABLE,
    /** The home channel was poisoned; nothing was delivered by this operation. */
    POISONED,
    /** The home channel was retired; nothing was delivered by this operation. */
    RETIRED
}
