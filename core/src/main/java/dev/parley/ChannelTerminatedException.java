package dev.parley;

/**
 * Thrown by a channel operation when the channel has been poisoned or retired: the common
 * supertype of {@link PoisonException} and {@link RetiredException}, so that a process can stop on
 * either with one catch.
 */
public abstract sealed class ChannelTerminatedException extends RuntimeException
        permits PoisonException, RetiredException {

    private final String channelName;

    ChannelTerminatedException(String message, String channelName) {
        super(message);
        this.channelName = channelName;
    }

    /** @return the name of the channel that was terminated */
    public String channelName() {
        return channelName;
    }
}
