package dev.parley.protocol.binding;

import dev.parley.protocol.Network;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A "network" inside one JVM: a frame sent to a peer is handed to that peer's loop, which
 * receives it on its thread. It loses, duplicates and reorders nothing; for tests and
 * examples of nodes in one JVM. Any thread may use it.
 */
public final class LoopbackNetwork {

    private final Map<String, NodeLoop> loops = new ConcurrentHashMap<>();

    /** @return the network as the node at address {@code self} sends into it */
    public Network endpoint(String self) {
        return (peer, frame) -> {
            NodeLoop target = loops.get(peer);
            if (target != null) { // nothing listens there: the frame is lost, as on UDP
                target.submit(() -> target.node().receive(self, frame, 0, frame.length, System.nanoTime()));
            }
        };
    }

    /** Makes {@code loop} reachable at {@code address}, in place of any loop there before. */
    public void register(String address, NodeLoop loop) {
        loops.put(address, loop);
    }

    /** Makes {@code address} unreachable: frames sent there are lost, as if its node died. */
    public void unregister(String address) {
        loops.remove(address);
    }
}
