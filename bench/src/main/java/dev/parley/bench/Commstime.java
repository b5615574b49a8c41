package dev.parley.bench;

import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Commstime, the classic CSP benchmark: four processes in a ring over rendezvous channels.
 * <pre>
 *   Prefix --a--&gt; Delta --b--&gt; Successor --d--&gt; Prefix
 *                  Delta --c--&gt; Consumer
 * </pre>
 * Prefix emits 0, then copies d to a; Delta copies a to b and then to c (the sequential delta);
 * Successor adds one; Consumer takes the numbers. One cycle is one number reaching the Consumer
 * and is exactly four communications (a, b, c, d), which is how per-communication time is counted:
 * elapsed time / (4 * cycles). The processes stop after {@code cycles} cycles by count, the same
 * in every variant (Prefix takes the last number Successor sends without passing it on). Every
 * method is called by one thread at a time and returns the Consumer's checksum once all four
 * processes have ended (see {@link #expectedChecksum(int)}).
 */
final class Commstime {

    /** Channel communications per cycle. */
    static final int COMMUNICATIONS_PER_CYCLE = 4;

    private Commstime() {
    }

    /** @return what every variant returns for {@code cycles}: the sum of 0..cycles-1 */
    static long expectedChecksum(int cycles) {
        return (long) cycles * (cycles - 1) / 2;
    }

    record Prefix(int cycles, ChannelOutput<Integer> out, ChannelInput<Integer> in) implements CSProcess {
        @Override
        public void run() {
            out.write(0);
            for (int i = 1; i < cycles; i++) {
                out.write(in.read());
            }
            in.read();
        }
    }

    record Delta(int cycles, ChannelInput<Integer> in, ChannelOutput<Integer> toSuccessor,
                 ChannelOutput<Integer> toConsumer) implements CSProcess {
        @Override
        public void run() {
            for (int i = 0; i < cycles; i++) {
                Integer n = in.read();
                toSuccessor.write(n);
                toConsumer.write(n);
            }
        }
    }

    record Successor(int cycles, ChannelInput<Integer> in, ChannelOutput<Integer> out) implements CSProcess {
        @Override
        public void run() {
            for (int i = 0; i < cycles; i++) {
                out.write(in.read() + 1);
            }
        }
    }

    record Consumer(int cycles, ChannelInput<Integer> in, AtomicLong checksum) implements CSProcess {
        @Override
        public void run() {
            long sum = 0;
            for (int i = 0; i < cycles; i++) {
                sum += in.read();
            }
            checksum.set(sum);
        }
    }

    /** Parley: four rendezvous channels, four processes run by {@link Parallel}. */
    static long parley(int cycles) throws Exception {
        Channel<Integer> a = Channel.create("a");
        Channel<Integer> b = Channel.create("b");
        Channel<Integer> c = Channel.create("c");
        Channel<Integer> d = Channel.create("d");
        AtomicLong checksum = new AtomicLong();
        Parallel.run(
                new Prefix(cycles, a.writer(), d.reader()),
                new Delta(cycles, a.reader(), b.writer(), c.writer()),
                new Successor(cycles, b.reader(), d.writer()),
                new Consumer(cycles, c.reader(), checksum));
        return checksum.get();
    }

    /** The baseline: the same four processes over four links of {@code kind}, on virtual threads. */
    static long baseline(Link.Kind kind, int cycles) throws Exception {
        Link a = kind.create();
        Link b = kind.create();
        Link c = kind.create();
        Link d = kind.create();
        AtomicLong checksum = new AtomicLong();
        VirtualThreads.runAll(
                () -> {
                    a.send(0);
                    for (int i = 1; i < cycles; i++) {
                        a.send(d.receive());
                    }
                    d.receive();
                },
                () -> {
                    for (int i = 0; i < cycles; i++) {
                        Integer n = a.receive();
                        b.send(n);
                        c.send(n);
                    }
                },
                () -> {
                    for (int i = 0; i < cycles; i++) {
                        d.send(b.receive() + 1);
                    }
                },
                () -> {
                    long sum = 0;
                    for (int i = 0; i < cycles; i++) {
                        sum += c.receive();
                    }
                    checksum.set(sum);
                });
        return checksum.get();
    }
}
