package dev.parley.examples;

import dev.parley.ChannelOutput;
import dev.parley.PoisonException;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import java.util.Set;

/**
 * {@code bin/parley sender --host H --port P [--count N] [--message TEXT]}: connects to
 * channel "A" at H:P and writes TEXT, or {@code msg-0} ... {@code msg-(N-1)}, each write
 * returning once the receiver has taken it; then poisons the channel, which ends the receiver.
 * A poison from the receiver (its {@code --count} reached) ends the sender normally.
 */
public final class Sender {

    private Sender() {
    }

    public static void main(String[] argv) {
        Args args = new Args(argv, Set.of("host", "port", "count", "message"));
        String host = args.get("host", "127.0.0.1");
        int port = args.getInt("port", 7890);
        try (Node node = Node.start(host, 0)) {
            ChannelOutput<String> out = node.connect("A", host, port, Codec.strings()).writer();
            try {
                if (args.has("message") || !args.has("count")) {
                    String message = args.get("message", "hello over a network");
                    out.write(message);
                    System.out.println("sender: " + message + " (taken by the receiver)");
                } else {
                    for (int i = 0; i < args.getInt("count", 1); i++) {
                        out.write("msg-" + i);
                        System.out.println("sender: msg-" + i + " (taken by the receiver)");
                    }
                }
            } catch (PoisonException e) {
                System.out.println("sender: the receiver poisoned channel A, shutting down");
                return;
            }
            out.poison(); // returns once the home has applied it: the node may close now
            System.out.println("sender: poisoned channel A, shutting down");
        }
    }
}
