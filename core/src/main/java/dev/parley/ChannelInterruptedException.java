package dev.parley;

/**
 * Thrown by a blocked channel operation or alternation whose thread was interrupted. The
 * operation did not happen (no message was taken or delivered), and the thread's interrupt status
 * is still set when this is thrown.
 */
public final class ChannelInterruptedException extends RuntimeException {

    /** @param channelName the channel (or alternation) that was waiting */
    public ChannelInterruptedException(String channelName) {
        super("interrupted while waiting on " + channelName);
    }
}
