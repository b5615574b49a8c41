package dev.parley.net.contract;

import dev.parley.Channel;
import dev.parley.contract.AlternationEdgesContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The core's AlternationEdges contract with BOTH ENDS REMOTE: readers on one node, writers on
 * another, the home a third (which relays between them), all on 127.0.0.1.
 */
@ExtendWith(OverTheNetwork.class)
class BothRemoteAlternationEdgesTest extends AlternationEdgesContract {

    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return RemoteKind.shared(RemoteKind.Mode.BOTH_REMOTE).channel(name, capacity);
    }
}
