package dev.parley.bench;

import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Ping-pong: a pinger sends a number over one rendezvous channel, a ponger sends it back plus one
 * over another, {@code roundTrips} times. Each round trip is two communications. Every method is
 * called by one thread at a time, runs the two processes on virtual threads and returns when both
 * have ended, with a checksum (see {@link #expectedChecksum(int)}).
 */
final class PingPong {

    private PingPong() {
    }

    /** @return what every variant returns for {@code roundTrips}: the sum of 1..roundTrips */
    static long expectedChecksum(int roundTrips) {
        return (long) roundTrips * (roundTrips + 1) / 2;
    }

    record Pinger(int roundTrips, ChannelOutput<Integer> ping, ChannelInput<Integer> pong, AtomicLong checksum)
            implements CSProcess {
        @Override
        public void run() {
            long sum = 0;
            for (int i = 0; i < roundTrips; i++) {
                ping.write(i);
                sum += pong.read();
            }
            checksum.set(sum);
        }
    }

    record Ponger(int roundTrips, ChannelInput<Integer> ping, ChannelOutput<Integer> pong) implements CSProcess {
        @Override
        public void run() {
            for (int i = 0; i < roundTrips; i++) {
                pong.write(ping.read() + 1);
            }
        }
    }

    /** Parley: two rendezvous channels, two processes run by {@link Parallel}. */
    static long parley(int roundTrips) throws Exception {
        Channel<Integer> ping = Channel.create("ping");
        Channel<Integer> pong = Channel.create("pong");
        AtomicLong checksum = new AtomicLong();
        Parallel.run(
                new Pinger(roundTrips, ping.writer(), pong.reader(), checksum),
                new Ponger(roundTrips, ping.reader(), pong.writer()));
        return checksum.get();
    }

    /** The baseline: the same two processes over two links of {@code kind}, on virtual threads. */
    static long baseline(Link.Kind kind, int roundTrips) throws Exception {
        Link ping = kind.create();
        Link pong = kind.create();
        AtomicLong checksum = new AtomicLong();
        VirtualThreads.runAll(
                () -> {
                    long sum = 0;
                    for (int i = 0; i < roundTrips; i++) {
                        ping.send(i);
                        sum += pong.receive();
                    }
                    checksum.set(sum);
                },
                () -> {
                    for (int i = 0; i < roundTrips; i++) {
                        pong.send(ping.receive() + 1);
                    }
                });
        return checksum.get();
    }
}
