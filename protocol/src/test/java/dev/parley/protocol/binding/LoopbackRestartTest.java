package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.InputGuard;
import dev.parley.RetiredException;
import dev.parley.Selected;
import dev.parley.TimeoutGuard;
import dev.parley.protocol.Counters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Restarts, over the loopback binding: a home restarted at the same address is reached
 * again, and an end lost with its old incarnation is re-opened by its next read, write or
 * guard (or fails as connect does, or stays retired); a home reader waits through the
 * restart of the node of its channel's only writer.
 */
class LoopbackRestartTest extends LoopbackNodes {

    @Test
    void aHomeRestartedAtTheSameAddressIsReachedAgain() throws Exception {
        Channel<String> first = Channel.create("R");
        homeChannels.host(first, ValueCodec.utf8());
        ChannelOutput<String> out = remoteWriter("R", ValueCodec.utf8());
        ChannelInput<String> firstIn = first.reader();
        Parallel.run(() -> out.write("before"), () -> assertEquals("before", firstIn.read()));

        home.close(); // the old incarnation dies; a new one starts at the same address
        HostedChannels reborn = new HostedChannels();
        start("home", 102, reborn, new RemoteEndpoints());
        Channel<String> second = Channel.create("R");
        reborn.host(second, ValueCodec.utf8());
        assertThrows(OutcomeUnknownException.class, () -> out.write("to the old incarnation"));
        ChannelOutput<String> again = remoteWriter("R", ValueCodec.utf8());
        ChannelInput<String> secondIn = second.reader();
        Parallel.run(() -> again.write("after"), () -> assertEquals("after", secondIn.read()));
        // The end that was lost with the old incarnation is re-opened by its next operation.
        Parallel.run(() -> out.write("through the old end object"),
                () -> assertEquals("through the old end object", secondIn.read()));
        Parallel.run(() -> out.write("and again"), () -> assertEquals("and again", secondIn.read()));
    }

    /** Closes the home and starts a new incarnation at its address, hosting {@code names} (unbuffered). */
    private List<Channel<String>> restartHome(long incarnation, String... names) throws InterruptedException {
        home.close();
        HostedChannels reborn = new HostedChannels();
        start("home", incarnation, reborn, new RemoteEndpoints());
        List<Channel<String>> channels = new ArrayList<>();
        for (String name : names) {
            channels.add(hosted(reborn, Channel.create(name)));
        }
        return channels;
    }

