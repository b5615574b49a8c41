package dev.parley.contract;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Guard;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Selected;
import dev.parley.TimeoutGuard;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many iterations of racing parties, to shake out lost wake-ups, lost or duplicated messages and
 * deadlocks between alternations on both sides of shared channels. Every random choice comes from
 * a printed seed. Sized to take a few seconds on a 2-core machine.
 */
public abstract class StressContract extends ChannelContract {

    private static final long SEED = Long.getLong("parley.stress.seed", 20261204L);

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 4})
    void pingPongKeepsOrderOverManyRoundTrips(int capacity) {
        Channel<Integer> there = channel(capacity);
        Channel<Integer> back = channel(capacity);
        ChannelInput<Integer> in = there.reader();
        ChannelOutput<Integer> reply = back.writer();
        Party echo = start("echo", () -> {
            for (int i = 0; i < 20_000; i++) {
                reply.write(in.read());
            }
        });
        ChannelOutput<Integer> out = there.writer();
        ChannelInput<Integer> answers = back.reader();
        for (int i = 0; i < 20_000; i++) {
            out.write(i);
            int got = answers.read();
            if (got != i) {
                fail("round trip " + i + " came back as " + got);
            }
        }
        echo.join();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 3})
    void alternationsOfWritersAgainstAlternationsOfReadersOnSharedChannelsLoseAndDuplicateNothing(int capacity) {
        System.out.println("StressContract seed " + SEED + " capacity " + capacity);
        Random seeds = new Random(SEED + capacity);
        int channelCount = 3;
        int writers = 3;
        int readers = 3;
        int perWriter = 1_000;
        int total = writers * perWriter;
        List<Channel<Integer>> channels = new ArrayList<>();
        for (int i = 0; i < channelCount; i++) {
            channels.add(channel(capacity));
        }
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger received = new AtomicInteger();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<Party> parties = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            List<ChannelOutput<Integer>> outs = new ArrayList<>();
            channels.forEach(c -> outs.add(c.writer()));
            ChannelOutput<Integer> plain = channels.get(w % channelCount).writer();
            long seed = seeds.nextLong();
            int base = w * perWriter;
            parties.add(start("writer-" + w, () -> {
                Random r = new Random(seed);
                for (int i = 0; i < perWriter; i++) {
                    int m = base + i;
                    if (r.nextInt(4) == 0) {
                        plain.write(m);
                        continue;
                    }
                    List<Guard> guards = new ArrayList<>();
                    for (ChannelOutput<Integer> out : outs) {
                        guards.add(new OutputGuard<>(out, m));
                    }
                    Alternation alt = new Alternation(guards);
                    switch (r.nextInt(3)) {
                        case 0 -> alt.select();
                        case 1 -> alt.priSelect();
                        default -> alt.fairSelect();
                    }
                }
            }));
        }
        for (int rd = 0; rd < readers; rd++) {
            List<Guard> guards = new ArrayList<>();
            channels.forEach(c -> guards.add(new InputGuard<>(c.reader())));
            guards.add(new TimeoutGuard(Duration.ofMillis(5)));
            ChannelInput<Integer> plain = channels.get(rd % channelCount).reader();
            long seed = seeds.nextLong();
            parties.add(start("reader-" + rd, () -> {
                Random r = new Random(seed);
                Alternation alt = new Alternation(guards);
                while (received.get() < total) {
                    Integer m;
                    if (r.nextInt(5) == 0) {
                        m = plain.read(Duration.ofMillis(5)).orElse(null);
                    } else {
                        Selected s = switch (r.nextInt(3)) {
                            case 0 -> alt.select();
                            case 1 -> alt.priSelect();
                            default -> alt.fairSelect();
                        };
                        m = s.value();
                    }
                    if (m != null) {
                        mark(seen, m, errors);
                        received.incrementAndGet();
                    }
                }
            }));
        }
        joinAll(parties);
        assertTrue(errors.isEmpty(), "seed " + SEED + ": " + errors);
        assertEquals(total, seen.size(), "seed " + SEED + ": every message arrived");
        assertEquals(total, received.get(), "seed " + SEED + ": no message arrived twice");
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void peersThatBothReadAndWriteTheSameChannelsByAlternationLoseAndDuplicateNothing(int capacity) {
        Random seeds = new Random(SEED * 31 + capacity);
        System.out.println("StressContract seed " + SEED + " (both sides) capacity " + capacity);
        Channel<Integer> a = channel(capacity);
        Channel<Integer> b = channel(capacity);
        int peers = 4;
        int perPeer = 500;
        int total = peers * perPeer;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger received = new AtomicInteger();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<Party> parties = new ArrayList<>();
        for (int p = 0; p < peers; p++) {
            ChannelOutput<Integer> aw = a.writer();
            ChannelOutput<Integer> bw = b.writer();
            ChannelInput<Integer> ar = a.reader();
            ChannelInput<Integer> br = b.reader();
            int base = p * perPeer;
            long seed = seeds.nextLong();
            parties.add(start("peer-" + p, () -> {
                Random r = new Random(seed);
                int next = 0;
                while (received.get() < total) {
                    List<Guard> guards = new ArrayList<>();
                    guards.add(new InputGuard<>(ar));
                    guards.add(new InputGuard<>(br));
                    boolean writing = next < perPeer;
                    guards.add(new OutputGuard<>(aw, base + next, writing));
                    guards.add(new OutputGuard<>(bw, base + next, writing));
                    guards.add(new TimeoutGuard(Duration.ofMillis(5)));
                    Alternation alt = new Alternation(guards);
                    Selected s = r.nextBoolean() ? alt.select() : alt.priSelect();
                    if (s.index() < 2) {
                        mark(seen, s.value(), errors);
                        received.incrementAndGet();
                    } else if (s.index() < 4) {
                        next++;
                    }
                }
            }));
        }
        joinAll(parties);
        assertTrue(errors.isEmpty(), "seed " + SEED + ": " + errors);
        assertEquals(total, seen.size(), "seed " + SEED + ": every message arrived");
        assertEquals(total, received.get(), "seed " + SEED + ": no message arrived twice");
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 4})
    void aWriterPoisonRacingWithTrafficLosesNoWriteThatCompleted(int capacity) {
        Random seeds = new Random(SEED * 17 + capacity);
        System.out.println("StressContract seed " + SEED + " (poison race) capacity " + capacity);
        for (int round = 0; round < 20; round++) {
            Channel<Integer> c = channel(capacity);
            Set<Integer> completed = ConcurrentHashMap.newKeySet();
            Set<Integer> received = ConcurrentHashMap.newKeySet();
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            List<Party> parties = new ArrayList<>();
            List<ChannelOutput<Integer>> outs = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                outs.add(c.writer());
            }
            for (int w = 0; w < 3; w++) {
                ChannelOutput<Integer> out = outs.get(w);
                int base = w * 100_000;
                boolean alternates = w == 2;
                parties.add(start("writer-" + w, () -> {
                    try {
                        for (int i = 0; ; i++) {
                            if (alternates) {
                                new Alternation(new OutputGuard<>(out, base + i)).select();
                            } else {
                                out.write(base + i);
                            }
                            completed.add(base + i);
                        }
                    } catch (dev.parley.PoisonException expected) {
                        // the poison below ends every writer
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                ChannelInput<Integer> in = c.reader();
                parties.add(start("reader-" + r, () -> {
                    try {
                        while (true) {
                            if (!received.add(in.read())) {
                                errors.add("a message arrived twice");
                            }
                        }
                    } catch (dev.parley.PoisonException expected) {
                        // after draining what was buffered
                    }
                }));
            }
            sleep(Duration.ofNanos(seeds.nextInt(3_000_000)));
            outs.get(0).poison();
            joinAll(parties);
            assertTrue(errors.isEmpty(), "seed " + SEED + " round " + round + ": " + errors);
            assertEquals(completed, received, "seed " + SEED + " round " + round
                    + ": readers got exactly the writes that completed before the poison");
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void poisonInjectedIntoANetworkOfRacingAlternationsStopsEveryProcess(int capacity) throws Exception {
        Random seeds = new Random(SEED * 7 + capacity);
        System.out.println("StressContract seed " + SEED + " (poison network) capacity " + capacity);
        for (int round = 0; round < 10; round++) {
            List<Channel<Integer>> channels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                channels.add(channel(capacity));
            }
            List<dev.parley.CSProcess> processes = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                List<Object> ends = new ArrayList<>();
                List<Guard> guards = new ArrayList<>();
                for (Channel<Integer> c : channels) {
                    ChannelInput<Integer> in = c.reader();
                    ChannelOutput<Integer> out = c.writer();
                    ends.add(in);
                    ends.add(out);
                    guards.add(new InputGuard<>(in));
                    guards.add(new OutputGuard<>(out, p));
                }
                Alternation alt = new Alternation(guards);
                processes.add(dev.parley.CSProcess.owning(() -> {
                    while (true) {
                        alt.select();
                    }
                }, ends));
            }
            ChannelOutput<Integer> poisoner = channels.get(seeds.nextInt(3)).writer();
            Party network = start("network", () -> dev.parley.Parallel.run(processes));
            sleep(Duration.ofNanos(seeds.nextInt(2_000_000)));
            poisoner.poison();
            network.join();
        }
    }

    private static void mark(Set<Integer> seen, int m, List<String> errors) {
        if (!seen.add(m)) {
            errors.add("message " + m + " arrived twice");
        }
    }
}
