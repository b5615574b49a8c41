package dev.parley;

/** The contract suites' channel factory for channels of this JVM. */
final class LocalChannels {

    private LocalChannels() {
    }

    static <T> Channel<T> make(String name, int capacity) {
        return capacity == 0 ? Channel.create(name) : Channel.buffered(name, capacity);
    }
}
