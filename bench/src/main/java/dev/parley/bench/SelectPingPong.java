package dev.parley.bench;

import dev.parley.Alternation;
import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.Parallel;

import java.util.List;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Select ping-pong: like {@link PingPong}, but the pinger sends its requests over {@link #GUARDS}
 * rendezvous channels in turn, and the ponger waits on all of them with one
 * {@link Alternation#select()} (random choice among ready guards, like Go's {@code select}) before
 * it replies on a plain channel. Each round trip is two communications. {@code java.util.concurrent}
 * has no select over several synchronous queues, so there is no baseline of this shape; compare it
 * with Parley's plain ping-pong to see what the alternation costs. Called by one thread at a time.
 */
final class SelectPingPong {

    /** How many input guards the ponger's alternation has. */
    static final int GUARDS = 2;

    private SelectPingPong() {
    }

    /** @return the checksum for {@code roundTrips}, the same as {@link PingPong}'s */
    static long expectedChecksum(int roundTrips) {
        return PingPong.expectedChecksum(roundTrips);
    }

    record Pinger(int roundTrips, List<ChannelOutput<Integer>> requests, ChannelInput<Integer> replies,
                  AtomicLong checksum) implements CSProcess {
        @Override
        public void run() {
            long sum = 0;
            for (int i = 0; i < roundTrips; i++) {
                requests.get(i % requests.size()).write(i);
                sum += replies.read();
            }
            checksum.set(sum);
        }
    }

    record SelectingPonger(int roundTrips, List<ChannelInput<Integer>> requests, ChannelOutput<Integer> replies)
            implements CSProcess {
        @Override
        public void run() {
            Alternation alt = new Alternation(requests.stream().map(InputGuard::new).toList());
            for (int i = 0; i < roundTrips; i++) {
                Integer n = alt.select().value();
                replies.write(n + 1);
            }
        }
    }

    /** Parley: {@link #GUARDS} request channels and one reply channel, two processes. */
    static long parley(int roundTrips) throws Exception {
        List<Channel<Integer>> requests = IntStream.range(0, GUARDS)
                .mapToObj(i -> Channel.<Integer>create("request-" + i))
                .toList();
        Channel<Integer> replies = Channel.create("replies");
        AtomicLong checksum = new AtomicLong();
        Parallel.run(
                new Pinger(roundTrips, requests.stream().map(Channel::writer).toList(), replies.reader(), checksum),
                new SelectingPonger(roundTrips, requests.stream().map(Channel::reader).toList(), replies.writer()));
        return checksum.get();
    }
}
