package dev.parley.chaos;

import dev.parley.ChannelInput;
import dev.parley.ChannelTerminatedException;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import java.time.Duration;

/**
 * A reader node for the Aeron scenario, run as a child JVM's main class: hosts the rendezvous
 * channel {@code chaos} of strings at {@code 127.0.0.1:<port>}, prints {@code READY <address>},
 * then reads for ever, printing {@code got <value> <startEpochNs> <endEpochNs>} per message,
 * until poison, SIGKILL or its parent's end. Arguments: port, peer timeout in ms.
 */
public final class AeronReaderNode {
    static final String CHANNEL = "chaos";

    private AeronReaderNode() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: AeronReaderNode <port> <peerTimeoutMs>; args.length="
                    + args.length);
        }
        ParentWatch.exitWhenParentGoes();
        NodeConfig config = NodeConfig.of("127.0.0.1", Integer.parseInt(args[0]))
                .withPeerTimeout(Duration.ofMillis(Long.parseLong(args[1])));
        try (Node node = Node.start(config)) {
            ChannelInput<String> in = node.channel(CHANNEL, Codec.strings()).reader();
            System.out.println(NodeProcess.READY + " " + node.address());
            System.out.flush();
            while (true) {
                long startNs = Recorder.epochNs();
                String value = in.read();
                System.out.println("got " + value + " " + startNs + " " + Recorder.epochNs());
                System.out.flush();
            }
        } catch (ChannelTerminatedException e) {
            System.out.println("ended " + e.getClass().getSimpleName());
        }
    }
}
