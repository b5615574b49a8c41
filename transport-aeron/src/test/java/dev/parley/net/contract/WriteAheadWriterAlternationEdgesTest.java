package dev.parley.net.contract;

import dev.parley.Channel;
import dev.parley.contract.AlternationEdgesContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The core's AlternationEdges contract with WRITER REMOTE ends that write ahead into buffered
 * channels, home and remote nodes on 127.0.0.1.
 */
@ExtendWith(OverTheNetwork.class)
class WriteAheadWriterAlternationEdgesTest extends AlternationEdgesContract {

    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return RemoteKind.shared(RemoteKind.Mode.WRITE_AHEAD).channel(name, capacity);
    }
}
