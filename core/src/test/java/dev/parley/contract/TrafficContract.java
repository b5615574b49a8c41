package dev.parley.contract;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.RetiredException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SEMANTICS 2: every message goes to exactly one reader, none lost, none duplicated, in every
 * shape of traffic and for rendezvous (capacity 0) as well as buffered channels; buffered
 * channels keep FIFO order and block writers only while full.
 */
public abstract class TrafficContract extends ChannelContract {

    private static final int WRITERS = 4;
    private static final int READERS = 4;
    private static final int PER_WRITER = 10;

    /** Message {@code i} of writer {@code w}, so that a reader can check per-writer order. */
    private static int message(int w, int i) {
        return w * 1000 + i;
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 5, 10, 20})
    void oneWriterToOneReaderDeliversEveryMessageInOrder(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        Party writer = start("writer", () -> {
            for (int i = 0; i < 200; i++) {
                out.write(i);
            }
            out.retire();
        });
        List<Integer> got = new ArrayList<>();
        assertThrows(RetiredException.class, () -> {
            while (true) {
                got.add(in.read());
            }
        });
        writer.join();
        assertEquals(range(200), got);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 5, 10, 20})
    void fourWritersToOneReaderDeliverExactlyTheFortyMessagesEachOnce(int capacity) {
        Channel<Integer> c = channel(capacity);
        List<Party> writers = startWriters(c);
        ChannelInput<Integer> in = c.reader();
        List<Integer> got = new ArrayList<>();
        assertThrows(RetiredException.class, () -> {
            while (true) {
                got.add(in.read());
            }
        });
        joinAll(writers);
        assertExactlyAllMessages(got);
        assertPerWriterOrder(got);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 5, 10, 20})
    void oneWriterToFourReadersDeliversEachMessageToExactlyOneReader(int capacity) {
        Channel<Integer> c = channel(capacity);
        List<List<Integer>> perReader = new ArrayList<>();
        List<Party> readers = startReaders(c, perReader);
        ChannelOutput<Integer> out = c.writer();
        for (int i = 0; i < WRITERS * PER_WRITER; i++) {
            out.write(i);
        }
        out.retire();
        joinAll(readers);
        List<Integer> all = new ArrayList<>();
        perReader.forEach(all::addAll);
        Collections.sort(all);
        assertEquals(range(WRITERS * PER_WRITER), all);
        for (List<Integer> one : perReader) {
            assertPerWriterOrder(one);
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 5, 10, 20})
    void fourWritersToFourReadersDeliverExactlyTheFortyMessagesEachOnce(int capacity) {
        Channel<Integer> c = channel(capacity);
        List<List<Integer>> perReader = new ArrayList<>();
        List<Party> readers = startReaders(c, perReader);
        List<Party> writers = startWriters(c);
        joinAll(writers);
        joinAll(readers);
        List<Integer> all = new ArrayList<>();
        perReader.forEach(all::addAll);
        assertExactlyAllMessages(all);
        for (List<Integer> one : perReader) {
            assertPerWriterOrder(one);
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 5, 10, 20})
    void aBufferedWriterDoesNotWaitUntilTheBufferIsFull(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        for (int i = 0; i < capacity; i++) {
            assertTrue(out.write(i, Duration.ZERO), "write " + i + " of capacity " + capacity + " must not wait");
        }
        assertFalse(out.write(capacity, Duration.ofMillis(20)), "the buffer is full");
        ChannelInput<Integer> in = c.reader();
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, in.read());
        }
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(20)), "the refused write must not be buffered");
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 5, 10, 20})
    void aWriterBlockedOnAFullBufferIsRefilledInOrderAsReadersTake(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        int total = capacity + 3;
        Party writer = start("writer", () -> {
            for (int i = 0; i < total; i++) {
                out.write(i);
            }
        });
        awaitBlocked(writer);
        ChannelInput<Integer> in = c.reader();
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            got.add(in.read());
        }
        writer.join();
        assertEquals(range(total), got);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 5, 10, 20})
    void aBufferFilledAndRetiredBeforeAnyReaderExistsStillHandsEveryMessageToALaterReader(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        for (int i = 0; i < capacity; i++) {
            out.write(i);
        }
        out.retire();
        ChannelInput<Integer> in = c.reader();
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            got.add(in.read());
        }
        assertEquals(range(capacity), got);
        assertThrows(RetiredException.class, in::read);
        assertThrows(RetiredException.class, () -> in.read(Duration.ofMillis(10)));
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 5})
    void aRendezvousOrBufferedChannelHandsOverBetweenTheMainThreadAndAProcess(int capacity) {
        Channel<String> c = channel(capacity);
        Channel<String> back = channel(capacity);
        ChannelInput<String> in = c.reader();
        ChannelOutput<String> reply = back.writer();
        Party echo = start("echo", () -> {
            for (int i = 0; i < 50; i++) {
                reply.write(in.read() + "!");
            }
        });
        ChannelOutput<String> out = c.writer();
        ChannelInput<String> answers = back.reader();
        for (int i = 0; i < 50; i++) {
            out.write("m" + i);
            assertEquals("m" + i + "!", answers.read());
        }
        echo.join();
    }

    @Test
    void aRendezvousWriteReturnsOnlyAfterAReaderHasTakenTheMessage() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        Party writer = start("writer", () -> out.write(7));
        awaitBlocked(writer);
        assertStillBlocked(writer, Duration.ofMillis(50));
        assertEquals(7, c.reader().read());
        writer.join();
    }

    @Test
    void waitingReadersAreServedOldestFirst() {
        Channel<Integer> c = channel(0);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Party> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            int id = r;
            ChannelInput<Integer> in = c.reader();
            Party p = start("reader-" + r, () -> order.add(id * 100 + in.read()));
            awaitBlocked(p);
            readers.add(p);
        }
        ChannelOutput<Integer> out = c.writer();
        for (int i = 0; i < 3; i++) {
            out.write(i);
        }
        joinAll(readers);
        assertEquals(Set.of(0, 101, 202), new HashSet<>(order), "reader r must get message r: " + order);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1})
    void waitingWritersAreServedOldestFirst(int capacity) {
        Channel<Integer> c = channel(capacity);
        if (capacity > 0) {
            c.writer().write(-1);
        }
        List<Party> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int id = w;
            ChannelOutput<Integer> out = c.writer();
            Party p = start("writer-" + w, () -> out.write(id));
            awaitBlocked(p);
            writers.add(p);
        }
        ChannelInput<Integer> in = c.reader();
        if (capacity > 0) {
            assertEquals(-1, in.read());
        }
        assertEquals(List.of(0, 1, 2), List.of(in.read(), in.read(), in.read()));
        joinAll(writers);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1})
    void aNullWriteIsRejectedAtOnceAndDeliversNothing(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        RuntimeException e = assertThrows(RuntimeException.class, () -> out.write(null));
        assertTrue(e instanceof NullPointerException || e instanceof IllegalArgumentException, e.toString());
        assertThrows(RuntimeException.class, () -> out.write(null, Duration.ofMillis(10)));
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(20)), "nothing may arrive after a null write");
    }

    @Test
    void theChannelKeepsItsName() {
        Channel<Integer> c = channel("traffic-named-" + System.nanoTime(), 0);
        assertTrue(c.name().startsWith("traffic-named-"), c.name());
        assertEquals(c.name(), c.reader().channelName());
        assertEquals(c.name(), c.writer().channelName());
        c.writer().poison();
    }

    private List<Party> startWriters(Channel<Integer> c) {
        List<ChannelOutput<Integer>> ends = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            ends.add(c.writer()); // all ends exist before any retires, so the last one retires the channel
        }
        List<Party> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int id = w;
            ChannelOutput<Integer> out = ends.get(w);
            writers.add(start("writer-" + w, () -> {
                for (int i = 0; i < PER_WRITER; i++) {
                    out.write(message(id, i));
                }
                out.retire();
            }));
        }
        return writers;
    }

    private List<Party> startReaders(Channel<Integer> c, List<List<Integer>> perReader) {
        List<Party> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            ChannelInput<Integer> in = c.reader();
            List<Integer> mine = new ArrayList<>();
            perReader.add(mine);
            readers.add(start("reader-" + r, () -> {
                try {
                    while (true) {
                        mine.add(in.read());
                    }
                } catch (RetiredException expected) {
                    // the last writer retired: every message has been taken
                }
            }));
        }
        return readers;
    }

    private static void assertExactlyAllMessages(List<Integer> got) {
        List<Integer> expected = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < PER_WRITER; i++) {
                expected.add(message(w, i));
            }
        }
        List<Integer> sorted = new ArrayList<>(got);
        Collections.sort(sorted);
        assertEquals(expected, sorted, "each of the " + expected.size() + " messages exactly once");
    }

    /** Messages of one writer reach one reader in the order written. */
    private static void assertPerWriterOrder(List<Integer> got) {
        int[] last = new int[WRITERS * PER_WRITER + 1];
        Arrays.fill(last, -1);
        for (int m : got) {
            int w = m / 1000;
            int i = m % 1000;
            if (i <= last[w]) {
                fail("message " + m + " came after " + (w * 1000 + last[w]) + " of the same writer: " + got);
            }
            last[w] = i;
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(i);
        }
        return r;
    }
}
