package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.Selected;
import dev.parley.SkipGuard;
import dev.parley.TimeoutGuard;
import dev.parley.protocol.Counters;
import dev.parley.protocol.ProtocolConfig;
import dev.parley.protocol.ProtocolNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binding to the core, in one JVM: two nodes over a loopback queue, real local channels. */
class LoopbackBindingTest {

    private static final ProtocolConfig CONFIG = ProtocolConfig.defaults().withPeerTimeout(Duration.ofMillis(500));
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final LoopbackNetwork net = new LoopbackNetwork();
    private final List<NodeLoop> loops = new ArrayList<>();
    private final HostedChannels homeChannels = new HostedChannels();
    /** How long an untimed operation on an end lost to a restart looks for its channel again. */
    private static final Duration REOPEN = Duration.ofMillis(400);

    private final RemoteEndpoints remoteEnds = new RemoteEndpoints(REOPEN);

    private final NodeLoop home;

    LoopbackBindingTest() {
        home = start("home", 101, homeChannels, new RemoteEndpoints());
        start("remote", 202, new HostedChannels(), remoteEnds);
    }

    private NodeLoop start(String address, long incarnation, HostedChannels hosted, RemoteEndpoints ends) {
        NodeLoop loop = new NodeLoop(incarnation, CONFIG, null, net.endpoint(address), hosted, ends);
        hosted.attach(loop);
        ends.attach(loop);
        net.register(address, loop);
        loops.add(loop);
        return loop;
    }

    @AfterEach
    void stopLoops() throws InterruptedException {
        for (NodeLoop loop : loops) {
            loop.close();
        }
    }

    private <T> ChannelOutput<T> remoteWriter(String name, ValueCodec<T> codec) {
        return remoteEnds.writer("home", name, remoteEnds.connect("home", name, TIMEOUT), codec);
    }

    private static Channel<String> hosted(HostedChannels where, Channel<String> channel) {
        where.host(channel, ValueCodec.utf8());
        return channel;
    }

    private <T> ChannelInput<T> remoteReader(String name, ValueCodec<T> codec) {
        return remoteEnds.reader("home", name, remoteEnds.connect("home", name, TIMEOUT), codec);
    }

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
    void poisonFromARemoteEndReachesABlockedReaderAtTheHomeAndLaterRemoteWrites() throws Exception {
        Channel<String> p = Channel.create("P");
        homeChannels.host(p, ValueCodec.utf8());
        ChannelInput<String> in = p.reader();
        ChannelOutput<String> out = remoteWriter("P", ValueCodec.utf8());
        Parallel.run(() -> assertThrows(PoisonException.class, in::read), () -> {
            Thread.sleep(50);
            out.poison();
        });
        assertThrows(PoisonException.class, () -> out.write("too late"));
    }

    @Test
    void aRemotePoisonReturnsOnlyOnceTheHomeChannelIsPoisoned() {
        Channel<String> p = hosted(homeChannels, Channel.buffered("P2", 3));
        ChannelOutput<String> homeOut = p.writer();
        homeOut.write("discarded by the reader's poison");
        ChannelInput<String> homeIn = p.reader();
        ChannelInput<String> remote = remoteReader("P2", ValueCodec.utf8());
        remote.poison();
        assertThrows(PoisonException.class, () -> homeIn.read(Duration.ZERO), "applied before poison() returned");
        assertThrows(PoisonException.class, () -> homeOut.write("x", Duration.ZERO));
        assertThrows(PoisonException.class, () -> remote.read(Duration.ZERO), "and this node knows it at once");
        remote.poison(); // poisoning twice is a no-op
    }

