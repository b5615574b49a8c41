package dev.parley;

import dev.parley.internal.SeededBug;
import dev.parley.spi.Decision;
import dev.parley.spi.Offer;
import dev.parley.spi.OfferQueue;

/**
 * How a {@link LocalChannel} ends, by poison or by retire, and the counts of its ends that decide
 * when a side retires it. Guarded by the channel's lock, like the rest of the channel's state.
 *
 * <p>Invariants (the channel's, named in its class comment): <b>abandoned-is-not-retired</b>, a
 * side retires the channel once it has no end left that is neither retired nor abandoned and one
 * of its ends did retire; <b>credit-drains</b>, after a writer-side poison or retire readers are
 * failed only once the buffer is empty and no slot is reserved under a credit, while a
 * reader-side termination discards the buffer and every credit's slots at once;
 * <b>terminated-is-quiet</b>, once terminated every waiting party that can no longer communicate
 * is failed. A poison may follow a retire, or a writer's poison, and then decides what the
 * readers still receive; a retire never follows a termination.
 */
final class ChannelTermination {

    /** How a channel ended: by poison or by retire, and whether readers still drain the buffer. */
    private record How(boolean poison, boolean readersDrain) {
    }

    private final LocalChannel<?> channel;

    // The ends of each side neither retired nor abandoned, and whether one of them retired.
    private int readerEnds;
    private int writerEnds;
    private boolean aReaderRetired;
    private boolean aWriterRetired;
    private How how; // null while the channel is open

    ChannelTermination(LocalChannel<?> channel) {
        this.channel = channel;
    }

    /** A new end of one side (lock held). */
    void endMade(boolean reader) {
        if (reader) {
            readerEnds++;
        } else {
            writerEnds++;
        }
    }

    /** @return true once the channel is poisoned or retired (lock held) */
    boolean terminated() {
        return how != null;
    }

    /**
     * @return true if a message that arrives now, into a slot reserved for a foreign writer, is
     *     stored: the channel is not terminated, or readers drain it (lock held)
     */
    boolean storesArrivals() {
        return how == null || how.readersDrain();
    }

    /** @return the exception that tells a party how the channel ended (lock held, once terminated) */
    ChannelTerminatedException exception() {
        String name = channel.name();
        return how.poison() ? new PoisonException(name) : new RetiredException(name, "is retired");
    }

    /** Poisons the channel from one side; takes the lock. */
    void poison(boolean byReader) {
        channel.lock.lock();
        try {
            // A reader's poison discards the buffer even when a writer poisoned first.
            if (how == null || !how.poison() || (byReader && how.readersDrain())) {
                boolean drain = !byReader;
                if (SeededBug.is(SeededBug.READER_POISON_KEEPS_BUFFER)) { drain = true; }
                terminate(new How(true, drain));
            }
        } finally {
            channel.lock.unlock();
        }
    }

    /**
     * An end of one side left, by retiring or by being abandoned (invariant
     * abandoned-is-not-retired): the side retires the channel once no end of it is left and one of
     * its ends retired. Lock held.
     */
    void endLeft(boolean reader, boolean retired) {
        int left;
        boolean anyRetired;
        if (reader) {
            readerEnds--;
            aReaderRetired |= retired;
            left = readerEnds;
            anyRetired = aReaderRetired;
        } else {
            writerEnds--;
            aWriterRetired |= retired;
            left = writerEnds;
            anyRetired = aWriterRetired;
        }
        if (SeededBug.is(SeededBug.RETIRE_COUNTED_PER_CHANNEL) && retired) { left = 0; }
        if (left == 0 && anyRetired && how == null) {
            terminate(new How(false, !reader));
        }
    }

    /** Ends the channel and fails every waiting party that can no longer communicate. */
    private void terminate(How how) {
        this.how = how;
        if (channel.buffer != null && !how.readersDrain()) {
            channel.buffer.clear();
        }
        channel.credits.terminatedLocked(how.readersDrain());
        failAll(channel.writers);
        if (SeededBug.is(SeededBug.POISON_DOES_NOT_WAKE_READER) && how.poison()) { return; }
        if (channel.readersDone()) {
            failAll(channel.readers);
        }
    }

    /**
     * Once terminated, fails every waiting writer, and every waiting reader once readers have
     * nothing more to receive (lock held): for parties that a proposal's answer let wait again.
     */
    void failWaiting() {
        if (how != null) {
            failAll(channel.writers);
            if (channel.readersDone()) {
                failAll(channel.readers);
            }
        }
    }

    /** Fails every waiting offer of {@code queue}; held ones stay until their proposal is answered. */
    private void failAll(OfferQueue queue) {
        Offer offer = queue.first();
        while (offer != null) {
            Offer next = queue.after(offer);
            if (offer.isForeign()) {
                channel.foreign.dequeueForeign(queue, offer);
                offer.foreign().terminated(exception());
            } else {
                Decision d = offer.decision();
                if (d.tryFail(offer.index(), exception()) || d.isFinal()) {
                    queue.remove(offer);
                }
            }
            offer = next;
        }
    }
}
