package dev.parley.spi;

import java.util.List;

/**
 * Slots of a buffered channel's buffer reserved for one foreign writer, so that it may write
 * ahead of its home's acknowledgements: each write it makes under a reserved slot is stored when
 * it arrives, and its sender need not wait for that. A transport obtains one per remote writer end
 * from the channel's writer port ({@link Port#openCredit}) and calls it from any thread; the
 * channel's lock guards it, and no method blocks beyond that lock.
 *
 * <p>Rules the channel keeps (the core's invariants <b>credit-bound</b> and
 * <b>credit-drains</b>):
 * <ul>
 *   <li>Messages in the buffer plus every reserved slot never exceed the capacity, except for
 *       messages stored under a credit after {@link #release} took its slots back (late arrivals
 *       of a writer whose slots lapsed: they were promised a slot, so they are stored, not lost).
 *       A local writer never takes a reserved slot; it waits, and the channel asks the holder for
 *       the slots back ({@link CreditHolder#wanted}).</li>
 *   <li>Slots are granted only while no writer waits for one and the channel is not terminated,
 *       and no credit holds more than its share: the capacity divided among the open credits.</li>
 *   <li>After a writer-side poison (readers drain what was stored), readers are told of the
 *       poison only once the buffer is empty and no slot is reserved any more: a write that
 *       returned under a credit before the poison reaches them. After a reader-side poison, or
 *       once every reader retired, reserved slots are dropped and later arrivals discarded.</li>
 * </ul>
 */
public interface Credit {

    /**
     * Reserves up to {@code max} free slots for this credit.
     *
     * @param max the most slots wanted, at least 0
     * @return how many were reserved: 0 when the buffer has no free slot, a writer waits for one,
     *     this credit holds its share already, the channel is terminated or this credit is closed
     */
    int grant(int max);

    /**
     * Stores a message written under this credit: into one of its reserved slots, or, if its
     * slots were released meanwhile, beyond the capacity (see the class comment).
     *
     * @param message the message, not null
     * @return true if stored (or handed to a waiting reader); false if discarded, because a reader
     *     poisoned the channel or every reader retired
     */
    boolean store(Object message);

    /**
     * Stores several messages written under this credit, in order, as {@link #store} does one
     * by one, under one hold of the channel's lock.
     *
     * @param messages the messages, none null
     * @return how many were stored; the others were discarded (see {@link #store})
     */
    int storeAll(List<?> messages);

    /**
     * Gives back every slot this credit holds and has not used.
     *
     * @return how many slots were given back
     */
    int release();

    /** @return how many slots this credit holds now */
    int reserved();

    /** Releases the slots and leaves the channel: the writer end is gone. Closing twice does nothing. */
    void close();
}
