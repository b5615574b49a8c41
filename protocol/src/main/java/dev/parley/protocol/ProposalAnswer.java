package dev.parley.protocol;

/**
 * How the protocol answers a home channel's proposal to a foreign party
 * ({@link HomeChannels#answer}). Any thread may use this enum.
 */
public enum ProposalAnswer {
    /** The remote end committed: the communication happens. */
    ACCEPT,
    /** The remote end did not commit: nothing happens, the held partner goes on waiting. */
    DECLINE,
    /**
     * The remote end fell silent or restarted while the proposal was out, or the held
     * partner's deadline plus one peer timeout passed before its answer came: it may have
     * committed. The binding fails the held partner with the outcome-unknown exception (for
     * a buffer's head, it treats the message as taken: at most once).
     */
    UNKNOWN
}