    @Test
    void aRemoteRetireReturnsOnlyOnceTheHomeRetiredThatEndAndRetireCountsPerEnd() {
        Channel<String> r = hosted(homeChannels, Channel.create("R2"));
        ChannelInput<String> homeIn = r.reader();
        ChannelOutput<String> first = remoteWriter("R2", ValueCodec.utf8());
        ChannelOutput<String> second = remoteWriter("R2", ValueCodec.utf8());
        first.retire();
        first.retire(); // a second retire of one end does not count again
        assertEquals(Optional.empty(), homeIn.read(Duration.ofMillis(20)), "one writer left: still open");
        second.retire();
        assertThrows(RetiredException.class, () -> homeIn.read(Duration.ZERO), "applied before retire() returned");
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aPoisonToASilentHomeThrowsOutcomeUnknownAfterThePeerTimeoutAndARetireToo() throws Exception {
        Channel<String> s = hosted(homeChannels, Channel.create("S2"));
        ChannelInput<String> poisoner = remoteReader("S2", ValueCodec.utf8());
        ChannelOutput<String> retirer = remoteWriter("S2", ValueCodec.utf8());
        net.unregister("home"); // the home dies: it hears nothing and says nothing
        home.close();
        long start = System.nanoTime();
        assertThrows(OutcomeUnknownException.class, poisoner::poison);
        long poisonNs = System.nanoTime() - start;
        assertTrue(poisonNs >= CONFIG.peerTimeoutNs() - Duration.ofMillis(60).toNanos(),
                "not before the peer timeout: " + poisonNs);
        assertThrows(OutcomeUnknownException.class, retirer::retire);
        assertThrows(RetiredException.class, () -> retirer.write("x"), "retired here all the same");
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void afterTheHomeRestartedARetireOfAnOldEndReturnsAndAPoisonThrowsOutcomeUnknown() throws Exception {
        Channel<String> old = hosted(homeChannels, Channel.create("L2"));
        ChannelInput<String> oldIn = remoteReader("L2", ValueCodec.utf8());
        ChannelOutput<String> oldOut = remoteWriter("L2", ValueCodec.utf8());
        home.close();
        HostedChannels reborn = new HostedChannels();
        start("home", 102, reborn, new RemoteEndpoints());
        Channel<String> fresh = hosted(reborn, Channel.create("L2"));
        remoteReader("L2", ValueCodec.utf8()); // meets the new incarnation: the old ends are lost
        oldOut.retire();
        assertThrows(OutcomeUnknownException.class, oldIn::poison);
        ChannelInput<String> freshIn = fresh.reader();
        ChannelOutput<String> freshOut = remoteWriter("L2", ValueCodec.utf8());
        String[] got = new String[1];
        Parallel.run(() -> freshOut.write("not poisoned"), () -> got[0] = freshIn.read());
        assertEquals("not poisoned", got[0]);
    }

    @Test
    void aRemoteInputGuardFiresWithTheHomeWritersValueBesideALocalGuard() throws Exception {
        Channel<String> g = Channel.create("G");
        homeChannels.host(g, ValueCodec.utf8());
        ChannelOutput<String> homeOut = g.writer();
        ChannelInput<String> remoteIn = remoteReader("G", ValueCodec.utf8());
        Channel<String> idle = Channel.create("idle"); // a local guard that never fires
        Selected[] chosen = new Selected[1];
        Parallel.run(() -> homeOut.write("chosen"), () -> chosen[0] =
                new Alternation(new InputGuard<>(idle.reader()), new InputGuard<>(remoteIn)).select());
        assertEquals(1, chosen[0].index());
        assertEquals("chosen", chosen[0].value());
    }

    @Test
    void aRemoteGuardThatTimesOutTakesNothingAndTheValueGoesToALaterReader() throws Exception {
        Channel<String> t = Channel.create("T");
        homeChannels.host(t, ValueCodec.utf8());
        ChannelInput<String> remoteIn = remoteReader("T", ValueCodec.utf8());
        Selected timedOut = new Alternation(new InputGuard<>(remoteIn), new TimeoutGuard(Duration.ofMillis(50)))
                .priSelect();
        assertEquals(1, timedOut.index());
        ChannelOutput<String> out = t.writer();
        String[] got = new String[1];
        Parallel.run(() -> out.write("not lost"), () -> got[0] = remoteIn.read());
        assertEquals("not lost", got[0]);
    }

    @Test
    void aRemoteOutputGuardIsDoneOnlyWhenTheHomeReaderHasTheValue() throws Exception {
        Channel<String> o = Channel.create("O");
        homeChannels.host(o, ValueCodec.utf8());
        ChannelInput<String> homeIn = o.reader();
        ChannelOutput<String> remoteOut = remoteWriter("O", ValueCodec.utf8());
        String[] got = new String[1];
        Selected[] chosen = new Selected[1];
        Parallel.run(() -> chosen[0] = new Alternation(new OutputGuard<>(remoteOut, "guarded"),
                new TimeoutGuard(Duration.ofSeconds(5))).select(), () -> got[0] = homeIn.read());
        assertEquals(0, chosen[0].index());
        assertEquals("guarded", got[0]);
    }

    @Test
    void aKilledHomeFailsABlockedRemoteReadWithTheDistinctExceptionWithinThePeerTimeout() throws Exception {
        Channel<String> k = Channel.create("K");
        homeChannels.host(k, ValueCodec.utf8());
        ChannelInput<String> in = remoteReader("K", ValueCodec.utf8());
        long[] failedAfterNs = {0};
        Parallel.run(() -> {
            long start = System.nanoTime();
            assertThrows(PeerUnreachableException.class, in::read);
            failedAfterNs[0] = System.nanoTime() - start;
        }, () -> {
            Thread.sleep(50);
            net.unregister("home");
            home.close();
        });
        assertTrue(failedAfterNs[0] >= CONFIG.peerTimeoutNs() - Duration.ofMillis(60).toNanos(),
                "not before the peer timeout: " + failedAfterNs[0]);
    }

    @Test
    void aHomeWriterWhoseRemoteReaderFallsSilentWhileTakingTheValueThrowsOutcomeUnknown() throws Exception {
        Channel<String> u = Channel.create("U");
        homeChannels.host(u, ValueCodec.utf8());
        ChannelInput<String> in = remoteReader("U", ValueCodec.utf8());
        ChannelOutput<String> homeOut = u.writer();
        long receivedBefore = home.node().counters().get(Counters.Event.FRAMES_RECEIVED);
        Thread remoteRead = Thread.ofVirtual().start(() -> {
            try {
                in.read();
            } catch (RuntimeException endedWithItsNode) {
                // the remote node is closed under it; what it throws is not this test's subject
            }
        });
        try {
            long until = System.nanoTime() + TIMEOUT.toNanos();
            while (home.node().counters().get(Counters.Event.FRAMES_RECEIVED) == receivedBefore) {
                assertTrue(System.nanoTime() < until, "the remote read's offer never reached the home");
                Thread.sleep(5);
            }
            Thread.sleep(50);
            // The remote node dies: it sends nothing more, and the delivery to it is lost.
            net.unregister("remote");
            loops.get(1).close();
            assertThrows(OutcomeUnknownException.class, () -> homeOut.write("maybe taken"));
        } finally {
            remoteRead.interrupt();
            remoteRead.join(TIMEOUT.toMillis());
        }
    }

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

    @Test
    void aPriSelectProbesARemoteOutputGuardSoAWaitingHomeReaderTakesItsValueBeforeASkipGuard() throws Exception {
        Channel<String> p = hosted(homeChannels, Channel.create("P"));
        ChannelOutput<String> remoteOut = remoteWriter("P", ValueCodec.utf8());
        ChannelInput<String> homeIn = p.reader();
        Alternation alt = new Alternation(new OutputGuard<>(remoteOut, "probed"), new SkipGuard());
        assertEquals(1, alt.priSelect().index(), "no reader at the home: the probe finds none, the skip fires");
        assertEquals(0, homeForeignOffers(), "the probe left nothing at the home");
        String[] got = new String[1];
        Thread reader = Thread.ofVirtual().start(() -> got[0] = homeIn.read());
        try {
            while (reader.getState() == Thread.State.RUNNABLE || reader.getState() == Thread.State.NEW) {
                Thread.sleep(1);
            }
            assertEquals(0, alt.priSelect().index(), "a reader waits at the home: the probe meets it");
        } finally {
            reader.join(TIMEOUT.toMillis());
        }
        assertEquals("probed", got[0]);
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aProbeToASilentHomeEndsAtTheAlternationsDeadlineAndOnAnInterruptNotAtThePeerTimeout() throws Exception {
        hosted(homeChannels, Channel.create("Q"));
        ChannelInput<String> remoteIn = remoteReader("Q", ValueCodec.utf8());
        net.unregister("home"); // the home dies: it hears nothing and says nothing
        home.close();
        Selected timedOut = new Alternation(new InputGuard<>(remoteIn), new TimeoutGuard(Duration.ofMillis(30)))
                .priSelect();
        assertEquals(1, timedOut.index(),
                "the timeout guard fired; the guard did not wait to fail at the peer timeout");
        RuntimeException[] thrown = new RuntimeException[1];
        boolean[] statusKept = new boolean[1];
        Thread selecting = Thread.ofVirtual().start(() -> {
            try {
                new Alternation(new InputGuard<>(remoteIn), new SkipGuard()).priSelect();
            } catch (RuntimeException e) {
                thrown[0] = e;
                statusKept[0] = Thread.currentThread().isInterrupted();
            }
        });
        try {
            Thread.sleep(50); // the probe is out, and no answer comes
            selecting.interrupt();
        } finally {
            selecting.join(TIMEOUT.toMillis());
        }
        assertTrue(thrown[0] instanceof ChannelInterruptedException, "interrupted: " + thrown[0]);
        assertTrue(statusKept[0], "interrupt status kept");
    }

    /** @return the foreign offers the home node holds now, asked on its thread */
    private int homeForeignOffers() throws Exception {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        home.submit(() -> count.complete(home.node().foreignOffers()));
        return count.get();
    }

    /** Waits until the home node holds a foreign offer: a remote operation is in flight. */
    private void awaitForeignOfferAtHome() throws Exception {
        awaitOnNode(home, node -> node.foreignOffers() > 0, "no foreign offer reached the home");
    }

    /** Waits until {@code condition}, asked on the node's thread, holds. */
    private static void awaitOnNode(NodeLoop loop, Predicate<ProtocolNode> condition, String failure)
            throws Exception {
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            CompletableFuture<Boolean> holds = new CompletableFuture<>();
            loop.submit(() -> holds.complete(condition.test(loop.node())));
            if (holds.get()) {
                return;
            }
            assertTrue(System.nanoTime() < until, failure);
            Thread.sleep(5);
        }
    }

    /**
     * Runs {@code blocking} on a virtual thread until it throws, closes the remote node once
     * the home has received its offer, and returns what it threw.
     */
    private RuntimeException thrownWhenTheRemoteNodeCloses(Runnable blocking) throws Exception {
        RuntimeException[] thrown = new RuntimeException[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                blocking.run();
            } catch (RuntimeException e) {
                thrown[0] = e;
            }
        });
        try {
            awaitForeignOfferAtHome();
            loops.get(1).close(); // the remote end's own node; the home stays up and silent
            t.join(TIMEOUT.toMillis());
            assertFalse(t.isAlive(), "not woken by its node's close");
        } finally {
            t.interrupt();
            t.join(TIMEOUT.toMillis());
        }
        return thrown[0];
    }

