package dev.parley.spi;

/**
 * The transport side of a {@link Credit}: the channel calls it when it wants the reserved slots
 * back. Called with the channel's lock held: it must not block and must not call back into the
 * channel before returning (send a frame, act later).
 */
@FunctionalInterface
public interface CreditHolder {

    /**
     * The channel wants this credit's reserved slots back: a writer waits for a slot while they
     * are reserved, or the channel was poisoned or retired. The holder stops writing under the
     * credit and, once every write made under it has been stored, calls {@link Credit#release}.
     * Called again each time it still holds slots when this happens.
     */
    void wanted();
}
