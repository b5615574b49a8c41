package dev.parley;

import dev.parley.contract.TimedAndInterruptContract;

/** Runs {@link TimedAndInterruptContract} on channels of this JVM ({@code LocalChannel}). */
class LocalTimedAndInterruptTest extends TimedAndInterruptContract {
    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return LocalChannels.make(name, capacity);
    }
}
