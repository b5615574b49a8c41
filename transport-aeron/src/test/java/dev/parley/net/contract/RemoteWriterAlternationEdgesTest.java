package dev.parley.net.contract;

import dev.parley.Channel;
import dev.parley.contract.AlternationEdgesContract;
import org.junit.jupiter.api.extension.ExtendWith;

/** The core's AlternationEdges contract with WRITER REMOTE ends, home and remote nodes on 127.0.0.1. */
@ExtendWith(OverTheNetwork.class)
class RemoteWriterAlternationEdgesTest extends AlternationEdgesContract {

    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return RemoteKind.shared(RemoteKind.Mode.WRITER_REMOTE).channel(name, capacity);
    }
}
