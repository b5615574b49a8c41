package dev.parley;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @Test
    void pingPong() throws Exception {
        Channel<Integer> a = Channel.create("a");
        Channel<Integer> b = Channel.create("b");
        ChannelOutput<Integer> aw = a.writer();
        ChannelInput<Integer> ar = a.reader();
        ChannelOutput<Integer> bw = b.writer();
        ChannelInput<Integer> br = b.reader();
        Parallel.run(() -> {
            for (int i = 0; i < 100000; i++) { aw.write(i); assertEquals(i, br.read()); }
            aw.poison();
        }, CSProcess.owning(() -> { while (true) bw.write(ar.read()); }, ar, bw));
    }

    @Test
    void anyToAnyAlternation() throws Exception {
        Channel<Integer> c = Channel.create("c");
        Channel<Integer> d = Channel.buffered("d", 3);
        ConcurrentHashMap<Integer, Boolean> got = new ConcurrentHashMap<>();
        AtomicInteger count = new AtomicInteger();
        int n = 2000;
        var w1 = c.writer(); var w2 = d.writer();
        var r1 = c.reader(); var r2 = d.reader();
        var r3 = c.reader(); var r4 = d.reader();
        Parallel.run(
            () -> { for (int i = 0; i < n; i++) { var alt = new Alternation(new OutputGuard<>(w1, i), new OutputGuard<>(w2, i + n)); alt.select(); } },
            () -> { for (int i = 0; i < n; i++) { w1.write(2 * n + i); } },
            () -> { while (count.get() < 2 * n) { var s = new Alternation(new InputGuard<>(r1), new InputGuard<>(r2), new TimeoutGuard(Duration.ofMillis(5))).fairSelect(); if (s.value() != null) { assertNull(got.put(s.value(), true)); count.incrementAndGet(); } } },
            () -> { while (count.get() < 2 * n) { var s = new Alternation(new InputGuard<>(r3), new InputGuard<>(r4), new TimeoutGuard(Duration.ofMillis(5))).priSelect(); if (s.value() != null) { assertNull(got.put(s.value(), true)); count.incrementAndGet(); } } }
        );
        assertEquals(2 * n, got.size());
    }
}
