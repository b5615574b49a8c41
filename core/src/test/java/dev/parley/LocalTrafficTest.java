package dev.parley;

import dev.parley.contract.TrafficContract;

/** Runs {@link TrafficContract} on channels of this JVM ({@code LocalChannel}). */
class LocalTrafficTest extends TrafficContract {
    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return LocalChannels.make(name, capacity);
    }
}
