package dev.parley.protocol;

/**
 * Why an incoming frame was dropped. Every rejection is counted under its name in
 * {@link Counters}; none throws and none reaches a channel. Any thread may use this enum.
 */
public enum Rejection {
    /** Fewer bytes than a header, or fewer than the header's length field announces. */
    TRUNCATED,
    /** More bytes than the configured maximum frame size. */
    OVERSIZED,
    /** The first byte is not the protocol's magic byte. */
    BAD_MAGIC,
    /** A wire version this node does not speak. */
    UNKNOWN_VERSION,
    /** A type code this version does not define. */
    UNKNOWN_TYPE,
    /** Fields that contradict each other or the type: bad lengths, flags, enum codes, UTF-8, trailing bytes. */
    MALFORMED,
    /** A secret is configured and the frame carries no MAC. */
    MISSING_MAC,
    /** The frame's MAC does not match (forged, corrupted, or sent with another secret). */
    BAD_MAC,
    /** No secret is configured and the frame carries a MAC (its sender has a secret): it cannot be checked. */
    UNEXPECTED_MAC,
    /** No secret is configured and the frame's CRC32C does not match: corrupted on the way. */
    BAD_CHECKSUM,
    /**
     * A frame from an incarnation of the peer older than the one the session talks to (one
     * that a newer incarnation replaced, or one never heard before a newer one was), or from
     * no valid incarnation (not positive).
     */
    QUARANTINED,
    /** A frame addressed to another incarnation of this node (sent to its previous life). */
    STALE_INCARNATION,
    /** A sequenced frame from a peer incarnation this node has not shaken hands with. */
    UNKNOWN_INCARNATION,
    /** A sequenced frame too far ahead of the receive window. */
    BEYOND_WINDOW,
    /**
     * A sequenced frame that names an operation, end or proposal this node does not know: a
     * protocol error, or (the usual case, after a partition) a late answer for an operation
     * that a peer timeout already resolved.
     */
    UNKNOWN_REFERENCE
}
