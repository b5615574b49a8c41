package dev.parley.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Nodes for one test on 127.0.0.1, all closed by {@link #close}, also when the test failed. */
final class Nodes implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final Duration PEER_TIMEOUT = Duration.ofMillis(1500);

    private final List<Node> nodes = new ArrayList<>();

    /** @return a new node on a port the system picks, with a short peer timeout */
    Node start() {
        return start(NodeConfig.of(HOST, 0).withPeerTimeout(PEER_TIMEOUT).withConnectTimeout(Duration.ofSeconds(10)));
    }

    Node start(NodeConfig config) {
        Node node = Node.start(config);
        nodes.add(node);
        return node;
    }

    static int port(Node node) {
        String a = node.address();
        return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (Node n : nodes.reversed()) {
            try {
                n.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        nodes.clear();
        if (first != null) {
            throw first;
        }
    }
}
