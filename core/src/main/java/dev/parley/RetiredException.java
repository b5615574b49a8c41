package dev.parley;

/**
 * Thrown by an operation on a channel whose reader ends, or whose writer ends, have all retired, and
 * by any operation on an end that has itself retired. A process that lets it escape retires all the
 * ends it owns.
 */
public final class RetiredException extends ChannelTerminatedException {

    /**
     * @param channelName the name of the channel
     * @param detail what retired: the channel, or the end that was used
     */
    public RetiredException(String channelName, String detail) {
        super("channel '" + channelName + "' " + detail, channelName);
    }
}
