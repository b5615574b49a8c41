package dev.parley.protocol.binding;

/**
 * Thrown by a remote operation whose outcome cannot be known: the peer restarted, or fell
 * silent while a commit was possible. The message was delivered at most once.
 */
public final class OutcomeUnknownException extends RuntimeException {

    /** @param detail the channel and what happened */
    public OutcomeUnknownException(String detail) {
        super(detail);
    }

    /**
     * @param detail the channel and what happened
     * @param cause what made the outcome unknown, or null
     */
    public OutcomeUnknownException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
