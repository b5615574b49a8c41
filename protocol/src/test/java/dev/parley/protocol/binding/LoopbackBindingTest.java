package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Channel;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.protocol.Counters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The binding to the core, in one JVM: two nodes over a loopback queue, real local
 * channels. Here plain remote reads and writes (in order, timed, buffered, interrupted),
 * connecting, and the frames a remote write costs; {@link LoopbackAlternationTest} has
 * remote guards, {@link LoopbackPoisonRetireTest} poison and retire,
 * {@link LoopbackPeerFailureTest} nodes that die or close, and
 * {@link LoopbackRestartTest} restarts and the ends they lose.
 */
class LoopbackBindingTest extends LoopbackNodes {

    @Test
    void theHomeAnswersARemoteWriteWithItsTakenAloneNotABareAckBeforeIt() throws Exception {
        Channel<String> a = hosted(homeChannels, Channel.create("A"));
        ChannelInput<String> in = a.reader();
        ChannelOutput<String> out = remoteWriter("A", ValueCodec.utf8());
        Parallel.run(() -> out.write("warm-up"), in::read); // the handshake is done
        int writes = 50;
        long sentBefore = home.node().counters().get(Counters.Event.FRAMES_SENT);
        Parallel.run(() -> {
            for (int i = 0; i < writes; i++) {
                out.write("w" + i);
            }
        }, () -> {
            for (int i = 0; i < writes; i++) {
                in.read();
            }
        });
        long sent = home.node().counters().get(Counters.Event.FRAMES_SENT) - sentBefore;
        // One TAKEN per write carries the ack of its OFFER; heartbeats (every 250 ms here) and a
        // retransmission or two on a loaded machine are the rest. Acking at once would send 2 per write.
        assertTrue(sent < writes + writes / 2, "the home sent " + sent + " frames for " + writes + " writes");
    }

    @Test
    void helloOverANetworkReachesAReaderAtTheHome() throws Exception {
        Channel<String> a = Channel.create("A");
        homeChannels.host(a, ValueCodec.utf8());
        ChannelInput<String> in = a.reader();
        ChannelOutput<String> out = remoteWriter("A", ValueCodec.utf8());
        String[] got = new String[1];
        Parallel.run(() -> out.write("hello over a network"), () -> got[0] = in.read());
        assertEquals("hello over a network", got[0]);
    }

    @Test
    void aRemoteReaderGetsEveryValueOfAHomeWriterInOrder() throws Exception {
        Channel<String> b = Channel.create("B");
        homeChannels.host(b, ValueCodec.utf8());
        ChannelOutput<String> out = b.writer();
        ChannelInput<String> in = remoteReader("B", ValueCodec.utf8());
        List<String> got = new ArrayList<>();
        Parallel.run(() -> {
            for (int i = 0; i < 20; i++) {
                out.write("msg-" + i);
            }
        }, () -> {
            for (int i = 0; i < 20; i++) {
                got.add(in.read());
            }
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("msg-" + i);
        }
        assertEquals(expected, got);
    }

    @Test
    void aTimedRemoteReadWithNoWriterIsEmptyAndTakesNothingFromALaterWriter() throws Exception {
        Channel<String> c = Channel.create("C");
        homeChannels.host(c, ValueCodec.utf8());
        ChannelInput<String> remote = remoteReader("C", ValueCodec.utf8());
        assertEquals(Optional.empty(), remote.read(Duration.ofMillis(50)));
        ChannelOutput<String> out = c.writer();
        ChannelInput<String> local = c.reader();
        String[] got = new String[1];
        Parallel.run(() -> out.write("for the local reader"), () -> got[0] = local.read());
        assertEquals("for the local reader", got[0]);
    }

    @Test
    void connectingBeforeTheChannelIsHostedWaitsAndThenWorks() throws Exception {
        Channel<String> late = Channel.create("late");
        ChannelInput<String> in = late.reader();
        String[] got = new String[1];
        Parallel.run(() -> {
            Thread.sleep(100);
            homeChannels.host(late, ValueCodec.utf8());
            got[0] = in.read();
        }, () -> remoteWriter("late", ValueCodec.utf8()).write("worth the wait"));
        assertEquals("worth the wait", got[0]);
    }

    @Test
    void connectingToANameThatIsNeverHostedFailsAfterTheTimeout() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> remoteEnds.connect("home", "nothing", Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("name=nothing"), e.getMessage());
        assertThrows(PeerUnreachableException.class, () -> remoteEnds.connect("nobody", "A", Duration.ofMillis(100)));
    }

    @Test
    void remoteWritesToABufferedHomeChannelReturnOnceStoredAndRemoteReadsTakeTheOldestFirst() throws Exception {
        Channel<String> buf = Channel.buffered("buf", 2);
        homeChannels.host(buf, ValueCodec.utf8());
        ChannelOutput<String> out = remoteWriter("buf", ValueCodec.utf8());
        out.write("first");
        out.write("second"); // no reader anywhere: both are stored
        assertFalse(out.write("third", Duration.ofMillis(50)), "the buffer is full");
        ChannelInput<String> in = remoteReader("buf", ValueCodec.utf8());
        assertEquals("first", in.read());
        assertEquals("second", in.read());
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(50)), "the timed-out write stored nothing");
    }

    @Test
    void anInterruptedRemoteReadThrowsTakesNothingAndKeepsTheInterruptStatus() throws Exception {
        Channel<String> i = Channel.create("I");
        homeChannels.host(i, ValueCodec.utf8());
        ChannelInput<String> in = remoteReader("I", ValueCodec.utf8());
        boolean[] seen = new boolean[2];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                in.read();
            } catch (ChannelInterruptedException e) {
                seen[0] = true;
                seen[1] = Thread.currentThread().isInterrupted();
            }
        });
        try {
            Thread.sleep(50);
            reader.interrupt();
        } finally {
            reader.join(5_000);
        }
        assertTrue(seen[0], "ChannelInterruptedException");
        assertTrue(seen[1], "interrupt status kept");
        ChannelOutput<String> out = i.writer();
        ChannelInput<String> local = i.reader();
        String[] got = new String[1];
        Parallel.run(() -> out.write("for the local reader"), () -> got[0] = local.read());
        assertEquals("for the local reader", got[0], "the interrupted read took nothing");
    }

    @Test
    void aRemoteReadOnAThreadAlreadyInterruptedThrowsAndLeavesNoOfferThatCouldTakeALaterValue() throws Exception {
        Channel<String> j = Channel.create("J");
        homeChannels.host(j, ValueCodec.utf8());
        ChannelInput<String> in = remoteReader("J", ValueCodec.utf8());
        Thread.currentThread().interrupt();
        try {
            assertThrows(ChannelInterruptedException.class, in::read);
            assertTrue(Thread.currentThread().isInterrupted(), "interrupt status kept");
        } finally {
            Thread.interrupted();
        }
        assertFalse(j.writer().write("for nobody", Duration.ofMillis(200)),
                "the interrupted read's offer was withdrawn before it returned, so it took nothing");
    }
}
