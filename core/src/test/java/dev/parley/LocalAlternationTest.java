package dev.parley;

import dev.parley.contract.AlternationContract;

/** Runs {@link AlternationContract} on channels of this JVM ({@code LocalChannel}). */
class LocalAlternationTest extends AlternationContract {
    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return LocalChannels.make(name, capacity);
    }
}
