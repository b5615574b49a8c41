package dev.parley;

import dev.parley.internal.SeededBug;
import dev.parley.spi.Credit;
import dev.parley.spi.CreditHolder;
import dev.parley.spi.Decision;
import dev.parley.spi.Offer;
import dev.parley.spi.OfferQueue;
import dev.parley.spi.Port;

import java.util.List;

/**
 * A side of a {@link LocalChannel}, its readers' or its writers', as alternations and transports
 * see it: the {@link Port} through which they poll, enroll and withdraw offers. One of each per
 * channel; both share the channel's lock, and so its lock order. Thread-safe: {@link #poll} and
 * {@link #enroll} run with that lock held, as {@link Port} requires, and the other calls take it.
 */
abstract class LocalPort implements Port {

    final LocalChannel<?> channel;

    LocalPort(LocalChannel<?> channel) {
        this.channel = channel;
    }

    @Override
    public long lockOrder() {
        return channel.id;
    }

    @Override
    public void lock() {
        channel.lock.lock();
    }

    @Override
    public void unlock() {
        channel.lock.unlock();
    }

    /** @return the channel's queue of this side's waiting offers */
    abstract OfferQueue queue();

    @Override
    public void enroll(Offer offer) {
        if (channel.termination.terminated() && !(this == channel.readerPort() && !channel.readersDone())) {
            // Terminated while the party was enrolling elsewhere: fail this guard instead.
            if (offer.isForeign()) {
                offer.foreign().terminated(channel.termination.exception());
            } else {
                offer.decision().tryFail(offer.index(), channel.termination.exception());
            }
            return;
        }
        queue().add(offer);
        if (offer.isForeign()) {
            channel.foreign.foreignQueued();
        }
        channel.foreign.matchForeign();
        if (this == channel.writerPort()) {
            channel.credits.askBack();
        }
    }

    @Override
    public void withdraw(Offer offer) {
        if (SeededBug.is(SeededBug.WITHDRAWN_OFFER_MATCHED)) { return; }
        if (!offer.isForeign() && !offer.isQueued()) {
            // Benign race: the owner enrolled this offer itself, so a false here is never stale.
            return;
        }
        channel.lock.lock();
        try {
            if (offer.isForeign()) {
                channel.foreign.dequeueForeign(queue(), offer);
            } else {
                queue().remove(offer);
            }
        } finally {
            channel.lock.unlock();
        }
    }

    @Override
    public void rematch() {
        List<Decision> released;
        channel.lock.lock();
        try {
            released = channel.matchLocked();
        } finally {
            channel.lock.unlock();
        }
        for (Decision d : released) {
            d.rematch();
        }
    }

    /** The side of the channel's readers. */
    static final class ReaderPort extends LocalPort {
        ReaderPort(LocalChannel<?> channel) {
            super(channel);
        }

        @Override
        OfferQueue queue() {
            return channel.readers;
        }

        @Override
        public boolean poll(Offer offer) {
            Object message = channel.takeNow(offer.decision());
            return message != LocalChannel.NOTHING && offer.decision().tryClaim(offer.index(), message);
        }

        @Override
        public String describe() {
            return "channel '" + channel.name() + "' (read)";
        }
    }

    /** The side of the channel's writers. */
    static final class WriterPort extends LocalPort {
        WriterPort(LocalChannel<?> channel) {
            super(channel);
        }

        @Override
        OfferQueue queue() {
            return channel.writers;
        }

        @Override
        public boolean poll(Offer offer) {
            return channel.putNow(offer.decision(), offer.value()) && offer.decision().tryClaim(offer.index(), null);
        }

        @Override
        public Credit openCredit(CreditHolder holder) {
            return channel.credits.open(holder);
        }

        @Override
        public String describe() {
            return "channel '" + channel.name() + "' (write)";
        }
    }
}