    @Test
    void closingANodeWakesARemoteReadInFlightAndLaterUseOfItsEndsFailsClearly() throws Exception {
        Channel<String> c = Channel.create("C");
        homeChannels.host(c, ValueCodec.utf8());
        ChannelInput<String> in = remoteReader("C", ValueCodec.utf8());
        RuntimeException thrown = thrownWhenTheRemoteNodeCloses(in::read);
        assertTrue(thrown instanceof OutcomeUnknownException, "in flight: " + thrown);
        assertThrows(IllegalStateException.class, in::read);
        assertThrows(IllegalStateException.class, () -> in.read(Duration.ofMillis(10)));
        assertThrows(IllegalStateException.class, in::poison);
        assertThrows(IllegalStateException.class, () -> remoteEnds.connect("home", "C", TIMEOUT));
        in.retire(); // nothing left to tell anyone
    }

    @Test
    void closingANodeFailsAnAlternationWaitingOnlyOnARemoteGuard() throws Exception {
        Channel<String> g = Channel.create("G");
        homeChannels.host(g, ValueCodec.utf8());
        ChannelInput<String> in = remoteReader("G", ValueCodec.utf8());
        RuntimeException thrown = thrownWhenTheRemoteNodeCloses(() -> new Alternation(new InputGuard<>(in)).select());
        assertTrue(thrown instanceof IllegalStateException, "not held when the node closed: " + thrown);
        assertThrows(IllegalStateException.class, () -> new Alternation(new InputGuard<>(in)).select());
    }

