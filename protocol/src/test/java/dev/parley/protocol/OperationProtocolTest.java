package dev.parley.protocol;

import static dev.parley.protocol.SimNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operation layer, scenario by scenario, over a network that loses nothing unless
 * told to: plain, timed, immediate and conditional offers and probes, both withdraw
 * races, lookups, and what a node refuses (an unknown channel, forged frames, garbage,
 * re-entrant calls, bad arguments). Poison and retire are in
 * {@link PoisonRetireProtocolTest}, silent and restarted peers in
 * {@link PeerFailureProtocolTest}.
 */
class OperationProtocolTest extends TwoNodes {

    @Test
    void aRemoteWriteIsDoneOnlyWhenAHomeReaderTookTheValue() {
        long w = end(Frame.Side.WRITE);
        remote.offer(w, bytes("hello over a network"), false, ProtocolNode.NO_DEADLINE, results::add);
        settle();
        assertTrue(results.isEmpty(), "no reader yet: the write waits");
        home.localRead(chan, homeResults::add);
        settle();
        assertEquals("hello over a network", text(only(homeResults).value()));
        assertEquals(Outcome.DONE, only(results).outcome());
    }

    @Test
    void aTimedRemoteWriteWithNoReaderIsNotDoneAndLeavesNothingAtTheHome() {
        long w = end(Frame.Side.WRITE);
        long deadline = net.nowNs + 5 * MS;
        remote.offer(w, bytes("late"), false, deadline, results::add);
        net.runUntil(deadline + 2 * MS);
        assertEquals(Outcome.NOT_DONE, only(results).outcome());
        assertEquals(0, home.node.inFlight()[1]);
        home.localRead(chan, homeResults::add);
        settle();
        assertTrue(homeResults.isEmpty(), "the withdrawn value was not delivered");
    }

    @Test
    void aWithdrawThatLosesTheRaceToAHomeCommitReportsDone() {
        long w = end(Frame.Side.WRITE);
        fixedDelay(2 * MS);
        long deadline = net.nowNs + 3 * MS;
        remote.offer(w, bytes("v"), false, deadline, results::add);
        // The offer arrives at +2 ms; the reader comes at +2.5 ms; the WITHDRAW leaves at +3 ms.
        net.at(net.nowNs + 2500 * SimNet.US, () -> home.localRead(chan, homeResults::add));
        net.runUntil(net.nowNs + 20 * MS);
        assertEquals("v", text(only(homeResults).value()));
        assertEquals(Outcome.DONE, only(results).outcome(), "the home decided first: the write happened");
    }

    @Test
    void aRemoteReadReceivesAHomeWritersValueAndTheWriterIsDoneAfterTheAccept() {
        long r = end(Frame.Side.READ);
        home.localWrite(chan, bytes("x"), homeResults::add);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        settle();
        assertEquals("x", text(only(results).value()));
        assertEquals(Outcome.DONE, only(homeResults).outcome());
    }

