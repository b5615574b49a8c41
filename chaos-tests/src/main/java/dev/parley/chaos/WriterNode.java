package dev.parley.chaos;

import dev.parley.Channel;
import dev.parley.ChannelOutput;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import java.time.Duration;

/**
 * A writer node in a child JVM, behind a proxy, for process faults on the writing side: run as
 * the main class, it connects to the rendezvous channel {@code <channel>} at
 * {@code 127.0.0.1:<homePort>} and writes {@code wk-<pid>:0}, {@code wk-<pid>:1}, ... with a
 * timeout each, back to back, until the file {@code stopFile} exists. It announces each write
 * as it begins and as it ends ({@link Announced}: the value is the write's id), so that a
 * write cut short by SIGKILL is known to have begun. After UNKNOWN or UNREACHABLE it waits 10 ms and takes a
 * fresh end. Arguments: port, advertised port, peer timeout in ms, home port, channel,
 * timeout in ms, stop file.
 */
public final class WriterNode {
    private WriterNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: WriterNode <port> <advertisedPort> <peerTimeoutMs> <homePort>"
                    + " <channel> <timeoutMs> <stopFile>; args.length=" + args.length);
        }
        ParentWatch.exitWhenParentGoes();
        NodeConfig config = NodeConfig.of("127.0.0.1", Integer.parseInt(args[0]))
                .withAdvertisedAddress("127.0.0.1", Integer.parseInt(args[1]))
                .withPeerTimeout(Duration.ofMillis(Long.parseLong(args[2])));
        Duration timeout = Duration.ofMillis(Long.parseLong(args[5]));
        java.nio.file.Path stopFile = java.nio.file.Path.of(args[6]);
        String process = "wk-" + ProcessHandle.current().pid();
        try (Node node = Node.start(config)) {
            Channel<String> channel = node.connect(args[4], "127.0.0.1", Integer.parseInt(args[3]), Codec.strings(),
                    Duration.ofSeconds(30));
            System.out.println(NodeProcess.READY + " " + node.address());
            System.out.flush();
            ChannelOutput<String> out = channel.writer();
            for (int i = 0; !java.nio.file.Files.exists(stopFile); i++) {
                String value = process + ":" + i;
                long startNs = Recorder.epochNs();
                Announced.begin(process, value, startNs, startNs + timeout.toNanos());
                Outcome o;
                try {
                    o = out.write(value, timeout) ? Outcome.DONE : Outcome.NOT_DONE;
                } catch (RuntimeException e) {
                    o = Outcome.of(e);
                }
                Announced.end(process, value, o, Recorder.epochNs(), null);
                if (o == Outcome.UNKNOWN || o == Outcome.UNREACHABLE) {
                    Thread.sleep(Workers.BACKOFF_MS);
                    out = channel.writer();
                } else if (o != Outcome.DONE && o != Outcome.NOT_DONE) {
                    break;
                }
            }
            System.out.println("stopped");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
