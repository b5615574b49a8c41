package dev.parley.contract;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.ChannelTerminatedException;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.SkipGuard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SEMANTICS 3: counted retire, immediate poison, and what happens to buffered messages. */
public abstract class RetirePoisonContract extends ChannelContract {

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void theChannelRetiresWhenItsLastWriterRetiresAndNotBefore(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> w1 = c.writer();
        ChannelOutput<Integer> w2 = c.writer();
        ChannelOutput<Integer> w3 = c.writer();
        ChannelInput<Integer> in = c.reader();
        w1.retire();
        w2.retire();
        w2.retire(); // a second retire of one end does not count again
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(30)), "two of three writers retired: still open");
        Party last = start("last writer", () -> w3.write(5));
        assertEquals(5, in.read());
        last.join();
        w3.retire();
        assertThrows(RetiredException.class, in::read);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void theChannelRetiresWhenItsLastReaderRetiresAndNotBefore(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> r1 = c.reader();
        ChannelInput<Integer> r2 = c.reader();
        ChannelInput<Integer> r3 = c.reader();
        ChannelOutput<Integer> out = c.writer();
        r1.retire();
        r1.retire();
        r2.retire();
        Party reader = start("last reader", r3::read);
        out.write(9);
        reader.join();
        r3.retire();
        assertThrows(RetiredException.class, () -> out.write(10));
        assertThrows(RetiredException.class, () -> out.write(10, Duration.ofMillis(10)));
    }

    @Test
    void anEndThatHasRetiredThrowsAtOnceWhileOtherEndsKeepTheChannelAlive() {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> gone = c.reader();
        ChannelInput<Integer> alive = c.reader();
        ChannelOutput<Integer> goneOut = c.writer();
        ChannelOutput<Integer> aliveOut = c.writer();
        gone.retire();
        goneOut.retire();
        assertThrows(RetiredException.class, gone::read);
        assertThrows(RetiredException.class, () -> gone.read(Duration.ofSeconds(5)));
        assertThrows(RetiredException.class, () -> goneOut.write(1));
        assertThrows(RetiredException.class, () -> goneOut.write(1, Duration.ofSeconds(5)));
        assertThrows(RetiredException.class, () -> new Alternation(new InputGuard<>(gone)).select());
        assertThrows(RetiredException.class, () -> new Alternation(new OutputGuard<>(goneOut, 1)).select());
        assertThrows(RetiredException.class, () -> new Alternation(new SkipGuard(), new InputGuard<>(gone)).priSelect(),
                "a guard on a retired end is a misuse, whatever else is ready");
        Party writer = start("writer", () -> aliveOut.write(3));
        assertEquals(3, alive.read(), "the channel itself is still alive");
        writer.join();
    }

    @Test
    void poisonThroughAnEndThatHasRetiredDoesNothing() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> gone = c.writer();
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        gone.retire();
        gone.poison();
        Party writer = start("writer", () -> out.write(4));
        assertEquals(4, in.read());
        writer.join();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 3})
    void retireOfTheLastWriterWakesEveryBlockedReader(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        List<Party> readers = blockedReaders(c, 3);
        out.retire();
        for (Party r : readers) {
            assertInstanceOf(RetiredException.class, r.joinFailure());
        }
        assertThrows(RetiredException.class, () -> c.reader().read());
        assertThrows(RetiredException.class, () -> c.writer().write(1));
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1})
    void retireOfTheLastReaderWakesEveryBlockedWriter(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        fill(c.writer(), capacity);
        List<Party> writers = blockedWriters(c, 3);
        in.retire();
        for (Party w : writers) {
            assertInstanceOf(RetiredException.class, w.joinFailure());
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 3})
    void poisonFromAWriterWakesEveryBlockedReader(int capacity) {
        Channel<Integer> c = channel(capacity);
        List<Party> readers = blockedReaders(c, 3);
        c.writer().poison();
        for (Party r : readers) {
            assertInstanceOf(PoisonException.class, r.joinFailure());
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 3})
    void poisonFromAReaderWakesEveryBlockedReaderOnTheSameSide(int capacity) {
        Channel<Integer> c = channel(capacity);
        List<Party> readers = blockedReaders(c, 3);
        c.reader().poison();
        for (Party r : readers) {
            assertInstanceOf(PoisonException.class, r.joinFailure());
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 4})
    void poisonFromEitherSideWakesEveryBlockedWriter(int capacity) {
        for (boolean byReader : new boolean[] {true, false}) {
            Channel<Integer> c = channel(capacity);
            fill(c.writer(), capacity);
            List<Party> writers = blockedWriters(c, 3);
            if (byReader) {
                c.reader().poison();
            } else {
                c.writer().poison();
            }
            for (Party w : writers) {
                assertInstanceOf(PoisonException.class, w.joinFailure(), "poisoned by reader=" + byReader);
            }
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void afterPoisonEveryOperationOnAnyEndThrowsPoisonAndPoisonTwiceIsANoOp(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        in.poison();
        in.poison();
        out.poison();
        assertThrows(PoisonException.class, in::read);
        assertThrows(PoisonException.class, () -> in.read(Duration.ZERO));
        assertThrows(PoisonException.class, () -> out.write(1));
        assertThrows(PoisonException.class, () -> out.write(1, Duration.ZERO));
        assertThrows(PoisonException.class, () -> c.reader().read());
        assertThrows(PoisonException.class, () -> c.writer().write(2));
        assertThrows(PoisonException.class, () -> new Alternation(new InputGuard<>(in)).select());
        assertThrows(PoisonException.class, () -> new Alternation(new OutputGuard<>(out, 3)).select());
    }

    @Test
    void poisonAndRetireShareACommonUncheckedSupertype() {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        c.writer().poison();
        ChannelTerminatedException e = assertThrows(ChannelTerminatedException.class, in::read);
        assertInstanceOf(RuntimeException.class, e);
        assertEquals(c.name(), e.channelName());
        assertTrue(e.getMessage().contains(c.name()), e.getMessage());
    }

    @Test
    void rendezvousWritesCompletedBeforePoisonWereAllTaken() {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        List<Integer> got = new ArrayList<>();
        Party reader = start("reader", () -> {
            while (true) {
                got.add(in.read());
            }
        });
        ChannelOutput<Integer> out = c.writer();
        for (int i = 0; i < 100; i++) {
            out.write(i);
        }
        out.poison();
        assertInstanceOf(PoisonException.class, reader.joinFailure());
        assertEquals(100, got.size(), "every write that returned was taken");
        for (int i = 0; i < 100; i++) {
            assertEquals(i, got.get(i));
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 5, 10})
    void writerPoisonLetsReadersDrainTheBufferThenPoisons(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        fill(out, capacity);
        out.poison();
        assertThrows(PoisonException.class, () -> out.write(99));
        ChannelInput<Integer> in = c.reader();
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, in.read(), "buffered message " + i + " survives a writer's poison");
        }
        assertThrows(PoisonException.class, in::read);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 5, 10})
    void writerRetireLetsReadersDrainTheBufferThenRetires(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        fill(out, capacity);
        out.retire();
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, in.read(Duration.ofSeconds(5)).orElseThrow());
        }
        assertThrows(RetiredException.class, in::read);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 5, 10})
    void readerPoisonDiscardsTheBufferAtOnce(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelInput<Integer> other = c.reader();
        fill(c.writer(), capacity);
        in.poison();
        assertThrows(PoisonException.class, in::read);
        assertThrows(PoisonException.class, other::read);
        assertThrows(PoisonException.class, () -> c.reader().read(Duration.ZERO));
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 5})
    void readerPoisonAfterWriterPoisonStillDiscardsTheBuffer(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        fill(c.writer(), capacity);
        c.writer().poison();
        in.poison();
        assertThrows(PoisonException.class, in::read, "a reader's poison discards what was buffered");
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void poisonAfterRetireTurnsTheChannelPoisoned(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        out.retire();
        assertThrows(RetiredException.class, in::read);
        in.poison();
        assertThrows(PoisonException.class, in::read);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void poisonWakesAnAlternationWaitingOnTheChannel(int capacity) {
        Channel<Integer> c = channel(capacity);
        Channel<Integer> quiet = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelInput<Integer> other = quiet.reader();
        Party alt = start("alternation", () -> new Alternation(new InputGuard<>(other), new InputGuard<>(in)).select());
        awaitBlocked(alt);
        c.writer().poison();
        assertInstanceOf(PoisonException.class, alt.joinFailure());
        // the other channel was left untouched and still works
        ChannelOutput<Integer> q = quiet.writer();
        Party writer = start("writer", () -> q.write(1));
        assertEquals(1, other.read());
        writer.join();
    }

    private List<Party> blockedReaders(Channel<Integer> c, int n) {
        List<Party> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ChannelInput<Integer> in = c.reader();
            Party p = start("reader-" + i, in::read);
            awaitBlocked(p);
            readers.add(p);
        }
        return readers;
    }

    private List<Party> blockedWriters(Channel<Integer> c, int n) {
        List<Party> writers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ChannelOutput<Integer> out = c.writer();
            int v = 100 + i;
            Party p = start("writer-" + i, () -> out.write(v));
            awaitBlocked(p);
            writers.add(p);
        }
        return writers;
    }

    /** Writes 0 .. n-1 through {@code out}. */
    private static void fill(ChannelOutput<Integer> out, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(out.write(i, Duration.ofSeconds(5)), "fill " + i);
        }
    }
}
