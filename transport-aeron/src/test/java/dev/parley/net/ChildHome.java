package dev.parley.net;

import dev.parley.ChannelInput;
import dev.parley.ChannelTerminatedException;
import java.time.Duration;

/**
 * The program of a child JVM in {@link CrossJvmTest}: hosts channel "A" of strings at
 * {@code 127.0.0.1:<port>}, prints {@code address <host:port>}, then {@code got <message>}
 * for each message read, and {@code ended <exception>} when poison or retire ends it.
 * Arguments: port, peer timeout in milliseconds.
 */
public final class ChildHome {

    private ChildHome() {
    }

    public static void main(String[] args) {
        NodeConfig config = NodeConfig.of(Nodes.HOST, Integer.parseInt(args[0]))
                .withPeerTimeout(Duration.ofMillis(Long.parseLong(args[1])));
        try (Node node = Node.start(config)) {
            ChannelInput<String> in = node.channel("A", Codec.strings()).reader();
            System.out.println("address " + node.address());
            System.out.flush();
            try {
                while (true) {
                    System.out.println("got " + in.read());
                    System.out.flush();
                }
            } catch (ChannelTerminatedException e) {
                System.out.println("ended " + e.getClass().getSimpleName());
            }
        }
    }
}
