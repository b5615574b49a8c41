package dev.parley;

import dev.parley.contract.AlternationEdgesContract;

/** Runs {@link AlternationEdgesContract} on channels of this JVM ({@code LocalChannel}). */
class LocalAlternationEdgesTest extends AlternationEdgesContract {
    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return LocalChannels.make(name, capacity);
    }
}
