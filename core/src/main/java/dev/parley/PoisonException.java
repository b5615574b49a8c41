package dev.parley;

/**
 * Thrown by every waiting and every later operation on any end of a poisoned channel. A process
 * that lets it escape poisons all the ends it owns, which is how poison spreads through a network
 * of processes.
 */
public final class PoisonException extends ChannelTerminatedException {

    /** @param channelName the name of the poisoned channel */
    public PoisonException(String channelName) {
        super("channel '" + channelName + "' is poisoned", channelName);
    }
}