    @Test
    void aReadInFlightAtAHomeRestartEndsUnknownAndTheSameEndThenReadsFromTheNewIncarnation() throws Exception {
        hosted(homeChannels, Channel.create("F"));
        ChannelInput<String> in = remoteReader("F", ValueCodec.utf8());
        CompletableFuture<Throwable> inFlight = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                inFlight.complete(new AssertionError("read returned " + in.read()));
            } catch (RuntimeException e) {
                inFlight.complete(e);
            }
        });
        try {
            Thread.sleep(100); // the read is offered at the old incarnation
            Channel<String> f = restartHome(103, "F").get(0);
            Throwable ended = inFlight.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(ended instanceof OutcomeUnknownException, "in flight at the restart: " + ended);
            ChannelOutput<String> out = f.writer();
            String[] got = new String[2];
            Parallel.run(() -> {
                out.write("untimed");
                out.write("timed");
            }, () -> {
                got[0] = in.read();
                got[1] = in.read(TIMEOUT).orElse(null);
            });
            assertEquals("untimed", got[0]);
            assertEquals("timed", got[1]);
        } finally {
            reader.interrupt();
            reader.join(5_000);
        }
    }

    /**
     * Restarts the home as {@link #restartHome} does, then waits until the remote node has
     * noticed: its next frame to the home (a heartbeat at the latest) draws the new
     * incarnation's hello. An operation sent for the purpose would race with that heartbeat, and
     * lose whenever the test thread is held up for a heartbeat interval: it would then re-open
     * its end instead of failing.
     */
    private List<Channel<String>> restartHomeNoticed(long incarnation, String... names) throws Exception {
        long restarts = loops.get(1).node().counters().get(Counters.Event.PEER_RESTARTS);
        List<Channel<String>> reborn = restartHome(incarnation, names);
        awaitOnNode(loops.get(1), node -> node.counters().get(Counters.Event.PEER_RESTARTS) > restarts,
                "the remote node never noticed the home's restart");
        return reborn;
    }

    /** A remote writer and the channels of its home's new incarnation. */
    private record Lost(ChannelOutput<String> out, List<Channel<String>> reborn) {
    }

    /** Opens a remote writer of {@code name}, restarts its home hosting {@code after}, and waits for the notice. */
    private Lost writerLostToARestart(String name, long incarnation, String... after) throws Exception {
        hosted(homeChannels, Channel.create(name));
        ChannelOutput<String> out = remoteWriter(name, ValueCodec.utf8());
        return new Lost(out, restartHomeNoticed(incarnation, after));
    }

    @Test
    void aTimedWriteOnALostEndReachesTheNewIncarnation() throws Exception {
        Lost lost = writerLostToARestart("T", 104, "T");
        ChannelOutput<String> out = lost.out();
        ChannelInput<String> in = lost.reborn().get(0).reader();
        boolean[] written = new boolean[1];
        Parallel.run(() -> written[0] = out.write("timed", TIMEOUT), () -> assertEquals("timed", in.read()));
        assertTrue(written[0]);
    }

    @Test
    void aTimedOperationOnALostEndWhoseChannelIsGoneReturnsFalseAtItsDeadline() throws Exception {
        ChannelOutput<String> out = writerLostToARestart("G", 105).out();
        long start = System.nanoTime();
        assertFalse(out.write("nowhere", Duration.ofMillis(200)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs >= 190, "waited for its deadline, not failed at once: ms=" + tookMs);
    }

    @Test
    void anUntimedOperationOnALostEndWhoseChannelIsGoneFailsAsConnectDoes() throws Exception {
        hosted(homeChannels, Channel.create("H"));
        ChannelInput<String> in = remoteReader("H", ValueCodec.utf8());
        ChannelOutput<String> out = remoteWriter("H", ValueCodec.utf8());
        restartHomeNoticed(106, "other");
        IllegalStateException e = assertThrows(IllegalStateException.class, in::read);
        assertTrue(e.getMessage().contains("hosts no channel"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> out.write("nowhere"));
    }

    @Test
    void twoWritesRacingOnALostEndReOpenItOnceSoOneRetireRetiresTheChannel() throws Exception {
        Lost lost = writerLostToARestart("W", 108, "W");
        ChannelOutput<String> out = lost.out();
        ChannelInput<String> in = lost.reborn().get(0).reader();
        List<String> got = new ArrayList<>();
        Parallel.run(() -> out.write("one"), () -> out.write("two"), () -> {
            got.add(in.read());
            got.add(in.read());
        });
        assertEquals(java.util.Set.of("one", "two"), java.util.Set.copyOf(got));
        out.retire();
        // A second end opened by the race would still count at the home, and the read would wait.
        assertThrows(RetiredException.class, () -> in.read(Duration.ofMillis(200)));
    }

    @Test
    void aGuardOnALostEndReopensItWhileItsAlternationWaits() throws Exception {
        hosted(homeChannels, Channel.create("R"));
        ChannelInput<String> in = remoteReader("R", ValueCodec.utf8());
        ChannelOutput<String> out = restartHomeNoticed(109, "R").get(0).writer();
        Selected[] chosen = new Selected[1];
        Parallel.run(() -> chosen[0] = new Alternation(new InputGuard<>(in), new TimeoutGuard(TIMEOUT)).select(),
                () -> out.write("after the restart"));
        assertEquals(0, chosen[0].index(), "the guard re-opened its end and read");
        assertEquals("after the restart", chosen[0].value());
    }

    @Test
    void aGuardOnALostEndThatItsAlternationWithdrawsLeavesNoOfferBehind() throws Exception {
        hosted(homeChannels, Channel.create("S"));
        ChannelInput<String> in = remoteReader("S", ValueCodec.utf8());
        Channel<String> s = restartHomeNoticed(110, "S").get(0);
        Channel<String> local = Channel.create("local");
        ChannelOutput<String> ready = local.writer();
        Selected[] chosen = new Selected[1];
        Parallel.run(() -> chosen[0] = new Alternation(new InputGuard<>(in), new InputGuard<>(local.reader()))
                .select(), () -> {
                    Thread.sleep(20); // the remote guard is enrolled, its end perhaps still being re-opened
                    ready.write("local");
                });
        assertEquals(1, chosen[0].index(), "the local guard fired");
        Thread.sleep(200); // a re-open under way finishes, and must then offer nothing
        assertFalse(s.writer().write("unread", Duration.ofMillis(200)),
                "a remote read left behind by the withdrawn guard would have taken it");
    }

    @Test
    void anEndRetiredAfterItsHomeRestartedStaysRetired() throws Exception {
        ChannelOutput<String> out = writerLostToARestart("Z", 107, "Z").out();
        out.retire();
        assertThrows(RetiredException.class, () -> out.write("retired"));
        assertThrows(RetiredException.class, () -> out.write("retired", TIMEOUT));
    }

    @Test
    void aRestartedWriterNodesNewEndWritesToTheHomeReaderOfAChannelWhoseOnlyWriterWasOnIt() throws Exception {
        Channel<String> c = hosted(homeChannels, Channel.create("N"));
        ChannelInput<String> in = c.reader();
        ChannelOutput<String> out = remoteWriter("N", ValueCodec.utf8());
        Parallel.run(() -> out.write("before"), () -> assertEquals("before", in.read()));
        long restartsBefore = home.node().counters().get(Counters.Event.PEER_RESTARTS);
        RemoteEndpoints reborn = new RemoteEndpoints(REOPEN);
        String[] got = new String[1];
        boolean[] written = new boolean[1];
        // The home reader waits through the restart; the old incarnation's only writer end is
        // abandoned there, not retired, so the read goes on and the new end's write reaches it.
        // (Parallel.run ends a process quietly on RetiredException: the results are checked after.)
        Parallel.run(() -> got[0] = in.read(), () -> {
            Thread.sleep(50); // the read waits at the home
            loops.get(1).close(); // the writer's node dies with the channel's only writer end
            start("remote", 203, new HostedChannels(), reborn);
            ChannelOutput<String> again = reborn.writer("home", "N", reborn.connect("home", "N", TIMEOUT),
                    ValueCodec.utf8());
            again.write("after");
            written[0] = true;
            again.retire();
        });
        assertEquals("after", got[0], "the home reader read the new incarnation's write");
        assertTrue(written[0], "the new writer end's write returned");
        assertEquals(restartsBefore + 1, home.node().counters().get(Counters.Event.PEER_RESTARTS));
        assertThrows(RetiredException.class, () -> in.read(Duration.ofMillis(200)),
                "the new writer end's retire counts: the channel's only writer retired");
    }
}
