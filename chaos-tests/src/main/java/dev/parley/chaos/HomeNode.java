package dev.parley.chaos;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import java.time.Duration;

/**
 * A channel's home in a child JVM, behind a proxy: run as the main class, it hosts the
 * channel {@code <name>} of strings (buffered with the given capacity, or a rendezvous channel
 * for capacity 0) at {@code 127.0.0.1:<port>}, advertising {@code 127.0.0.1:<advertisedPort>}
 * (its proxy), and prints {@code READY <address>}.
 *
 * <p>Without a sixth argument it has no local reader or writer and only serves remote ends
 * until SIGKILL or its parent's end, so nothing of the history is recorded in this JVM and a
 * SIGKILL loses no record. With the sixth argument {@code reader} it also runs a local reader,
 * process {@code hr-<pid>}, that reads untimed until the channel ends and {@link Announced
 * announces} every read (ids {@code read-0}, {@code read-1}, ...) as it begins and as it ends,
 * with the value it got; then it prints {@code stopped} and the JVM exits. A value read is
 * printed before the next read begins, so a SIGKILL loses at most the read under way, whose
 * begin line says it was cut short. With {@code reader:<gapMs>} the reader sleeps that long
 * after each read, so that it is slower than the writers and a buffer stays full.
 *
 * <p>Arguments: port, advertised port, peer timeout in ms, channel name, capacity, and
 * optionally {@code reader} or {@code reader:<gapMs>}.
 */
public final class HomeNode {
    private HomeNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5 && !(args.length == 6 && args[5].matches("reader(:[0-9]+)?"))) {
            throw new IllegalArgumentException("usage: HomeNode <port> <advertisedPort> <peerTimeoutMs> <channel>"
                    + " <capacity> [reader[:gapMs]]; args=" + java.util.Arrays.toString(args));
        }
        long gapMs = args.length == 6 && args[5].contains(":") ? Long.parseLong(args[5].substring(7)) : 0;
        ParentWatch.exitWhenParentGoes();
        NodeConfig config = NodeConfig.of("127.0.0.1", Integer.parseInt(args[0]))
                .withAdvertisedAddress("127.0.0.1", Integer.parseInt(args[1]))
                .withPeerTimeout(Duration.ofMillis(Long.parseLong(args[2])));
        int capacity = Integer.parseInt(args[4]);
        try (Node node = Node.start(config)) {
            Channel<String> channel = capacity == 0 ? node.channel(args[3], Codec.strings())
                    : node.bufferedChannel(args[3], capacity, Codec.strings());
            ChannelInput<String> in = args.length == 6 ? channel.reader() : null;
            System.out.println(NodeProcess.READY + " " + node.address());
            System.out.flush();
            if (in == null) {
                Thread.sleep(Long.MAX_VALUE);
            }
            readAndAnnounce(in, gapMs);
        }
    }

    /**
     * Reads untimed, announcing each read and sleeping {@code gapMs} after it, until an
     * exception ends the reader (poison at the end).
     */
    private static void readAndAnnounce(ChannelInput<String> in, long gapMs) throws InterruptedException {
        String process = "hr-" + ProcessHandle.current().pid();
        for (int i = 0; ; i++) {
            String id = "read-" + i;
            Announced.begin(process, id, Recorder.epochNs(), -1);
            try {
                String value = in.read();
                Announced.end(process, id, Outcome.DONE, Recorder.epochNs(), value);
            } catch (RuntimeException e) {
                Announced.end(process, id, Outcome.of(e), Recorder.epochNs(), null);
                if (Outcome.of(e) == Outcome.FAILED) {
                    e.printStackTrace();        // to the log: the contract names no such exception
                }
                Announced.print("stopped");
                return;
            }
            if (gapMs > 0) {
                Thread.sleep(gapMs);
            }
        }
    }
}
