package dev.parley.protocol;

/**
 * What a remote end's local decision answered when the protocol asked to hold it
 * ({@link RemoteEnds#askHold}), reported by {@link ProtocolNode#holdAnswered}. Any thread may
 * use this enum.
 */
public enum HoldAnswer {
    /**
     * The decision is now held for this offer. The binding keeps it held until
     * {@link RemoteEnds#completed} reports the operation: DONE commits it (a read with the
     * value reported), NOT_DONE releases it, any other outcome fails it with that outcome's
     * exception.
     */
    HELD,
    /** Another partner held the decision for a moment: ask again later (the offer still stands). */
    BUSY,
    /** The decision is done or withdrawn: this offer will never commit. */
    FINAL
}
