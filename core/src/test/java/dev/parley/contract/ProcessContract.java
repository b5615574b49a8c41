package dev.parley.contract;

import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.Sequence;
import dev.parley.Spawn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SEMANTICS 1: processes, the ends they own, and how poison, retire and failures travel through
 * networks of processes built on channels of the kind under test.
 */
public abstract class ProcessContract extends ChannelContract {

    /** A record process whose ends sit in a plain component, an array, a list, a map and a nested record. */
    record Fan(ChannelInput<Integer> in, ChannelOutput<Integer>[] array, List<ChannelOutput<Integer>> list,
               Map<String, ChannelOutput<Integer>> map, Inner nested) implements CSProcess {
        @Override
        public void run() {
            while (true) {
                int v = in.read();
                for (ChannelOutput<Integer> out : outputs()) {
                    out.write(v);
                }
            }
        }

        List<ChannelOutput<Integer>> outputs() {
            List<ChannelOutput<Integer>> all = new ArrayList<>(List.of(array));
            all.addAll(list);
            all.addAll(map.values());
            all.add(nested.deeper().out());
            return all;
        }
    }

    record Inner(String label, Deeper deeper) {
    }

    record Deeper(ChannelOutput<Integer> out) {
    }

    /** Copies its input to its output until poison or retire ends it. */
    record Relay(ChannelInput<Integer> in, ChannelOutput<Integer> out) implements CSProcess {
        @Override
        public void run() {
            while (true) {
                out.write(in.read());
            }
        }
    }

