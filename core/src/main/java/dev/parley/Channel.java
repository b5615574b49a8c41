package dev.parley;

import java.util.Objects;

/**
 * An any-to-any channel: rendezvous ({@link #create()}) or a FIFO buffer ({@link #buffered(int)}).
 * A channel is used through its ends: every call of {@link #reader()} or {@link #writer()} makes a
 * new end, and every end counts for retire. A networked channel is a {@code Channel} too. Channels
 * and their factory methods may be used from any thread.
 *
 * @param <T> the type of message; messages are never {@code null}
 */
public interface Channel<T> {

    /** @return a new rendezvous channel with a generated name, unique in this JVM */
    static <T> Channel<T> create() {
        return new LocalChannel<>(null, 0);
    }

    /**
     * @param name the channel's name, used in errors and for networked channels
     * @return a new rendezvous channel
     */
    static <T> Channel<T> create(String name) {
        return new LocalChannel<>(Objects.requireNonNull(name, "name"), 0);
    }

    /**
     * @param capacity how many messages the buffer holds, at least 1
     * @return a new buffered channel with a generated name, unique in this JVM
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    static <T> Channel<T> buffered(int capacity) {
        checkCapacity(capacity);
        return new LocalChannel<>(null, capacity);
    }

    /**
     * @param name the channel's name
     * @param capacity how many messages the buffer holds, at least 1
     * @return a new buffered channel
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    static <T> Channel<T> buffered(String name, int capacity) {
        Objects.requireNonNull(name, "name");
        checkCapacity(capacity);
        return new LocalChannel<>(name, capacity);
    }

    private static void checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "capacity=" + capacity + " must be at least 1 (use create() for rendezvous)");
        }
    }

    /** @return the channel's name */
    String name();

    /** @return a new reader end of this channel */
    ChannelInput<T> reader();

    /** @return a new writer end of this channel */
    ChannelOutput<T> writer();
}
