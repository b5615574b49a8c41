package dev.parley.chaos;

import dev.parley.net.Codec;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import java.time.Duration;

/**
 * A channel's home in a child JVM, behind a proxy: run as the main class, it hosts the buffered
 * channel {@code <name>} of strings with the given capacity at {@code 127.0.0.1:<port>},
 * advertising {@code 127.0.0.1:<advertisedPort>} (its proxy), prints {@code READY <address>} and
 * then only serves remote ends until SIGKILL or its parent's end. It has no local reader or
 * writer, so nothing of the history is recorded in this JVM and a SIGKILL loses no record.
 * Arguments: port, advertised port, peer timeout in ms, channel name, capacity.
 */
public final class HomeNode {
    private HomeNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: HomeNode <port> <advertisedPort> <peerTimeoutMs> <channel>"
                    + " <capacity>; args.length=" + args.length);
        }
        ParentWatch.exitWhenParentGoes();
        NodeConfig config = NodeConfig.of("127.0.0.1", Integer.parseInt(args[0]))
                .withAdvertisedAddress("127.0.0.1", Integer.parseInt(args[1]))
                .withPeerTimeout(Duration.ofMillis(Long.parseLong(args[2])));
        try (Node node = Node.start(config)) {
            node.bufferedChannel(args[3], Integer.parseInt(args[4]), Codec.strings());
            System.out.println(NodeProcess.READY + " " + node.address());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
