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
import dev.parley.protocol.Counters;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Nodes that die or are closed, over the loopback binding: a killed home fails a remote
 * read within the peer timeout, a home writer held by a reader that falls silent throws
 * {@link OutcomeUnknownException}, closing a node wakes its operations in flight, and a
 * closed home leaves no local party held for its foreign offers.
 */
class LoopbackPeerFailureTest extends LoopbackNodes {

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

    /** Waits until the home node holds a foreign offer: a remote operation is in flight. */
    private void awaitForeignOfferAtHome() throws Exception {
        awaitOnNode(home, node -> node.foreignOffers() > 0, "no foreign offer reached the home");
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
