package dev.parley.examples;

import dev.parley.ChannelInput;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import java.util.Set;

/**
 * {@code bin/parley receiver --host H --port P [--count N]}: hosts channel "A" of strings at
 * H:P (port 0 picks one), prints its address, then each message on its own line. It ends
 * when a writer poisons or retires the channel, or, with {@code --count}, after N messages,
 * poisoning the channel so that its writers stop too.
 */
public final class Receiver {

    private Receiver() {
    }

    public static void main(String[] argv) {
        Args args = new Args(argv, Set.of("host", "port", "count"));
        int count = args.getInt("count", -1);
        try (Node node = Node.start(args.get("host", "127.0.0.1"), args.getInt("port", 7890))) {
            ChannelInput<String> in = node.channel("A", Codec.strings()).reader();
            System.out.println("receiver: hosting channel A at " + node.address());
            System.out.flush();
            try {
                for (int i = 0; count < 0 || i < count; i++) {
                    System.out.println(in.read());
                    System.out.flush();
                }
                in.poison();
                System.out.println("receiver: read " + count + " messages, poisoned the channel");
            } catch (PoisonException e) {
                System.out.println("receiver: the channel was poisoned, shutting down");
            } catch (RetiredException e) {
                System.out.println("receiver: every writer retired, shutting down");
            }
        }
    }
}
