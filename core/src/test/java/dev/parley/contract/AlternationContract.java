package dev.parley.contract;

import dev.parley.Alternation;
import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.Guard;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Selected;
import dev.parley.SkipGuard;
import dev.parley.TimeoutGuard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SEMANTICS 4, selection: guarded alternation over channels of the kind under test. Exactly one
 * guard fires and no other guard's channel is touched; {@code priSelect} takes the first ready
 * guard, {@code select} chooses among the ready ones and {@code fairSelect} chooses none twice
 * while another ready one waits; timeout guards fire after their delay and not before; false
 * pre-conditions are never chosen; and with no guard that can fire the selection blocks. What
 * happens at the edges (poison, retire, interrupt, bad arguments, queue order) is
 * {@link AlternationEdgesContract}'s part.
 */
public abstract class AlternationContract extends ChannelContract {

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Order.class)
    void exactlyOneGuardFiresAndTheOthersChannelsAreUntouched(Order order) {
        List<Channel<Integer>> channels = List.of(channel(0), channel(0), channel(0));
        List<Party> writers = new ArrayList<>();
        List<Guard> guards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ChannelOutput<Integer> out = channels.get(i).writer();
            int v = 10 + i;
            Party w = start("writer-" + i, () -> out.write(v));
            awaitBlocked(w);
            writers.add(w);
        }
        List<ChannelInput<Integer>> ins = new ArrayList<>();
        for (Channel<Integer> c : channels) {
            ChannelInput<Integer> in = c.reader();
            ins.add(in);
            guards.add(new InputGuard<>(in));
        }
        Selected s = order.on(new Alternation(guards));
        assertEquals(10 + s.index(), (Integer) s.value());
        assertSame(guards.get(s.index()), s.guard());
        writers.get(s.index()).join();
        for (int i = 0; i < 3; i++) {
            if (i != s.index()) {
                assertFalse(writers.get(i).isDone(), "writer " + i + " must still wait: its guard did not fire");
                assertEquals(10 + i, ins.get(i).read(), "the message of guard " + i + " is still there");
                writers.get(i).join();
            }
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 3})
    void priSelectWithAReadyInputBeforeASkipGuardAlwaysTakesTheInput(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        Alternation alt = new Alternation(new InputGuard<>(in), new SkipGuard());
        for (int round = 0; round < 20; round++) {
            int v = round;
            Party writer = start("writer-" + round, () -> out.write(v));
            if (capacity == 0) {
                awaitBlocked(writer);
            } else {
                writer.join();
            }
            Selected s = alt.priSelect();
            assertEquals(0, s.index(), "round " + round + ": the input was ready");
            assertEquals(v, (Integer) s.value());
            writer.join();
        }
        assertEquals(1, alt.priSelect().index(), "nothing ready: the skip guard fires");
    }

    @Test
    void priSelectPrefersTheEarlierOfTwoReadyGuardsAndASkipGuardFirstTouchesNothing() {
        Channel<Integer> a = channel(10);
        Channel<Integer> b = channel(10);
        ChannelOutput<Integer> aw = a.writer();
        ChannelOutput<Integer> bw = b.writer();
        for (int i = 0; i < 5; i++) {
            aw.write(i);
            bw.write(100 + i);
        }
        ChannelInput<Integer> ar = a.reader();
        ChannelInput<Integer> br = b.reader();
        assertEquals(0, new Alternation(new SkipGuard(), new InputGuard<>(ar)).priSelect().index());
        Alternation alt = new Alternation(new InputGuard<>(ar), new InputGuard<>(br));
        for (int i = 0; i < 5; i++) {
            Selected s = alt.priSelect();
            assertEquals(0, s.index());
            assertEquals(i, (Integer) s.value(), "the skip guard took nothing from a");
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(100 + i, (Integer) alt.priSelect().value());
        }
    }

    @Test
    void selectChoosesAmongReadyGuardsRatherThanAlwaysTheFirst() {
        Channel<Integer> a = channel(100);
        Channel<Integer> b = channel(100);
        ChannelOutput<Integer> aw = a.writer();
        ChannelOutput<Integer> bw = b.writer();
        for (int i = 0; i < 100; i++) {
            aw.write(i);
            bw.write(i);
        }
        Alternation alt = new Alternation(new InputGuard<>(a.reader()), new InputGuard<>(b.reader()));
        Set<Integer> chosen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            chosen.add(alt.select().index());
        }
        // the chance that a uniform choice picks one side 100 times in a row is 2^-99
        assertEquals(Set.of(0, 1), chosen);
    }

    @Test
    void fairSelectOverAlwaysReadyInputsNeverChoosesOneTwiceWhileAnotherWaits() {
        int n = 3;
        int rounds = 30;
        List<Guard> guards = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            Channel<Integer> c = channel(rounds);
            ChannelOutput<Integer> out = c.writer();
            for (int i = 0; i < rounds; i++) {
                out.write(i);
            }
            guards.add(new InputGuard<>(c.reader()));
        }
        assertRoundRobin(new Alternation(guards), n, rounds);
    }

    @Test
    void fairSelectOverAlwaysReadyOutputsNeverChoosesOneTwiceWhileAnotherWaits() {
        int n = 4;
        int rounds = 40;
        List<Guard> guards = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            guards.add(new OutputGuard<>(this.<Integer>channel(rounds).writer(), g));
        }
        assertRoundRobin(new Alternation(guards), n, rounds);
    }

    /**
     * Three eager writers, each always back at its channel: before each selection the reader waits
     * until every writer has begun its next write. Without that wait the premise could fail on a
     * machine with two carriers: the writers whose writes were just taken may spin for their next
     * partner on both carriers while the third, woken, waits for a carrier, so that it is seldom
     * ready when the reader selects (seen: one writer chosen 8 and 19 of 300 times).
     */
    @Test
    void fairSelectOverAlwaysReadyRendezvousWritersSpreadsItsChoices() {
        int n = 3;
        List<Guard> guards = new ArrayList<>();
        int[] counts = new int[n];
        AtomicIntegerArray begun = new AtomicIntegerArray(n);
        for (int g = 0; g < n; g++) {
            Channel<Integer> c = channel(0);
            ChannelOutput<Integer> out = c.writer();
            int id = g;
            start("eager writer " + g, () -> {
                while (true) {
                    begun.incrementAndGet(id);
                    out.write(id);
                }
            });
            guards.add(new InputGuard<>(c.reader()));
        }
        Alternation alt = new Alternation(guards);
        for (int i = 0; i < 300; i++) {
            awaitNextWrites(begun, counts);
            counts[alt.fairSelect().index()]++;
        }
        for (int g = 0; g < n; g++) {
            assertTrue(counts[g] >= 30, "guard " + g + " chosen " + counts[g] + " of 300 times");
        }
    }

    /** Waits until each writer g has begun its write number {@code taken[g] + 1}. */
    private static void awaitNextWrites(AtomicIntegerArray begun, int[] taken) {
        long deadlineNs = System.nanoTime() + HANG.toNanos();
        for (int g = 0; g < taken.length; g++) {
            while (begun.get(g) <= taken[g]) {
                if (System.nanoTime() - deadlineNs > 0) {
                    fail("writer " + g + " did not begin its next write within " + HANG);
                }
                Thread.yield();
            }
        }
    }

    @Test
    void aTimeoutGuardFiresAfterItsDelayAndNotBefore() {
        ChannelInput<Integer> in = this.<Integer>channel(0).reader();
        TimeoutGuard timeout = new TimeoutGuard(Duration.ofMillis(100));
        long startNs = System.nanoTime();
        Selected s = new Alternation(new InputGuard<>(in), timeout).select();
        long elapsedNs = System.nanoTime() - startNs;
        assertEquals(1, s.index());
        assertSame(timeout, s.guard());
        assertNull(s.value());
        assertTrue(elapsedNs >= Duration.ofMillis(100).toNanos(), "fired after " + elapsedNs + " ns");
    }

    @Test
    void theShortestEnabledTimeoutGuardFires() {
        ChannelInput<Integer> in = this.<Integer>channel(0).reader();
        long startNs = System.nanoTime();
        Selected s = new Alternation(new TimeoutGuard(Duration.ofSeconds(30)), new InputGuard<>(in),
                new TimeoutGuard(Duration.ofMillis(1), false), new TimeoutGuard(Duration.ofMillis(60))).priSelect();
        assertEquals(3, s.index());
        assertTrue(System.nanoTime() - startNs >= Duration.ofMillis(60).toNanos());
    }

    @Test
    void aGuardThatBecomesReadyBeforeTheTimeoutFiresInsteadOfIt() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        Party writer = start("writer", () -> {
            sleep(Duration.ofMillis(30));
            out.write(1);
        });
        Selected s = new Alternation(new TimeoutGuard(HANG), new InputGuard<>(c.reader())).priSelect();
        assertEquals(1, s.index());
        writer.join();
    }

    @Test
    void aFalseBooleanPreconditionIsNeverChosen() {
        Channel<Integer> c = channel(2);
        ChannelOutput<Integer> out = c.writer();
        out.write(1);
        ChannelInput<Integer> in = c.reader();
        for (int i = 0; i < 10; i++) {
            assertEquals(1, new Alternation(new InputGuard<>(in, false), new SkipGuard()).select().index());
            assertEquals(1, new Alternation(new OutputGuard<>(out, 5, false), new SkipGuard()).select().index());
        }
        assertEquals(1, new Alternation(new SkipGuard(false), new InputGuard<>(in, true)).priSelect().index());
        assertEquals(Optional.empty(), in.read(Duration.ZERO), "disabled guards took and gave nothing");
    }

    @Test
    void aSupplierPreconditionIsEvaluatedAtEachSelection() {
        Channel<Integer> c = channel(10);
        ChannelOutput<Integer> out = c.writer();
        for (int i = 0; i < 10; i++) {
            out.write(i);
        }
        AtomicBoolean open = new AtomicBoolean(true);
        Alternation alt = new Alternation(new InputGuard<>(c.reader(), open::get), new SkipGuard());
        List<Integer> fired = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            open.set(i % 2 == 0);
            fired.add(alt.priSelect().index());
        }
        assertEquals(List.of(0, 1, 0, 1, 0, 1), fired);
    }

    @Test
    void anAlternationWithNoGuardThatCanFireBlocksLikeAReadWithNoWriter() {
        ChannelInput<Integer> in = this.<Integer>channel(0).reader();
        Party alt = start("alternation", () -> new Alternation(new InputGuard<>(in), new SkipGuard(false),
                new TimeoutGuard(Duration.ofMillis(1), false)).select());
        awaitBlocked(alt);
        assertStillBlocked(alt, Duration.ofMillis(50));
        alt.interrupt();
        assertInstanceOf(ChannelInterruptedException.class, alt.joinFailure());
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void anOutputGuardWritesItsValueAndSelectedCarriesNoValue(int capacity) {
        Channel<String> c = channel(capacity);
        ChannelInput<String> in = c.reader();
        Party reader = start("reader", () -> assertEquals("hello", in.read()));
        if (capacity == 0) {
            awaitBlocked(reader);
        }
        OutputGuard<String> guard = new OutputGuard<>(c.writer(), "hello");
        Selected s = new Alternation(guard).select();
        assertSame(guard, s.guard());
        assertNull(s.value());
        reader.join();
    }

    /**
     * Alternations of many guards over few channels: each channel's lock must be taken once, in
     * order, and released, whether the selection polls a ready channel or waits for one. Sizes
     * cover a short lock order found by scanning, a sorted one, and (for select) more guards
     * than a 64-bit mask of guards to visit holds.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Order.class)
    void anAlternationGuardingEachChannelManyTimesFiresOneGuardOfTheReadyChannel(Order order) {
        int channelCount = 3;
        for (int n : new int[] {channelCount, 12, 70}) {
            List<ChannelInput<Integer>> ins = new ArrayList<>();
            List<ChannelOutput<Integer>> outs = new ArrayList<>();
            for (int c = 0; c < channelCount; c++) {
                Channel<Integer> channel = channel(0);
                ins.add(channel.reader());
                outs.add(channel.writer());
            }
            List<Guard> guards = new ArrayList<>();
            for (int g = 0; g < n; g++) {
                guards.add(new InputGuard<>(ins.get(g % channelCount)));
            }
            Alternation alt = new Alternation(guards);
            for (int target = 0; target < channelCount; target++) {
                int t = target;
                int value = 1000 * n + t;
                CSProcess selection = () -> {
                    Selected s = order.on(alt);
                    assertEquals(t, s.index() % channelCount, "a guard of the channel that had a writer fired");
                    assertEquals(value, (Integer) s.value());
                    if (order == Order.PRI) {
                        assertEquals(t, s.index(), "priSelect fires the first guard of that channel");
                    }
                };
                // The selection waits, then the writer arrives.
                Party waiting = start(n + " guards, waiting for channel " + t, selection);
                awaitBlocked(waiting);
                Party writer = start("writer of channel " + t, () -> outs.get(t).write(value));
                joinAll(List.of(waiting, writer));
                // The writer waits, then the selection polls.
                Party waitingWriter = start("waiting writer of channel " + t, () -> outs.get(t).write(value));
                awaitBlocked(waitingWriter);
                Party polling = start(n + " guards, polling", selection);
                joinAll(List.of(polling, waitingWriter));
            }
        }
    }

    private static void assertRoundRobin(Alternation alt, int n, int rounds) {
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            chosen.add(alt.fairSelect().index());
        }
        for (int i = 0; i + n <= rounds; i++) {
            Set<Integer> window = new HashSet<>(chosen.subList(i, i + n));
            assertEquals(n, window.size(), "a guard was chosen twice while another ready one waited: " + chosen);
        }
    }
}
