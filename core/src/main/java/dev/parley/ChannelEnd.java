package dev.parley;

/**
 * One end of a channel, held by one process. Ends are what retire counts: see {@link #retire()}.
 * Any thread may call these methods.
 */
public sealed interface ChannelEnd permits ChannelInput, ChannelOutput {

    /** @return the name of the channel this end belongs to */
    String channelName();

    /**
     * Poisons the whole channel at once: every waiting operation on either side, and every later
     * operation on any end, throws {@link PoisonException}. Messages already buffered are still
     * delivered to readers when a writer poisons, and discarded when a reader poisons (also when
     * a writer poisoned first). Poisoning twice, or through an end that has retired, does
     * nothing more. Poison is stronger than retire: poisoning a channel that has retired makes
     * later operations throw {@link PoisonException} instead.
     */
    void poison();

    /**
     * This end leaves the channel. Once every reader end, or every writer end, of the channel has
     * retired, the channel is retired: waiting and later operations on the other side throw
     * {@link RetiredException} (after readers have taken what was buffered). Any later operation
     * on this end throws {@link RetiredException} at once. Retiring twice does nothing. An end
     * that a transport abandoned, because the node it stood for was lost, is not counted: the
     * side retires once the ends left on it have retired, if one did
     * ({@link dev.parley.spi.AbandonableEnd}).
     */
    void retire();
}
