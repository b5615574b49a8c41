package dev.parley;

import dev.parley.contract.RetirePoisonContract;

/** Runs {@link RetirePoisonContract} on channels of this JVM ({@code LocalChannel}). */
class LocalRetirePoisonTest extends RetirePoisonContract {
    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return LocalChannels.make(name, capacity);
    }
}
