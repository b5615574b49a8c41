package dev.parley.bench;

import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Spawn;
import dev.parley.net.Codec;
import dev.parley.net.EmbeddedDriver;
import dev.parley.net.Node;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code bin/parley netbench [rounds]}: round trips over UDP loopback, in one JVM with two
 * embedded drivers of the same settings: raw Aeron ping-pong (32-byte messages, pollers
 * with the drivers' backoff idle strategy) beside a remote rendezvous round trip (a remote
 * writer's write to a home reader, which writes back to the remote end's read), dense (back
 * to back) and sparse (one round trip every 2 ms). Prints p50 and p99 and their ratios. A
 * measurement on a shared machine, not a test; run it on the main thread.
 */
public final class NetworkRoundTrip {

    private static final long SPARSE_GAP_NS = 2_000_000;

    private NetworkRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        long[] rawDense = raw(rounds, 0);
        long[] rawSparse = raw(rounds / 5, SPARSE_GAP_NS);
        long[] parleyDense = parley(rounds, 0);
        long[] parleySparse = parley(rounds / 5, SPARSE_GAP_NS);
        System.out.printf("%-28s %10s %10s%n", "round trip (us)", "p50", "p99");
        print("raw Aeron, dense", rawDense);
        print("remote rendezvous, dense", parleyDense);
        print("raw Aeron, sparse 2 ms", rawSparse);
        print("remote rendezvous, sparse", parleySparse);
        System.out.printf("ratio dense  p50 %.2f  p99 %.2f%n", ratio(parleyDense, rawDense, 50),
                ratio(parleyDense, rawDense, 99));
        System.out.printf("ratio sparse p50 %.2f  p99 %.2f%n", ratio(parleySparse, rawSparse, 50),
                ratio(parleySparse, rawSparse, 99));
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

    private static long[] parley(int rounds, long gapNs) throws Exception {
        try (Node home = Node.start("127.0.0.1", 0); Node remote = Node.start("127.0.0.1", 0)) {
            int port = Integer.parseInt(home.address().substring(home.address().lastIndexOf(':') + 1));
            ChannelInput<byte[]> pingIn = home.channel("ping", Codec.bytes()).reader();
            ChannelOutput<byte[]> pongOut = home.channel("pong", Codec.bytes()).writer();
            ChannelOutput<byte[]> pingOut = remote.connect("ping", "127.0.0.1", port, Codec.bytes()).writer();
            ChannelInput<byte[]> pongIn = remote.connect("pong", "127.0.0.1", port, Codec.bytes()).reader();
            Spawn.Handle echo = Spawn.start(() -> {
                while (true) {
                    pongOut.write(pingIn.read());
                }
            });
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

    private static void print(String what, long[] rtt) {
        long[] s = rtt.clone();
        Arrays.sort(s);
        System.out.printf("%-28s %10.1f %10.1f%n", what, percentile(s, 50) / 1e3, percentile(s, 99) / 1e3);
    }

    private static double ratio(long[] parley, long[] raw, int p) {
        long[] a = parley.clone();
        long[] b = raw.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        return (double) percentile(a, p) / percentile(b, p);
    }
}