    @Test
    void aClosedHomeWithdrawsItsQueuedForeignOffersSoThatNoLocalPartyIsHeldForThem() throws Exception {
        Channel<String> q = Channel.create("Q");
        homeChannels.host(q, ValueCodec.utf8());
        ChannelInput<String> in = remoteReader("Q", ValueCodec.utf8());
        Thread remoteRead = Thread.ofVirtual().start(() -> {
            try {
                in.read();
            } catch (RuntimeException endedWithItsHome) {
                // PeerUnreachableException after the peer timeout, or the interrupt below
            }
        });
        try {
            awaitForeignOfferAtHome(); // the foreign read is queued at the home channel
            net.unregister("home");
            home.close();
            ChannelOutput<String> out = q.writer();
            Boolean[] written = new Boolean[1];
            Thread writer = Thread.ofVirtual().start(() -> written[0] = out.write("nobody takes this",
                    Duration.ofMillis(100)));
            writer.join(TIMEOUT.toMillis()); // a writer held for a dead foreign reader would never return
            assertFalse(writer.isAlive(), "the timed write is held for a foreign reader of a closed node");
            assertEquals(Boolean.FALSE, written[0]);
        } finally {
            remoteRead.interrupt();
            remoteRead.join(TIMEOUT.toMillis());
        }
    }
}
