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
 */
public final class Sender {

    private Sender() {
    }

    /**
     * A remote poison is sent, not confirmed; a later write on the same end reaches the home
     * after it (the session keeps order) and fails there with the poison, so that the node
     * is not closed before the home has it.
     */
    private static void confirmPoisoned(ChannelOutput<String> out) {
        try {
            out.write("after the poison");
            throw new IllegalStateException("a write after the poison was taken");
        } catch (PoisonException expected) {
            // the home has applied the poison
        }
    }

    public static void main(String[] argv) {
        Args args = new Args(argv, Set.of("host", "port", "count", "message"));
        String host = args.get("host", "127.0.0.1");
        int port = args.getInt("port", 7890);
        try (Node node = Node.start(host, 0)) {
            ChannelOutput<String> out = node.connect("A", host, port, Codec.strings()).writer();
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
            out.poison();
            confirmPoisoned(out);
            System.out.println("sender: poisoned channel A, shutting down");
        }
    }
}
