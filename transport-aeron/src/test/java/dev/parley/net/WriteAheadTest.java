package dev.parley.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.protocol.Counters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Remote writer ends that write ahead into a buffered channel (NodeConfig.withWriteAhead) over
 * Aeron UDP on 127.0.0.1: writes go under reserved slots without the round trip, arrive once and
 * in order, share the buffer with local writers, and are not lost when the writer closes its node.
 */
class WriteAheadTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private Node writerNode() {
        return nodes.start(NodeConfig.of(Nodes.HOST, 0).withPeerTimeout(Nodes.PEER_TIMEOUT).withWriteAhead());
    }

    private static <T> Channel<T> connect(Node from, Node home, String name, Codec<T> codec) {
        return from.connect(name, Nodes.HOST, Nodes.port(home), codec);
    }

    @Test
    void writesAheadArriveOnceAndInOrderAndMostGoUnderReservedSlots() throws Exception {
        Node home = nodes.start();
        Node writer = writerNode();
        int n = 2000;
        ChannelInput<Integer> in = home.bufferedChannel("ahead", 100, Codec.integers()).reader();
        ChannelOutput<Integer> out = connect(writer, home, "ahead", Codec.integers()).writer();
        List<Integer> got = new ArrayList<>();
        Parallel.run(() -> {
            for (int i = 0; i < n; i++) {
                out.write(i);
            }
        }, () -> {
            for (int i = 0; i < n; i++) {
                got.add(in.read());
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.get(i), "message " + i);
        }
        long ahead = writer.counters().get(Counters.Event.WRITES_AHEAD);
        assertTrue(ahead >= n / 2, "writes ahead=" + ahead + " of " + n);
        assertEquals(ahead, home.counters().get(Counters.Event.STORES_RECEIVED));
        assertEquals(0, home.counters().rejectedTotal(), home.counters().toString());
    }

    @Test
    void aNodeThatDoesNotWriteAheadWaitsForEveryWrite() throws Exception {
        Node home = nodes.start();
        Node writer = nodes.start();
        ChannelInput<Integer> in = home.bufferedChannel("strict", 10, Codec.integers()).reader();
        ChannelOutput<Integer> out = connect(writer, home, "strict", Codec.integers()).writer();
        for (int i = 0; i < 5; i++) {
            out.write(i);
            assertEquals(i, in.read(Duration.ZERO).orElseThrow(), "stored when the write returned");
        }
        assertEquals(0, writer.counters().get(Counters.Event.WRITES_AHEAD));
    }

    @Test
    void localAndRemoteWritersShareTheBufferAndEveryMessageIsReadOnce() throws Exception {
        Node home = nodes.start();
        Node writer = writerNode();
        int perWriter = 500;
        Channel<Integer> local = home.bufferedChannel("shared", 8, Codec.integers());
        Channel<Integer> remote = connect(writer, home, "shared", Codec.integers());
        ChannelInput<Integer> in = local.reader();
        List<ChannelOutput<Integer>> outs = List.of(local.writer(), local.writer(), remote.writer(), remote.writer());
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<CSProcess> processes = new ArrayList<>();
        for (int w = 0; w < outs.size(); w++) {
            ChannelOutput<Integer> out = outs.get(w);
            int base = w * perWriter;
            processes.add(() -> {
                for (int i = 0; i < perWriter; i++) {
                    out.write(base + i);
                }
            });
        }
        processes.add(() -> {
            for (int i = 0; i < outs.size() * perWriter; i++) {
                assertTrue(seen.add(in.read()), "read twice");
            }
        });
        Parallel.run(processes);
        assertEquals(outs.size() * perWriter, seen.size());
        assertTrue(home.counters().get(Counters.Event.CREDITS_REVOKED) > 0,
                "local writers waited for reserved slots and asked for them back: " + home.counters());
    }

    @Test
    void threadsWritingAheadOnOneEndWhileAnotherRetiresItLoseNothingThatReturned() throws Exception {
        racingRetire(writerNode());
    }

    @Test
    void threadsWritingOnOneEndWhileAnotherRetiresItLoseNothingThatReturnedAndTheNodeLives() throws Exception {
        // An offer's task that ran after another thread's retire stopped the node's thread before
        // RemoteEndpoints checked for it: the write-ahead variant above hit that (its writers offer
        // when out of slots); here each write waits a round trip, so the window is rare.
        racingRetire(nodes.start());
    }

    /** Four threads write on one remote end while a fifth retires it at a random moment (seed printed on failure). */
    private void racingRetire(Node writer) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Node home = nodes.start();
        ChannelInput<Integer> in = home.bufferedChannel("racing", 64, Codec.integers()).reader();
        ChannelOutput<Integer> out = connect(writer, home, "racing", Codec.integers()).writer();
        ChannelOutput<Integer> keeper = home.bufferedChannel("racing-keeper", 1, Codec.integers()).writer();
        Set<Integer> returned = ConcurrentHashMap.newKeySet();
        int threads = 4;
        int each = 2_000;
        long retireAfterNs = 1_000_000L * (5 + random.nextInt(40));
        List<CSProcess> processes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * each;
            processes.add(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        out.write(base + i);
                        returned.add(base + i);
                    } catch (RetiredException retired) {
                        return; // the end retired under this thread: nothing was written
                    }
                }
            });
        }
        processes.add(() -> {
            Thread.sleep(retireAfterNs / 1_000_000);
            out.retire();
        });
        Set<Integer> read = ConcurrentHashMap.newKeySet();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    assertTrue(read.add(in.read()), "read twice");
                }
            } catch (RetiredException end) {
                // every writer end retired: the channel is drained
            }
        });
        try {
            Parallel.run(processes);
        } finally {
            reader.join(Duration.ofSeconds(20));
        }
        assertTrue(!reader.isAlive(), "the reader ended once the only writer end retired; seed " + seed);
        assertEquals(returned, read, "every write that returned was read, and nothing else; seed " + seed);
        keeper.retire();
    }

    @Test
    void writesAheadMadeJustBeforeTheWriterClosesItsNodeAreStoredThenAPoisonFollowsThem() throws Exception {
        Node home = nodes.start();
        Node writer = writerNode();
        ChannelInput<Integer> in = home.bufferedChannel("closing", 50, Codec.integers()).reader();
        ChannelOutput<Integer> out = connect(writer, home, "closing", Codec.integers()).writer();
        for (int i = 0; i < 40; i++) {
            out.write(i);
        }
        out.poison(); // a writer's poison: readers drain the buffer, and writes ahead before it, first
        writer.close();
        for (int i = 0; i < 40; i++) {
            assertEquals(i, in.read(), "message " + i);
        }
        try {
            in.read();
            throw new AssertionError("the poison should follow the messages");
        } catch (PoisonException expected) {
            // every write ahead came first
        }
        assertTrue(writer.counters().get(Counters.Event.WRITES_AHEAD) > 0);
    }
}
