package dev.parley.protocol;

/**
 * How a home channel's relay ended for the remote writer it held ({@link ProtocolNode#holdEnded}).
 * Any thread may use this enum.
 */
public enum HoldOutcome {
    /** The relay's reader took the value: the write is done (TAKEN is sent). */
    TAKEN,
    /** The relay's reader declined: nothing was delivered, the writer's offer stands again. */
    RELEASED,
    /** The relay's reader may or may not have taken the value (ABORTED, maybe done, is sent). */
    UNKNOWN
}
