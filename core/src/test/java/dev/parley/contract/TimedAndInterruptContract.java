package dev.parley.contract;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.OutputGuard;
import dev.parley.InputGuard;
import dev.parley.TimeoutGuard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SEMANTICS 2, timed operations and interruption: a timed-out or interrupted operation delivered
 * and took nothing, and an interrupted one leaves the interrupt status set.
 */
public abstract class TimedAndInterruptContract extends ChannelContract {

    private static final long SEED = 0x5eed_2026L;
    /** How long a reader waits for more once every writer has returned (see the racing test). */
    private static final Duration LAST_READS_WAIT = Duration.ofSeconds(1);

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void aTimedReadWithNoWriterReturnsEmptyAndNotBeforeItsTimeout(int capacity) {
        ChannelInput<Integer> in = this.<Integer>channel(capacity).reader();
        long startNs = System.nanoTime();
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(80)));
        assertTrue(System.nanoTime() - startNs >= Duration.ofMillis(80).toNanos(), "returned before its timeout");
        assertEquals(Optional.empty(), in.read(Duration.ZERO));
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(-5)));
    }

    @Test
    void aTimedWriteWithNoReaderReturnsFalseNotBeforeItsTimeoutAndDeliversNothing() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        long startNs = System.nanoTime();
        assertFalse(out.write(1, Duration.ofMillis(80)));
        assertTrue(System.nanoTime() - startNs >= Duration.ofMillis(80).toNanos(), "returned before its timeout");
        assertFalse(out.write(2, Duration.ZERO));
        ChannelInput<Integer> in = c.reader();
        Party reader = start("reader", in::read);
        awaitBlocked(reader);
        assertStillBlocked(reader, Duration.ofMillis(30));
        out.write(3);
        reader.join();
    }

    @Test
    void aTimedWriteOnAFullBufferThatTimesOutIsNeverBuffered() {
        Channel<Integer> c = channel(2);
        ChannelOutput<Integer> out = c.writer();
        out.write(1);
        out.write(2);
        assertFalse(out.write(3, Duration.ofMillis(30)));
        ChannelInput<Integer> in = c.reader();
        assertEquals(1, in.read());
        assertEquals(2, in.read());
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(30)), "the timed-out message must not arrive");
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void aTimedReadReceivesAMessageWrittenWithinItsTimeout(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        Party writer = start("writer", () -> {
            sleep(Duration.ofMillis(30));
            out.write(8);
        });
        assertEquals(Optional.of(8), c.<Integer>reader().read(HANG));
        writer.join();
    }

    @Test
    void aZeroTimeoutWriteCompletesWithAReaderAlreadyWaiting() {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        Party reader = start("reader", () -> assertEquals(6, in.read()));
        awaitBlocked(reader);
        assertTrue(c.<Integer>writer().write(6, Duration.ZERO));
        reader.join();
    }

    @Test
    void aZeroTimeoutReadTakesFromAWriterAlreadyWaiting() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        Party writer = start("writer", () -> out.write(4));
        awaitBlocked(writer);
        assertEquals(Optional.of(4), c.<Integer>reader().read(Duration.ZERO));
        writer.join();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 3})
    void racingTimedWritesAndReadsDeliverExactlyTheWritesThatReturnedTrue(int capacity) {
        Random random = new Random(SEED + capacity);
        Channel<Integer> c = channel(capacity);
        int writers = 3;
        int perWriter = 150;
        List<List<Integer>> delivered = new ArrayList<>();
        List<Party> parties = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            ChannelOutput<Integer> out = c.writer();
            List<Integer> mine = new ArrayList<>();
            delivered.add(mine);
            long seed = random.nextLong();
            int id = w;
            parties.add(start("writer-" + w, () -> {
                Random r = new Random(seed);
                for (int i = 0; i < perWriter; i++) {
                    int m = id * 10_000 + i;
                    if (out.write(m, Duration.ofNanos(r.nextInt(300_000)))) {
                        mine.add(m);
                    }
                }
            }));
        }
        List<List<Integer>> received = new ArrayList<>();
        AtomicBoolean writersDone = new AtomicBoolean();
        for (int rd = 0; rd < 2; rd++) {
            ChannelInput<Integer> in = c.reader();
            List<Integer> mine = new ArrayList<>();
            received.add(mine);
            long seed = random.nextLong();
            parties.add(start("reader-" + rd, () -> {
                Random r = new Random(seed);
                while (true) {
                    boolean last = writersDone.get();
                    // Once every writer has returned, a read waits long enough for each write that
                    // returned true to reach the readers: at once here, one network latency later for
                    // a write ahead or a remote reader. Only then does an empty read end the reader.
                    Duration wait = last ? LAST_READS_WAIT : Duration.ofNanos(r.nextInt(300_000));
                    Optional<Integer> m = in.read(wait);
                    m.ifPresent(mine::add);
                    if (m.isEmpty() && last) {
                        return;
                    }
                }
            }));
        }
        joinAll(parties.subList(0, writers));
        writersDone.set(true);
        joinAll(parties.subList(writers, parties.size()));
        List<Integer> sent = new ArrayList<>();
        delivered.forEach(sent::addAll);
        List<Integer> got = new ArrayList<>();
        received.forEach(got::addAll);
        Collections.sort(sent);
        Collections.sort(got);
        assertEquals(sent, got, "seed " + SEED + ": the messages read are exactly the writes that returned true");
    }

    @Test
    void aHugeTimeoutWaitsInsteadOfExpiringAtOnce() {
        Channel<Integer> a = channel(0);
        Channel<Integer> b = channel(0);
        Channel<Integer> d = channel(0);
        ChannelInput<Integer> ain = a.reader();
        ChannelInput<Integer> bin = b.reader();
        ChannelInput<Integer> din = d.reader();
        Party nanos = start("max-nanos reader",
                () -> assertEquals(Optional.of(1), ain.read(Duration.ofNanos(Long.MAX_VALUE))));
        Party forever = start("forever reader",
                () -> assertEquals(Optional.of(2), bin.read(ChronoUnit.FOREVER.getDuration())));
        Party alt = start("alternation", () -> assertEquals(0, new Alternation(
                new InputGuard<>(din), new TimeoutGuard(Duration.ofDays(365L * 1000))).select().index()));
        awaitBlocked(nanos);
        awaitBlocked(forever);
        awaitBlocked(alt);
        assertTrue(a.<Integer>writer().write(1, Duration.ofNanos(Long.MAX_VALUE)));
        b.<Integer>writer().write(2);
        d.<Integer>writer().write(3);
        joinAll(List.of(nanos, forever, alt));
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void anInterruptedReadThrowsUncheckedKeepsTheInterruptStatusAndTakesNothing(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        AtomicBoolean statusKept = new AtomicBoolean();
        Party reader = start("reader", () -> {
            try {
                in.read();
            } finally {
                statusKept.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitBlocked(reader);
        reader.interrupt();
        Throwable t = reader.joinFailure();
        assertInstanceOf(ChannelInterruptedException.class, t);
        assertInstanceOf(RuntimeException.class, t);
        assertTrue(statusKept.get(), "interrupt status must stay set");
        ChannelOutput<Integer> out = c.writer();
        if (capacity == 0) {
            assertFalse(out.write(1, Duration.ofMillis(30)), "the interrupted reader must have left the channel");
        } else {
            out.write(1);
            assertEquals(1, in.read(), "the message went to no interrupted reader");
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void anInterruptedWriteThrowsUncheckedKeepsTheInterruptStatusAndDeliversNothing(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        for (int i = 0; i < capacity; i++) {
            out.write(i);
        }
        AtomicBoolean statusKept = new AtomicBoolean();
        Party writer = start("writer", () -> {
            try {
                out.write(99);
            } finally {
                statusKept.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitBlocked(writer);
        writer.interrupt();
        assertInstanceOf(ChannelInterruptedException.class, writer.joinFailure());
        assertTrue(statusKept.get(), "interrupt status must stay set");
        ChannelInput<Integer> in = c.reader();
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, in.read());
        }
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(30)), "the interrupted write must not be delivered");
    }

    @Test
    void anInterruptedTimedReadAndAnInterruptedAlternationThrowTheSameWay() {
        ChannelInput<Integer> in = this.<Integer>channel(0).reader();
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        Party timed = start("timed reader", () -> in.read(HANG));
        Party alt = start("alternation", () -> new Alternation(new OutputGuard<>(out, 5)).select());
        awaitBlocked(timed);
        awaitBlocked(alt);
        timed.interrupt();
        alt.interrupt();
        assertInstanceOf(ChannelInterruptedException.class, timed.joinFailure());
        assertInstanceOf(ChannelInterruptedException.class, alt.joinFailure());
        assertEquals(Optional.empty(), c.<Integer>reader().read(Duration.ofMillis(30)),
                "the interrupted output guard delivered nothing");
    }

    @Test
    void aThreadAlreadyInterruptedThrowsWhenItWouldBlock() {
        ChannelInput<Integer> in = this.<Integer>channel(0).reader();
        Thread.currentThread().interrupt();
        try {
            assertThrows(ChannelInterruptedException.class, in::read);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aThreadAlreadyInterruptedStillCompletesAnOperationThatNeedNotWaitAndKeepsItsStatus() {
        Channel<Integer> c = channel(1);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        Thread.currentThread().interrupt();
        try {
            out.write(5);
            assertEquals(5, in.read());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aNullTimeoutIsRejected() {
        Channel<Integer> c = channel(0);
        assertThrows(NullPointerException.class, () -> c.reader().read(null));
        assertThrows(NullPointerException.class, () -> c.writer().write(1, null));
    }
}