    @Test
    void parallelRunsEveryProcessAndWaitsForAll() throws Exception {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger ran = new AtomicInteger();
        Parallel.run(() -> {
            for (int i = 0; i < 10; i++) {
                out.write(i);
            }
            ran.incrementAndGet();
        }, () -> {
            for (int i = 0; i < 10; i++) {
                got.add(in.read());
            }
            ran.incrementAndGet();
        }, ran::incrementAndGet);
        assertEquals(3, ran.get());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got);
    }

    @Test
    void parallelRethrowsTheFirstFailureWithLaterOnesSuppressedOnceTheUnblockedNeighboursEnded() {
        Channel<Integer> c1 = channel(0);
        Channel<Integer> c2 = channel(0);
        ChannelOutput<Integer> w1 = c1.writer();
        ChannelInput<Integer> r1 = c1.reader();
        ChannelOutput<Integer> w2 = c2.writer();
        ChannelInput<Integer> r2 = c2.reader();
        AtomicInteger neighbourEnded = new AtomicInteger();
        IllegalStateException first = new IllegalStateException("first");
        Exception e = assertThrows(Exception.class, () -> Parallel.run(
                CSProcess.owning(() -> {
                    throw first;
                }, w1),
                new Relay(r1, w2),
                CSProcess.owning(() -> {
                    try {
                        r2.read();
                    } catch (PoisonException p) {
                        neighbourEnded.incrementAndGet();
                        throw new IllegalArgumentException("second, after poison reached it");
                    }
                }, r2)));
        assertSame(first, e);
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(IllegalArgumentException.class, e.getSuppressed()[0]);
        assertEquals(1, neighbourEnded.get());
    }

    @Test
    void theFailureRethrownFirstIsTheOneThatHappenedFirstNotAFailureItsPoisonCaused() {
        for (int round = 0; round < 300; round++) {
            Channel<Integer> c = channel(0);
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            IllegalStateException first = new IllegalStateException("first, round " + round);
            Exception e = assertThrows(Exception.class, () -> Parallel.run(
                    CSProcess.owning(() -> {
                        throw first;
                    }, out),
                    () -> {
                        try {
                            in.read();
                        } catch (PoisonException p) {
                            throw new IllegalArgumentException("second: caused by the first one's poison");
                        }
                    }));
            assertSame(first, e, "round " + round);
            assertEquals(1, e.getSuppressed().length);
        }
    }

    @Test
    void parallelRethrowsACheckedExceptionUnchanged() {
        IOException failure = new IOException("disk");
        Exception e = assertThrows(Exception.class, () -> Parallel.run(List.of(() -> {
            throw failure;
        })));
        assertSame(failure, e);
    }

    @Test
    void aFailingProcessPoisonsItsEndsSoABlockedNeighbourStops() throws Exception {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        AtomicInteger poisoned = new AtomicInteger();
        RuntimeException boom = new RuntimeException("boom");
        Exception e = assertThrows(Exception.class, () -> Parallel.run(
                CSProcess.owning(() -> {
                    sleep(Duration.ofMillis(20));
                    throw boom;
                }, out),
                () -> {
                    try {
                        in.read();
                    } catch (PoisonException expected) {
                        poisoned.incrementAndGet();
                    }
                }));
        assertSame(boom, e);
        assertEquals(1, poisoned.get());
    }

    @Test
    void poisonEscapingARecordProcessPoisonsEveryEndItOwnsInArraysListsMapsAndNestedRecords() throws Exception {
        runFanAndStopIt(true);
    }

    @Test
    void retireEscapingARecordProcessRetiresEveryEndItOwnsInArraysListsMapsAndNestedRecords() throws Exception {
        runFanAndStopIt(false);
    }

    @SuppressWarnings("unchecked")
    private void runFanAndStopIt(boolean poison) throws Exception {
        Channel<Integer> source = channel(0);
        List<Channel<Integer>> sinks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sinks.add(channel(1));
        }
        Fan fan = new Fan(source.reader(), new ChannelOutput[] {sinks.get(0).writer(), sinks.get(1).writer()},
                List.of(sinks.get(2).writer(), sinks.get(3).writer()), Map.of("only", sinks.get(4).writer()),
                new Inner("x", new Deeper(sinks.get(5).writer())));
        List<ChannelInput<Integer>> sinkReaders = new ArrayList<>();
        for (Channel<Integer> s : sinks) {
            sinkReaders.add(s.reader());
        }
        ChannelOutput<Integer> feed = source.writer();
        Spawn.Handle handle = Spawn.start(fan);
        feed.write(42);
        for (ChannelInput<Integer> r : sinkReaders) {
            assertEquals(42, r.read());
        }
        if (poison) {
            feed.poison();
        } else {
            feed.retire();
        }
        assertTrue(handle.join(HANG), "the fan must end");
        Class<? extends RuntimeException> expected = poison ? PoisonException.class : RetiredException.class;
        for (int i = 0; i < sinkReaders.size(); i++) {
            ChannelInput<Integer> r = sinkReaders.get(i);
            assertThrows(expected, r::read, "sink " + i + " must see the signal");
        }
    }

    @Test
    void poisonAndRetirePropagateThroughLambdasThatNameTheirEnds() throws Exception {
        for (boolean poison : new boolean[] {true, false}) {
            Channel<Integer> a = channel(0);
            Channel<Integer> b = channel(0);
            ChannelInput<Integer> ar = a.reader();
            ChannelOutput<Integer> bw = b.writer();
            ChannelInput<Integer> br = b.reader();
            CSProcess relay = CSProcess.owning(() -> {
                while (true) {
                    bw.write(ar.read());
                }
            }, List.of(ar), new Object[] {bw});
            ChannelOutput<Integer> aw = a.writer();
            List<Integer> got = new ArrayList<>();
            AtomicInteger endedBy = new AtomicInteger();
            Parallel.run(relay, () -> {
                for (int i = 0; i < 5; i++) {
                    aw.write(i);
                }
                if (poison) {
                    aw.poison();
                } else {
                    aw.retire();
                }
            }, () -> {
                try {
                    while (true) {
                        got.add(br.read());
                    }
                } catch (PoisonException p) {
                    endedBy.set(1);
                } catch (RetiredException r) {
                    endedBy.set(2);
                }
            });
            assertEquals(List.of(0, 1, 2, 3, 4), got);
            assertEquals(poison ? 1 : 2, endedBy.get(), "poison=" + poison);
        }
    }

    @Test
    void aPipelineShutsItselfDownByRetireWithoutLosingAMessage() throws Exception {
        int stages = 5;
        List<Channel<Integer>> links = new ArrayList<>();
        for (int i = 0; i <= stages; i++) {
            links.add(channel(i % 2));
        }
        List<CSProcess> processes = new ArrayList<>();
        ChannelOutput<Integer> head = links.get(0).writer();
        processes.add(CSProcess.owning(() -> {
            for (int i = 0; i < 100; i++) {
                head.write(i);
            }
            throw new RetiredException(links.get(0).name(), "producer done");
        }, head));
        for (int i = 0; i < stages; i++) {
            processes.add(new Relay(links.get(i).reader(), links.get(i + 1).writer()));
        }
        ChannelInput<Integer> tail = links.get(stages).reader();
        List<Integer> got = new ArrayList<>();
        processes.add(() -> {
            while (true) {
                got.add(tail.read());
            }
        });
        Parallel.run(processes);
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, got.get(i));
        }
    }

    @Test
    void sequenceRunsProcessesInOrderOnTheCallingThreadAndStopsAtAFailure() {
        Thread caller = Thread.currentThread();
        List<String> log = new ArrayList<>();
        Channel<Integer> c = channel(1);
        ChannelOutput<Integer> neverUsed = c.writer();
        IllegalStateException failure = new IllegalStateException("second fails");
        Exception e = assertThrows(Exception.class, () -> Sequence.run(
                () -> {
                    assertSame(caller, Thread.currentThread());
                    log.add("first");
                },
                () -> {
                    log.add("second");
                    throw failure;
                },
                CSProcess.owning(() -> log.add("third"), neverUsed)));
        assertSame(failure, e);
        assertEquals(List.of("first", "second"), log);
        assertThrows(PoisonException.class, () -> c.reader().read(),
                "the ends of a process that will never run are poisoned so that nobody waits for it");
    }

    @Test
    void sequenceTreatsPoisonAndRetireAsANormalEnd() throws Exception {
        List<String> log = new ArrayList<>();
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        c.writer().poison();
        Sequence.run(() -> {
            log.add("a");
            in.read();
        }, () -> log.add("b"));
        assertEquals(List.of("a", "b"), log);
    }

    @Test
    void aSpawnedProcessRunsWithoutWaitingAndItsHandleJoinsIt() throws Exception {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        CountDownLatch release = new CountDownLatch(1);
        Spawn.Handle handle = Spawn.start(() -> {
            release.await();
            assertEquals(3, in.read());
        });
        assertFalse(handle.isDone());
        assertFalse(handle.join(Duration.ofMillis(20)));
        release.countDown();
        c.<Integer>writer().write(3);
        handle.join();
        assertTrue(handle.isDone());
        handle.join(); // joining again is allowed
    }

    @Test
    void aSpawnedProcessFailureIsRethrownByEveryJoin() throws Exception {
        IOException failure = new IOException("spawned");
        Spawn.Handle handle = Spawn.start(() -> {
            throw failure;
        });
        assertSame(failure, assertThrows(IOException.class, handle::join));
        assertSame(failure, assertThrows(IOException.class, () -> handle.join(HANG)));
    }

    @Test
    void aSpawnedProcessEndedByPoisonCountsAsNormal() throws Exception {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        Spawn.Handle handle = Spawn.start(in::read);
        c.writer().poison();
        handle.join();
    }

    @Test
    void processesRunOnVirtualThreadsByDefaultAndOnInjectedOnes() throws Exception {
        List<Boolean> virtual = Collections.synchronizedList(new ArrayList<>());
        Parallel.run(() -> virtual.add(Thread.currentThread().isVirtual()));
        Spawn.start(() -> virtual.add(Thread.currentThread().isVirtual())).join();
        assertEquals(List.of(true, true), virtual);
        List<String> names = Collections.synchronizedList(new ArrayList<>());
        Parallel.run(Thread.ofPlatform().name("injected-", 0).factory(),
                List.of(() -> names.add(Thread.currentThread().getName()),
                        () -> names.add(Thread.currentThread().getName())));
        Collections.sort(names);
        assertEquals(List.of("injected-0", "injected-1"), names);
        Spawn.start(Thread.ofPlatform().name("spawned").factory(),
                () -> assertEquals("spawned", Thread.currentThread().getName())).join();
    }
}
