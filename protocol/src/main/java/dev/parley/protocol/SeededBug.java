package dev.parley.protocol;

/**
 * Deliberate protocol bugs, for verification only: each one breaks one invariant on purpose,
 * so that the simulation and the model checks can show that they catch it. Passed to
 * {@link ProtocolNode#ProtocolNode(long, ProtocolConfig, byte[], Network, HomeChannels,
 * RemoteEnds, java.util.Set)}; never enable one outside a test. Any thread may use this enum.
 */
public enum SeededBug {
    /** The session delivers a duplicate sequenced frame again (breaks exactly-once-in-order). */
    NO_DEDUP,
    /** Sequence numbers wrap after 16 frames (breaks seq-monotonic). */
    WRAPPING_SEQUENCE,
    /**
     * A timed unconditional write ends NOT_DONE at its deadline without waiting for the home's
     * answer (breaks home-decides-unconditional-writes: the home may have committed it).
     */
    WITHDRAW_WITHOUT_CONFIRMATION,
    /**
     * A withdrawing reader still accepts a DELIVER that crossed its WITHDRAW (breaks
     * no-accept-after-withdraw: the home took the WITHDRAW as a decline and offers the value again).
     */
    ACCEPT_AFTER_WITHDRAW,
    /**
     * The session takes frames addressed to an earlier incarnation of this node, and their
     * cumulative acks (breaks incarnation-fenced: an ack of the old sequence space acknowledges
     * frames of the new one that never arrived). Added for the simulator in the model module.
     */
    ACK_FROM_OLD_INCARNATION,
    /**
     * A remote poison ends DONE as soon as its POISON is sent, without waiting for the home's
     * APPLIED (breaks done-means-applied: the behaviour before APPLIED existed).
     */
    POISON_DONE_ON_SEND,
    /**
     * The home confirms the WITHDRAW of an unconditional writer held for a relay at once, instead
     * of waiting for the relay's reader (breaks home-decides-unconditional-writes for relays: the
     * writer ends NOT_DONE while the reader may still take its value).
     */
    RELAY_WITHDRAW_AT_ONCE,
    /**
     * The home grants a write-ahead end more slots while its REVOKE is out (breaks
     * credit-respected: the REVOKED that answers the REVOKE releases slots granted after it, and
     * the end's writes under them find none).
     */
    CREDIT_WHILE_REVOKING,
    /**
     * The home drops the writes ahead that arrive after it let a silent writer's slots lapse,
     * instead of storing them (breaks credit-respected: a write that returned DONE is lost).
     */
    LAPSED_STORES_DROPPED
}
