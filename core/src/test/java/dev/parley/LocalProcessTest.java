package dev.parley;

import dev.parley.contract.ProcessContract;

/** Runs {@link ProcessContract} on channels of this JVM ({@code LocalChannel}). */
class LocalProcessTest extends ProcessContract {
    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return LocalChannels.make(name, capacity);
    }
}
