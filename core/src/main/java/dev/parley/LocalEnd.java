package dev.parley;

import dev.parley.spi.AbandonableEnd;
import dev.parley.spi.GuardableEnd;
import dev.parley.spi.Port;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An end of a {@link LocalChannel}: a {@link Reader} or a {@link Writer}, made by the channel's
 * {@code reader()} and {@code writer()}. Thread-safe: any thread may use an end, and its state
 * changes under the channel's lock.
 *
 * <h2>Implementation note</h2>
 * An end is OPEN until it leaves the channel, once, by retiring or by being abandoned; then it
 * tells the channel, which counts the ends of each side that are left
 * ({@link ChannelTermination#endLeft}). Reads, writes and poison go to the channel, which does
 * the work under its lock.
 */
abstract class LocalEnd<T> implements AbandonableEnd {

    /** Where an end stands: in the channel, or gone from it by retiring or by being abandoned. */
    private enum EndState { OPEN, RETIRED, ABANDONED }

    final LocalChannel<T> channel;
    // Written under the channel's lock; guardPort reads it without, since its answer is stale once
    // returned anyway.
    private volatile EndState state = EndState.OPEN;

    LocalEnd(LocalChannel<T> channel) {
        this.channel = channel;
    }

    /** Throws if this end has left the channel: RetiredException if it retired. */
    final void checkUsable() {
        EndState s = state;
        if (s == EndState.RETIRED) {
            throw new RetiredException(channel.name(), "was used through an end that has retired");
        }
        if (s == EndState.ABANDONED) {
            throw new IllegalStateException("channel '" + channel.name() + "' was used through an end that was"
                    + " abandoned (its party is gone; abandoned ends must not be used)");
        }
    }

    public String channelName() {
        return channel.name();
    }

    abstract boolean isReader();

    public void poison() {
        channel.lock.lock();
        try {
            if (state != EndState.OPEN) {
                return;
            }
        } finally {
            channel.lock.unlock();
        }
        channel.termination.poison(isReader());
    }

    public void retire() {
        leave(EndState.RETIRED);
    }

    @Override
    public void abandon() {
        leave(EndState.ABANDONED);
    }

    /** This end leaves the channel, once: a second retire or abandon does nothing. */
    private void leave(EndState how) {
        channel.lock.lock();
        try {
            if (state != EndState.OPEN) {
                return;
            }
            state = how;
            channel.termination.endLeft(isReader(), how == EndState.RETIRED);
        } finally {
            channel.lock.unlock();
        }
    }

    /** @return the port of this end's side, checked for retire and abandon: alternations use this */
    public Port guardPort() {
        checkUsable();
        return isReader() ? channel.readerPort() : channel.writerPort();
    }

    /** The reading end. */
    static final class Reader<T> extends LocalEnd<T> implements ChannelInput<T>, GuardableEnd {
        Reader(LocalChannel<T> channel) {
            super(channel);
        }

        @Override
        boolean isReader() {
            return true;
        }

        @Override
        public T read() {
            return channel.read(this, -1);
        }

        @Override
        public Optional<T> read(Duration timeout) {
            return Optional.ofNullable(channel.read(this, Timeouts.toNanos(timeout)));
        }

        @Override
        public String toString() {
            return "ChannelInput[" + channel.name() + "]";
        }
    }

    /** The writing end. */
    static final class Writer<T> extends LocalEnd<T> implements ChannelOutput<T>, GuardableEnd {
        Writer(LocalChannel<T> channel) {
            super(channel);
        }

        @Override
        boolean isReader() {
            return false;
        }

        @Override
        public void write(T message) {
            channel.write(this, Objects.requireNonNull(message, "message"), -1);
        }

        @Override
        public boolean write(T message, Duration timeout) {
            Objects.requireNonNull(message, "message");
            return channel.write(this, message, Timeouts.toNanos(timeout));
        }

        @Override
        public String toString() {
            return "ChannelOutput[" + channel.name() + "]";
        }
    }
}
