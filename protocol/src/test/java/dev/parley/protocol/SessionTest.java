package dev.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionTest {

    private static final long MS = 1_000_000L;
    private final ProtocolConfig config = ProtocolConfig.defaults();

    /** One side of a two-session test: what it emitted, what it delivered, which restarts it saw. */
    final class End implements Session.Output, Session.Listener {
        final List<Frame> wire = new ArrayList<>();
        final List<Long> deliveredOps = new ArrayList<>();
        final List<Long> restarts = new ArrayList<>();
        final Counters counters = new Counters();
        final Session session;

        End(String peer, long incarnation) {
            session = new Session(peer, incarnation, config, counters, this, this, java.util.Set.of(), 0);
        }

        @Override
        public void emit(String peer, Frame frame) {
            wire.add(frame);
        }

        @Override
        public void delivered(Session s, Frame.Body body, long nowNs) {
            deliveredOps.add(((Frame.Taken) body).opId());
        }

        @Override
        public void peerRestarted(Session s, long oldIncarnation, long nowNs) {
            restarts.add(oldIncarnation);
        }

        List<Frame> takeWire() {
            List<Frame> out = new ArrayList<>(wire);
            wire.clear();
            return out;
        }
    }

    /** Moves every frame both ways until nothing is in flight, dropping none. */
    private static void exchange(End a, End b, long nowNs) {
        for (int round = 0; round < 20 && (!a.wire.isEmpty() || !b.wire.isEmpty()); round++) {
            for (Frame f : a.takeWire()) {
                b.session.receive(f, nowNs);
                b.session.flushAck(nowNs);
            }
            for (Frame f : b.takeWire()) {
                a.session.receive(f, nowNs);
                a.session.flushAck(nowNs);
            }
        }
    }

    @Test
    void theHandshakeEstablishesBothSidesAndDataWaitsForIt() {
        End a = new End("b", 11);
        End b = new End("a", 22);
        a.session.send(new Frame.Taken(1), 0);
        assertEquals(1, a.wire.size(), "only a HELLO goes out before the handshake");
        assertTrue(a.wire.get(0).body() instanceof Frame.Hello);

        exchange(a, b, 0);

        assertEquals(Session.State.ESTABLISHED, a.session.state());
        assertEquals(Session.State.ESTABLISHED, b.session.state());
        assertEquals(List.of(1L), b.deliveredOps);
        assertEquals(0, a.session.unacked());
    }

    @Test
    void aLostFrameIsRetransmittedAfterTheTimeoutAndDeliveredOnce() {
        End a = new End("b", 11);
        End b = new End("a", 22);
        a.session.open(0);
        exchange(a, b, 0);
        a.session.send(new Frame.Taken(1), 0);
        a.takeWire(); // lost
        a.session.tick(config.initialRtoNs() - 1);
        assertTrue(a.wire.isEmpty(), "nothing is resent before the timeout");
        a.session.tick(config.initialRtoNs());
        assertEquals(1, a.counters.get(Counters.Event.FRAMES_RETRANSMITTED));
        exchange(a, b, config.initialRtoNs());
        assertEquals(List.of(1L), b.deliveredOps);
        assertEquals(0, a.session.unacked());
    }

    @Test
    void duplicatesAreDroppedAndCountedAndTheAckIsRepeated() {
        End a = new End("b", 11);
        End b = new End("a", 22);
        a.session.open(0);
        exchange(a, b, 0);
        a.session.send(new Frame.Taken(1), 0);
        Frame data = a.takeWire().get(0);
        assertNull(b.session.receive(data, 0));
        assertNull(b.session.receive(data, 0));
        b.session.flushAck(0);
        assertEquals(List.of(1L), b.deliveredOps);
        assertEquals(1, b.counters.get(Counters.Event.DUPLICATES_DROPPED));
        assertEquals(1, b.wire.size(), "one ack covers both");
        assertEquals(1, b.wire.get(0).ack());
    }

    @Test
    void framesThatArriveOutOfOrderAreDeliveredInSendOrder() {
        End a = new End("b", 11);
        End b = new End("a", 22);
        a.session.open(0);
        exchange(a, b, 0);
        for (long op = 1; op <= 5; op++) {
            a.session.send(new Frame.Taken(op), 0);
        }
        List<Frame> frames = a.takeWire();
        for (int i = frames.size() - 1; i >= 0; i--) {
            b.session.receive(frames.get(i), 0);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), b.deliveredOps);
    }

    @Test
    void aFrameFarBeyondTheReceiveWindowIsRejected() {
        End a = new End("b", 11);
        End b = new End("a", 22);
        a.session.open(0);
        exchange(a, b, 0);
        Frame far = new Frame(11, 22, config.receiveWindow() + 2L, 0, new Frame.Taken(9));
        assertEquals(Rejection.BEYOND_WINDOW, b.session.receive(far, 0));
    }

    @Test
    void aPeerWithANewIncarnationIsANewPeerAndTheOldOneIsQuarantined() {
        End a = new End("b", 11);
        End b = new End("a", 22);
        a.session.send(new Frame.Taken(1), 0);
        exchange(a, b, 0);
        a.session.send(new Frame.Taken(2), 0);
        Frame late = a.takeWire().get(0); // from incarnation 11, delivered after the restart

        End a2 = new End("b", 33);
        a2.session.send(new Frame.Taken(7), MS);
        exchange(a2, b, MS);

        assertEquals(List.of(11L), b.restarts);
        assertEquals(33, b.session.peerIncarnation());
        assertEquals(List.of(1L, 7L), b.deliveredOps, "sequence numbers start again at 1 for the new pair");
        assertEquals(Rejection.QUARANTINED, b.session.receive(late, MS));
        assertEquals(Rejection.QUARANTINED, b.session.receive(new Frame(11, 0, 0, 0, new Frame.Hello()), MS));
    }

    @Test
    void aLateHelloAckOfAnOlderIncarnationNeverHeardBeforeIsDroppedAndTheNewerOneKept() {
        lateHandshakeOfADeadIncarnation(false);
    }

    @Test
    void aLateHelloOfAnOlderIncarnationNeverHeardBeforeIsDroppedAndTheNewerOneKept() {
        lateHandshakeOfADeadIncarnation(true);
    }

    /**
     * The trail of SPIN model (e) with TWO_RESTARTS (docs/SPIN.md): B restarts, A's first life
     * (11) shakes hands with B's new one (22), A restarts (13); a HELLO_ACK of A's first life,
     * or a HELLO of it, arrives late, after B adopted 13. B never heard 11 and so never
     * replaced it, but 11 is older than 13: B must drop the frame and keep talking to 13.
     */
    private void lateHandshakeOfADeadIncarnation(boolean hello) {
        End a1 = new End("b", 11);
        End b1 = new End("a", 21);
        a1.session.open(0);
        exchange(a1, b1, 0);

        End b2 = new End("a", 22); // B restarts
        b2.session.open(MS);
        a1.session.receive(b2.takeWire().get(0), MS); // HELLO from 22: a1 adopts it
        assertEquals(List.of(21L), a1.restarts);
        Frame helloAck = a1.takeWire().get(0);
        assertTrue(helloAck.body() instanceof Frame.HelloAck && helloAck.to() == 22, helloAck.toString());
        Frame late = hello ? new Frame(11, 21, 0, 0, new Frame.Hello()) : helloAck; // HELLO: sent before 11 knew 22

        End a2 = new End("b", 13); // A restarts; its HELLO overtakes the late frame
        a2.session.send(new Frame.Taken(1), 2 * MS);
        exchange(a2, b2, 2 * MS);
        assertEquals(13, b2.session.peerIncarnation());

        assertEquals(Rejection.QUARANTINED, b2.session.receive(late, 3 * MS));
        assertEquals(Rejection.QUARANTINED, b2.session.receive(late, 3 * MS), "a duplicate of it too");
        assertEquals(13, b2.session.peerIncarnation(), "the older incarnation is not adopted");
        assertEquals(List.of(), b2.restarts, "no restart of the peer was seen");
        assertTrue(b2.wire.isEmpty(), "nothing is answered to the dead incarnation: " + b2.wire);

        b2.session.send(new Frame.Taken(2), 4 * MS);
        a2.session.send(new Frame.Taken(3), 4 * MS);
        exchange(a2, b2, 4 * MS);
        assertEquals(List.of(1L, 3L), b2.deliveredOps, "B still hears A's new incarnation");
        assertEquals(List.of(2L), a2.deliveredOps, "and A's new incarnation hears B");
        assertEquals(0, a2.session.unacked() + b2.session.unacked());
    }

    @Test
    void aFrameAddressedToAnEarlierLifeOfThisNodeIsStaleAndPromptsAHello() {
        End b = new End("a", 22);
        assertEquals(Rejection.STALE_INCARNATION, b.session.receive(new Frame(11, 21, 1, 0, new Frame.Taken(1)), 0));
        assertTrue(b.wire.stream().anyMatch(f -> f.body() instanceof Frame.Hello));
    }

    @Test
    void anIdleEstablishedSessionSendsHeartbeats() {
        End a = new End("b", 11);
        End b = new End("a", 22);
        a.session.open(0);
        exchange(a, b, 0);
        a.session.tick(config.heartbeatIntervalNs());
        assertEquals(1, a.counters.get(Counters.Event.HEARTBEATS_SENT));
        b.session.receive(a.takeWire().get(0), config.heartbeatIntervalNs());
        assertEquals(config.heartbeatIntervalNs(), b.session.lastHeardNs());
    }

    @Test
    void theRetransmissionTimeoutFollowsTheMeasuredRoundTripAndBacksOff() {
        RttEstimator rtt = new RttEstimator(50 * MS, MS, 1000 * MS);
        rtt.sample(4 * MS);
        assertEquals(4 * MS + 8 * MS, rtt.rtoNs(), "srtt + 4 * rttvar with rttvar = rtt / 2");
        rtt.backoff();
        assertEquals(24 * MS, rtt.rtoNs());
        for (int i = 0; i < 40; i++) {
            rtt.backoff();
        }
        assertEquals(1000 * MS, rtt.rtoNs(), "backoff stops at the maximum");
        rtt.sample(4 * MS);
        assertTrue(rtt.rtoNs() < 24 * MS, "a fresh sample ends the backoff");
    }

    @Test
    void underLossDuplicationAndReorderingEveryBodyIsDeliveredOnceInOrder() {
        for (long seed = 1; seed <= 100; seed++) {
            Random random = new Random(seed);
            End a = new End("b", 11);
            End b = new End("a", 22);
            List<Frame> inFlight = new ArrayList<>();
            int total = 200;
            int sent = 0;
            long now = 0;
            while (now < 60_000 * MS && (b.deliveredOps.size() < total || a.session.unacked() > 0)) {
                if (sent < total && random.nextInt(3) == 0) {
                    a.session.send(new Frame.Taken(++sent), now);
                }
                a.session.tick(now);
                b.session.tick(now);
                inFlight.addAll(a.takeWire());
                List<Frame> toA = b.takeWire();
                for (Frame f : toA) {
                    if (random.nextInt(10) >= 3) {
                        a.session.receive(f, now);
                    }
                }
                java.util.Collections.shuffle(inFlight, random);
                List<Frame> keep = new ArrayList<>();
                for (Frame f : inFlight) {
                    int roll = random.nextInt(10);
                    if (roll < 3) {
                        continue; // dropped
                    }
                    if (roll < 5) {
                        keep.add(f); // delayed
                        continue;
                    }
                    b.session.receive(f, now);
                    if (roll == 9) {
                        b.session.receive(f, now); // duplicated
                    }
                }
                b.session.flushAck(now);
                inFlight = keep;
                now += MS;
            }
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= total; i++) {
                expected.add(i);
            }
            assertEquals(expected, b.deliveredOps, "seed=" + seed);
            assertEquals(0, a.session.unacked(), "seed=" + seed);
        }
    }
}
