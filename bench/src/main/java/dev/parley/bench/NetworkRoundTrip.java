package dev.parley.bench;

import dev.parley.CSProcess;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.Spawn;
import dev.parley.net.Codec;
import dev.parley.net.EmbeddedDriver;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code bin/parley netbench [rounds]}: round trips and throughput over UDP loopback, in one
 * JVM with two embedded drivers of the same settings, 32-byte messages.
 * <ul>
 *   <li>Raw Aeron ping-pong (pollers with the drivers' backoff idle strategy), dense (back to
 *       back) and sparse (one round trip every 2 ms).</li>
 *   <li>Remote rendezvous ping-pong: each node hosts the channel it reads, so each message is
 *       a remote write to a reader at its home (the write returns once that reader took it).</li>
 *   <li>Remote write, then remote read: both channels hosted by one node, whose process reads
 *       the ping and writes the pong; the other node's write and read are both remote, so a
 *       round trip needs two network round trips.</li>
 *   <li>Throughput: raw Aeron offer/poll of {@code 300 x rounds} messages, against a buffered
 *       remote channel (capacity {@value #BUFFER}) fed by {@value #WRITERS} remote writers, each
 *       on its own end, and drained by a reader at the home; and by one remote writer; each
 *       with writes that wait until stored (the default) and with writes ahead
 *       ({@code NodeConfig.withWriteAhead}); and writes ahead into a buffer of capacity
 *       {@value #LARGE_BUFFER}, since a buffer's capacity bounds how many writes are on their
 *       way at once.</li>
 * </ul>
 * Prints p50 and p99, messages per second and the ratios. With a second argument
 * {@code throughput}, only the throughput part runs. A measurement on a shared machine, not a
 * test; run it on the main thread.
 */
public final class NetworkRoundTrip {

    private static final long SPARSE_GAP_NS = 2_000_000;
    private static final int BUFFER = 256;
    /** A buffer as large as a write-ahead end's default window: four of them fill it. */
    private static final int LARGE_BUFFER = 4096;
    private static final int WRITERS = 16;

    private NetworkRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        if (args.length > 1 && args[1].equals("throughput")) {
            throughput(rounds);
            return;
        }
        long[] rawDense = raw(rounds, 0);
        long[] rawSparse = raw(rounds / 5, SPARSE_GAP_NS);
        long[] pingPongDense = parleyPingPong(rounds, 0);
        long[] pingPongSparse = parleyPingPong(rounds / 5, SPARSE_GAP_NS);
        long[] parleyDense = parley(rounds, 0);
        long[] parleySparse = parley(rounds / 5, SPARSE_GAP_NS);
        System.out.printf("%-44s %10s %10s %12s%n", "round trip (us)", "p50", "p99", "ratio p50/p99");
        print("raw Aeron ping-pong, dense", rawDense, rawDense);
        print("remote rendezvous ping-pong, dense", pingPongDense, rawDense);
        print("remote write then remote read, dense", parleyDense, rawDense);
        print("raw Aeron ping-pong, sparse 2 ms", rawSparse, rawSparse);
        print("remote rendezvous ping-pong, sparse 2 ms", pingPongSparse, rawSparse);
        print("remote write then remote read, sparse 2 ms", parleySparse, rawSparse);
        throughput(rounds);
    }

    /**
     * Measures and prints raw Aeron's throughput and the buffered remote channel's, as fractions
     * of it: {@value #THROUGHPUT_ROUNDS} rounds, each measuring every variant once in turn (so
     * that the machine's drift hits all alike), and the median of each variant's rounds; each
     * measurement moves enough messages to take about a second here.
     */
    private static void throughput(int rounds) throws Exception {
        String[] names = {
            "raw Aeron offer/poll",
            "buffered remote channel (" + BUFFER + "), " + WRITERS + " writers",
            "buffered remote channel (" + BUFFER + "), 1 writer",
            "buffered remote channel (" + BUFFER + "), " + WRITERS + " writers ahead",
            "buffered remote channel (" + BUFFER + "), 1 writer ahead",
            "buffered remote channel (" + LARGE_BUFFER + "), " + WRITERS + " writers ahead",
            "buffered remote channel (" + LARGE_BUFFER + "), 1 writer ahead"};
        double[][] rates = new double[names.length][THROUGHPUT_ROUNDS];
        for (int r = 0; r < THROUGHPUT_ROUNDS; r++) {
            rates[0][r] = rawThroughput(300 * rounds);
            rates[1][r] = parleyThroughput(12 * rounds, WRITERS, false, BUFFER);
            rates[2][r] = parleyThroughput(3 * rounds, 1, false, BUFFER);
            rates[3][r] = parleyThroughput(60 * rounds, WRITERS, true, BUFFER);
            rates[4][r] = parleyThroughput(60 * rounds, 1, true, BUFFER);
            rates[5][r] = parleyThroughput(300 * rounds, WRITERS, true, LARGE_BUFFER);
            rates[6][r] = parleyThroughput(300 * rounds, 1, true, LARGE_BUFFER);
        }
        double raw = median(rates[0]);
        System.out.printf("%-54s %12s %8s  %s%n", "throughput (messages/s), median of " + THROUGHPUT_ROUNDS, "rate",
                "ratio", "rounds");
        for (int v = 0; v < names.length; v++) {
            System.out.printf("%-54s %12.0f %8.3f  %s%n", names[v], median(rates[v]), median(rates[v]) / raw,
                    Arrays.toString(Arrays.stream(rates[v]).mapToLong(Math::round).toArray()));
        }
    }

    private static final int THROUGHPUT_ROUNDS = 3;

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }


    private static long[] raw(int rounds, long gapNs) throws Exception {
        try (EmbeddedDriver d1 = EmbeddedDriver.start(); EmbeddedDriver d2 = EmbeddedDriver.start();
                Aeron a1 = Aeron.connect(new Aeron.Context().aeronDirectoryName(d1.directory()));
                Aeron a2 = Aeron.connect(new Aeron.Context().aeronDirectoryName(d2.directory()));
                Subscription pingSub = a2.addSubscription("aeron:udp?endpoint=127.0.0.1:40501", 1);
                Subscription pongSub = a1.addSubscription("aeron:udp?endpoint=127.0.0.1:40502", 1);
                ExclusivePublication pingPub = a1.addExclusivePublication("aeron:udp?endpoint=127.0.0.1:40501", 1);
                ExclusivePublication pongPub = a2.addExclusivePublication("aeron:udp?endpoint=127.0.0.1:40502", 1)) {
            while (!pingPub.isConnected() || !pongPub.isConnected()) {
                LockSupport.parkNanos(1_000_000);
            }
            UnsafeBuffer msg = new UnsafeBuffer(new byte[32]);
            boolean[] running = {true};
            Thread echo = Thread.ofPlatform().start(() -> {
                IdleStrategy idle = EmbeddedDriver.idleStrategy();
                FragmentHandler back = (b, o, l, h) -> {
                    while (pongPub.offer(b, o, l) < 0) {
                        idle.idle(0);
                    }
                };
                while (running[0]) {
                    idle.idle(pingSub.poll(back, 1));
                }
            });
            try {
                long[] rtt = new long[rounds];
                IdleStrategy idle = EmbeddedDriver.idleStrategy();
                int[] got = new int[1];
                FragmentHandler count = (b, o, l, h) -> got[0]++;
                for (int i = -rounds / 10; i < rounds; i++) { // the first tenth warms up
                    long t0 = System.nanoTime();
                    while (pingPub.offer(msg) < 0) {
                        idle.idle(0);
                    }
                    got[0] = 0;
                    while (got[0] == 0) {
                        idle.idle(pongSub.poll(count, 1));
                    }
                    if (i >= 0) {
                        rtt[i] = System.nanoTime() - t0;
                    }
                    pause(gapNs);
                }
                return rtt;
            } finally {
                running[0] = false;
                echo.join();
            }
        }
    }

    private static int port(Node node) {
        return Integer.parseInt(node.address().substring(node.address().lastIndexOf(':') + 1));
    }

    private static long[] parleyPingPong(int rounds, long gapNs) throws Exception {
        try (Node a = Node.start("127.0.0.1", 0); Node b = Node.start("127.0.0.1", 0)) {
            ChannelInput<byte[]> pingIn = b.channel("ping", Codec.bytes()).reader();
            ChannelInput<byte[]> pongIn = a.channel("pong", Codec.bytes()).reader();
            ChannelOutput<byte[]> pingOut = a.connect("ping", "127.0.0.1", port(b), Codec.bytes()).writer();
            ChannelOutput<byte[]> pongOut = b.connect("pong", "127.0.0.1", port(a), Codec.bytes()).writer();
            Spawn.Handle echo = Spawn.start(() -> {
                while (true) {
                    pongOut.write(pingIn.read());
                }
            });
            long[] rtt = roundTrips(pingOut, pongIn, rounds, gapNs);
            pingOut.poison(); // reaches the echo's read, which ends it
            echo.join();
            return rtt;
        }
    }

    /** @return the round trips (write the ping, read the pong), after a tenth as many to warm up */
    private static long[] roundTrips(ChannelOutput<byte[]> pingOut, ChannelInput<byte[]> pongIn, int rounds,
            long gapNs) {
        byte[] msg = new byte[32];
        long[] rtt = new long[rounds];
        for (int i = -rounds / 10; i < rounds; i++) {
            long t0 = System.nanoTime();
            pingOut.write(msg);
            pongIn.read();
            if (i >= 0) {
                rtt[i] = System.nanoTime() - t0;
            }
            pause(gapNs);
        }
        return rtt;
    }

    /** @return messages per second from one publication to one subscription across two drivers */
    private static double rawThroughput(int messages) throws Exception {
        try (EmbeddedDriver d1 = EmbeddedDriver.start(); EmbeddedDriver d2 = EmbeddedDriver.start();
                Aeron a1 = Aeron.connect(new Aeron.Context().aeronDirectoryName(d1.directory()));
                Aeron a2 = Aeron.connect(new Aeron.Context().aeronDirectoryName(d2.directory()));
                Subscription sub = a2.addSubscription("aeron:udp?endpoint=127.0.0.1:40503", 2);
                ExclusivePublication pub = a1.addExclusivePublication("aeron:udp?endpoint=127.0.0.1:40503", 2)) {
            while (!pub.isConnected()) {
                LockSupport.parkNanos(1_000_000);
            }
            UnsafeBuffer msg = new UnsafeBuffer(new byte[32]);
            send(pub, sub, msg, messages / 10); // warm-up
            long t0 = System.nanoTime();
            send(pub, sub, msg, messages);
            return messages / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void send(ExclusivePublication pub, Subscription sub, UnsafeBuffer msg, int messages)
            throws InterruptedException {
        long[] got = {0};
        Thread poller = Thread.ofPlatform().start(() -> {
            IdleStrategy idle = EmbeddedDriver.idleStrategy();
            FragmentHandler count = (b, o, l, h) -> got[0]++;
            while (got[0] < messages) {
                idle.idle(sub.poll(count, 64));
            }
        });
        IdleStrategy idle = EmbeddedDriver.idleStrategy();
        for (int i = 0; i < messages; i++) {
            while (pub.offer(msg) < 0) {
                idle.idle(0);
            }
            idle.reset();
        }
        poller.join();
    }

    /**
     * @param ahead whether the writers write ahead under reserved slots (the default window)
     * @param capacity the buffer's
     * @return messages per second through a buffered remote channel, {@code writers} remote writers
     */
    private static double parleyThroughput(int messages, int writers, boolean ahead, int capacity)
            throws Exception {
        NodeConfig writerConfig = NodeConfig.of("127.0.0.1", 0);
        try (Node home = Node.start("127.0.0.1", 0);
                Node remote = Node.start(ahead ? writerConfig.withWriteAhead() : writerConfig)) {
            ChannelInput<byte[]> in = home.bufferedChannel("q", capacity, Codec.bytes()).reader();
            dev.parley.Channel<byte[]> q = remote.connect("q", "127.0.0.1", port(home), Codec.bytes());
            List<ChannelOutput<byte[]>> outs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                outs.add(q.writer());
            }
            feed(outs, in, Math.max(writers, messages / 10)); // warm-up
            long t0 = System.nanoTime();
            int sent = feed(outs, in, messages);
            return sent / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** @return how many messages the writers wrote and the reader read (each writer the same share) */
    private static int feed(List<ChannelOutput<byte[]>> outs, ChannelInput<byte[]> in, int messages)
            throws Exception {
        int each = messages / outs.size();
        List<CSProcess> processes = new ArrayList<>();
        for (ChannelOutput<byte[]> out : outs) {
            processes.add(() -> {
                byte[] msg = new byte[32];
                for (int i = 0; i < each; i++) {
                    out.write(msg);
                }
            });
        }
        int total = each * outs.size();
        processes.add(() -> {
            for (int i = 0; i < total; i++) {
                in.read();
            }
        });
        Parallel.run(processes);
        return total;
    }

    private static long[] parley(int rounds, long gapNs) throws Exception {
        try (Node home = Node.start("127.0.0.1", 0); Node remote = Node.start("127.0.0.1", 0)) {
            int port = port(home);
            ChannelInput<byte[]> pingIn = home.channel("ping", Codec.bytes()).reader();
            ChannelOutput<byte[]> pongOut = home.channel("pong", Codec.bytes()).writer();
            ChannelOutput<byte[]> pingOut = remote.connect("ping", "127.0.0.1", port, Codec.bytes()).writer();
            ChannelInput<byte[]> pongIn = remote.connect("pong", "127.0.0.1", port, Codec.bytes()).reader();
            Spawn.Handle echo = Spawn.start(() -> {
                while (true) {
                    pongOut.write(pingIn.read());
                }
            });
            long[] rtt = roundTrips(pingOut, pongIn, rounds, gapNs);
            pingOut.poison();
            echo.join();
            return rtt;
        }
    }

    private static void pause(long gapNs) {
        if (gapNs > 0) {
            LockSupport.parkNanos(gapNs);
        }
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) ((long) sorted.length * p / 100))];
    }

    private static void print(String what, long[] rtt, long[] baseline) {
        long[] s = rtt.clone();
        Arrays.sort(s);
        System.out.printf("%-44s %10.1f %10.1f %6.2f/%.2f%n", what, percentile(s, 50) / 1e3, percentile(s, 99) / 1e3,
                ratio(rtt, baseline, 50), ratio(rtt, baseline, 99));
    }

    private static double ratio(long[] parley, long[] raw, int p) {
        long[] a = parley.clone();
        long[] b = raw.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        return (double) percentile(a, p) / percentile(b, p);
    }
}
