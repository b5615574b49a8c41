package dev.parley.net.contract;

import dev.parley.Channel;
import dev.parley.contract.TimedAndInterruptContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The core's TimedAndInterrupt contract with WRITER REMOTE ends that write ahead into buffered channels,
 * home and remote nodes on 127.0.0.1.
 */
@ExtendWith(OverTheNetwork.class)
class WriteAheadWriterTimedAndInterruptTest extends TimedAndInterruptContract {

    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return RemoteKind.shared(RemoteKind.Mode.WRITE_AHEAD).channel(name, capacity);
    }
}
