package dev.parley;

import dev.parley.contract.StressContract;

/** Runs {@link StressContract} on channels of this JVM ({@code LocalChannel}). */
class LocalStressTest extends StressContract {
    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return LocalChannels.make(name, capacity);
    }
}