    @Test
    void aTimedReadWhoseWithdrawCrossesADeliveryTakesNothingAndTheValueStaysAtTheHome() {
        long r = end(Frame.Side.READ);
        fixedDelay(2 * MS);
        long deadline = net.nowNs + 3 * MS;
        remote.offer(r, null, false, deadline, results::add);
        // The offer arrives at +2 ms; a writer at +2.5 ms makes a DELIVER that reaches the
        // reader at +4.5 ms, after its WITHDRAW left at +3 ms.
        net.at(net.nowNs + 2500 * SimNet.US, () -> home.localWrite(chan, bytes("kept"), homeResults::add));
        net.runUntil(net.nowNs + 20 * MS);
        assertEquals(Outcome.NOT_DONE, only(results).outcome());
        assertNull(only(results).value());
        assertTrue(homeResults.isEmpty(), "the home writer was declined and still waits");
        assertEquals(1, chan.writers.size());
        fixedDelay(100 * SimNet.US);
        List<SimNet.Result> second = new ArrayList<>();
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, second::add);
        settle();
        assertEquals("kept", text(only(second).value()), "nothing was lost");
    }

    @Test
    void anImmediateReadTakesWhatTheHomeHasOnArrivalAndOtherwiseEndsNotDoneWithoutAWithdraw() {
        long r = end(Frame.Side.READ);
        fixedDelay(2 * MS);
        remote.offer(r, null, false, net.nowNs, results::add); // no time left: an immediate offer
        net.runUntil(net.nowNs + 20 * MS);
        assertEquals(Outcome.NOT_DONE, only(results).outcome(), "nothing was there on arrival");
        assertEquals(0, home.node.inFlight()[1], "the home keeps nothing of it");
        home.localWrite(chan, bytes("waiting"), homeResults::add);
        List<SimNet.Result> second = new ArrayList<>();
        remote.offer(r, null, false, net.nowNs, second::add);
        net.runUntil(net.nowNs + 20 * MS);
        assertEquals("waiting", text(only(second).value()),
                "a writer waiting at the home is taken, a round trip later");
        assertEquals(Outcome.DONE, only(homeResults).outcome());
    }

    @Test
    void aProbedReadGuardTakesWhatTheHomeHasOnArrivalAndOtherwiseEndsNotDoneWithoutAWithdraw() {
        long r = end(Frame.Side.READ);
        fixedDelay(2 * MS);
        SimNet.Alt alt = new SimNet.Alt();
        remote.alts.put(remote.probe(r, null, results::add), alt);
        net.runUntil(net.nowNs + 20 * MS);
        assertEquals(Outcome.NOT_DONE, only(results).outcome(), "nothing was there on arrival");
        assertEquals(SimNet.Alt.State.OPEN, alt.state, "the decision was never asked");
        assertEquals(0, home.node.inFlight()[1], "the home keeps nothing of it");
        assertEquals(0, chan.foreignReaders.size());
        home.localWrite(chan, bytes("waiting"), homeResults::add);
        List<SimNet.Result> second = new ArrayList<>();
        SimNet.Alt secondAlt = new SimNet.Alt();
        remote.alts.put(remote.probe(r, null, second::add), secondAlt);
        net.runUntil(net.nowNs + 20 * MS);
        assertEquals(SimNet.Alt.State.HELD, secondAlt.state, "held, as any guard, before it took the value");
        assertEquals("waiting", text(only(second).value()));
        assertEquals(Outcome.DONE, only(homeResults).outcome());
    }

    @Test
    void aProbedWriteGuardMeetsAWaitingHomeReaderOrIsWithdrawnAtOnce() {
        long w = end(Frame.Side.WRITE);
        SimNet.Alt alt = new SimNet.Alt();
        remote.alts.put(remote.probe(w, bytes("nobody"), results::add), alt);
        settle();
        assertEquals(Outcome.NOT_DONE, only(results).outcome());
        assertEquals(0, chan.foreignWriters.size(), "withdrawn at the home at once");
        home.localRead(chan, homeResults::add);
        settle();
        assertTrue(homeResults.isEmpty(), "the withdrawn value was never delivered");
        List<SimNet.Result> second = new ArrayList<>();
        SimNet.Alt secondAlt = new SimNet.Alt();
        remote.alts.put(remote.probe(w, bytes("taken"), second::add), secondAlt);
        settle();
        assertEquals(Outcome.DONE, only(second).outcome());
        assertEquals("taken", text(only(homeResults).value()));
    }

    @Test
    void aProbedGuardWhoseDecisionIsFinalIsDeclinedAndTheHomePartnerWaitsOn() {
        long w = end(Frame.Side.WRITE);
        home.localRead(chan, homeResults::add);
        SimNet.Alt alt = new SimNet.Alt();
        alt.state = SimNet.Alt.State.DONE; // the alternation is done by the time the home asks
        remote.alts.put(remote.probe(w, bytes("late"), results::add), alt);
        settle();
        assertNotDoneAndTheHomeReaderWaitsOn();
    }

    private void assertNotDoneAndTheHomeReaderWaitsOn() {
        assertEquals(Outcome.NOT_DONE, only(results).outcome());
        assertTrue(homeResults.isEmpty());
        assertEquals(1, chan.readers.size(), "the home reader was declined and waits on");
        assertEquals(0, home.node.inFlight()[1]);
    }

    @Test
    void aProbedValueOverTheMessageLimitIsRefusedAtOnce() {
        long w = end(Frame.Side.WRITE);
        assertThrows(IllegalArgumentException.class,
                () -> remote.node.probe(w, new byte[remote.node.maxValueBytes() + 1], 0, ProtocolNode.NO_DEADLINE,
                        net.nowNs));
    }

    @Test
    void aConditionalWriteAsksItsDecisionAndCommitsOnlyAfterTheHomeConfirms() {
        long w = end(Frame.Side.WRITE);
        SimNet.Alt alt = new SimNet.Alt();
        long op = remote.offer(w, bytes("c"), true, ProtocolNode.NO_DEADLINE, results::add);
        remote.alts.put(op, alt);
        home.localRead(chan, homeResults::add);
        settle();
        assertEquals(SimNet.Alt.State.HELD, alt.state, "the decision was held for the commit");
        assertEquals(Outcome.DONE, only(results).outcome());
        assertEquals("c", text(only(homeResults).value()));
    }

    @Test
    void aBusyDecisionLeavesTheOfferStandingAndAFinalOneEndsItNotDone() {
        long w = end(Frame.Side.WRITE);
        remote.busyRate = 1.0;
        SimNet.Alt alt = new SimNet.Alt();
        long op = remote.offer(w, bytes("b"), true, ProtocolNode.NO_DEADLINE, results::add);
        remote.alts.put(op, alt);
        home.localRead(chan, homeResults::add);
        net.runUntil(net.nowNs + 3 * MS);
        assertTrue(results.isEmpty() && homeResults.isEmpty(), "busy: asked again and again, nothing committed");
        alt.state = SimNet.Alt.State.DONE; // the alternation chose another guard
        settle();
        assertNotDoneAndTheHomeReaderWaitsOn();
    }

    @Test
    void anEndOnAChannelIdTheHomeDoesNotHostIsRefusedAndItsOffersDoNotHang() {
        end(Frame.Side.WRITE); // a working session first
        long bogus = remote.node.openEnd("home", 999, Frame.Side.WRITE, net.nowNs);
        remote.offer(bogus, bytes("nowhere"), false, ProtocolNode.NO_DEADLINE, results::add);
        settle();
        assertEquals(Outcome.PEER_UNREACHABLE, only(results).outcome(), "ABORTED: the home gave it up, nothing done");
        assertTrue(home.node.counters().rejected(Rejection.UNKNOWN_REFERENCE) >= 2, "the end and its offer");
    }

    @Test
    void aLookupBeforeTheChannelExistsWaitsAndThenFindsIt() {
        long[] found = {0};
        remote.lookup("home", "late", net.nowNs + 100 * MS, id -> found[0] = id);
        net.runUntil(net.nowNs + 30 * MS);
        assertEquals(0, found[0]);
        home.host("late");
        net.runUntil(net.nowNs + 30 * MS);
        assertTrue(found[0] > 0, "found once hosted");
    }

    @Test
    void aLookupEndsAtItsDeadlineNotFoundOrUnreachable() {
        long[] notHosted = {0};
        long[] nobody = {0};
        remote.lookup("home", "never", net.nowNs + 50 * MS, id -> notHosted[0] = id);
        remote.lookup("nobody", "A", net.nowNs + 50 * MS, id -> nobody[0] = id);
        net.runUntil(net.nowNs + 49 * MS);
        assertEquals(0, notHosted[0]);
        net.runUntil(net.nowNs + 2 * MS);
        assertEquals(-1, notHosted[0]);
        assertEquals(-1, nobody[0]);
    }

    @Test
    void framesWithABadMacAreCountedAndReachNoChannel() {
        byte[] secret = "the right secret, long enough".getBytes(StandardCharsets.UTF_8);
        SimNetNode signedHome = net.add("signed", 33, CONFIG, secret);
        signedHome.host("S");
        SimNetNode intruder = net.add("intruder", 44, CONFIG,
                "a wrong secret, also long enough".getBytes(StandardCharsets.UTF_8));
        long[] found = {0};
        intruder.lookup("signed", "S", net.nowNs + 20 * MS, id -> found[0] = id);
        net.runUntil(net.nowNs + 30 * MS);
        assertEquals(-1, found[0], "no answer to a forged lookup");
        assertTrue(signedHome.node.counters().rejected(Rejection.BAD_MAC) > 0);
        assertNull(signedHome.node.sessionState("intruder"), "a forged frame opens no session");
    }

    @Test
    void garbageFromTheNetworkIsCountedAndNeverThrows() {
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[random.nextInt(120)];
            random.nextBytes(junk);
            home.node.receive("junk", junk, 0, junk.length, net.nowNs);
        }
        assertEquals(10_000, home.node.counters().rejectedTotal());
        assertTrue(home.ends.isEmpty() && chan.foreignWriters.isEmpty());
    }

    @Test
    void startingAnOperationFromInsideACallbackIsRefusedClearly() {
        List<IllegalStateException> refused = new ArrayList<>();
        ProtocolNode[] self = new ProtocolNode[1];
        RemoteEnds reentrant = new RemoteEnds() {
            @Override
            public void askHold(long opId, byte[] value) {
            }

            @Override
            public void completed(long opId, Outcome outcome, byte[] value) {
            }

            @Override
            public void lookedUp(long lookupId, Outcome outcome, long channelId) {
                try {
                    self[0].lookup("nowhere", "B", 100, 10);
                } catch (IllegalStateException e) {
                    refused.add(e);
                }
            }
        };
        self[0] = new ProtocolNode(5, CONFIG, null, (p, f) -> { }, home, reentrant);
        self[0].lookup("nowhere", "A", 10, 0);
        self[0].tick(10);
        assertEquals(1, refused.size());
        assertTrue(refused.get(0).getMessage().contains("callback"), refused.get(0).getMessage());
    }

    @Test
    void badArgumentsAreRefusedWithTheirValues() {
        long w = end(Frame.Side.WRITE);
        long r = end(Frame.Side.READ);
        assertThrows(IllegalArgumentException.class, () -> remote.node.offer(w, null, false, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> remote.node.offer(r, bytes("v"), false, 0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> remote.node.offer(999, null, false, 0, 0));
        assertTrue(e.getMessage().contains("endId=999"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> remote.node.offer(w, new byte[CONFIG.maxFrameBytes()], false, ProtocolNode.NO_DEADLINE, 0));
        assertThrows(IllegalArgumentException.class, () -> new ProtocolNode(0, CONFIG, null, remote, home, remote));
        assertThrows(IllegalArgumentException.class, () -> new ProtocolNode(-5, CONFIG, null, remote, home, remote));
    }
}
