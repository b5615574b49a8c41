package dev.parley.protocol;

import static dev.parley.protocol.SimNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Invariants hold-bounded (home) and bounded-life (remote) under loss: a commit whose frames
 * are lost for longer than a peer timeout, while the peer is heard (its heartbeats get
 * through), ends with the real answer, not OUTCOME_UNKNOWN; it ends UNKNOWN when the peer
 * falls silent, or when the deadline of the party that waits, plus one peer timeout, has come.
 */
class HoldUnderLossTest extends TwoNodes {

    private long counted(Counters.Event e) {
        return home.node.counters().get(e) + remote.node.counters().get(e);
    }

    private void assertNothingUnknownOrUnreachable() {
        assertEquals(0, counted(Counters.Event.OPERATIONS_OUTCOME_UNKNOWN), "no OUTCOME_UNKNOWN while heard");
        assertEquals(0, counted(Counters.Event.OPERATIONS_PEER_UNREACHABLE), "no PEER_UNREACHABLE while heard");
        assertTrue(home.answered.stream().noneMatch(a -> a.answer() == ProposalAnswer.UNKNOWN), "" + home.answered);
    }

    /** Asserts that {@code r} ended OUTCOME_UNKNOWN at its bound, {@code deadlineNs} plus one peer timeout. */
    private static void assertUnknownAtItsBound(SimNet.Result r, long deadlineNs) {
        assertEquals(Outcome.OUTCOME_UNKNOWN, r.outcome());
        assertTrue(r.atNs() >= deadlineNs + TIMEOUT && r.atNs() <= deadlineNs + TIMEOUT + MS,
                () -> "ended at " + r.atNs() + ", bound " + (deadlineNs + TIMEOUT));
    }

    @Test
    void aHoldWhoseDeliveryIsLostForTwoPeerTimeoutsWhileThePeerIsHeardEndsDone() {
        long r = end(Frame.Side.READ);
        home.localWrite(chan, bytes("slow"), homeResults::add);
        net.dropUntil("home", FrameType.DELIVER, net.nowNs + TIMEOUT * 5 / 2);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        net.runUntil(net.nowNs + 3 * TIMEOUT);

        assertEquals("slow", text(only(results).value()));
        assertEquals(Outcome.DONE, only(homeResults).outcome(), "the held writer learns the commit");
        SimNet.Answered a = home.answered.get(0);
        assertEquals(ProposalAnswer.ACCEPT, a.answer());
        assertTrue(a.heldNs() > 2 * TIMEOUT, "held for " + a.heldNs() + " ns, longer than the old bound");
        assertNothingUnknownOrUnreachable();
    }

    @Test
    void aHeldConditionalWriteWhoseTakenIsLostWhileTheHomeIsHeardEndsDone() {
        long w = end(Frame.Side.WRITE);
        home.localRead(chan, homeResults::add);
        net.dropUntil("home", FrameType.TAKEN, net.nowNs + TIMEOUT * 5 / 2);
        long start = net.nowNs;
        long op = remote.offer(w, bytes("c"), true, ProtocolNode.NO_DEADLINE, results::add);
        remote.alts.put(op, new SimNet.Alt());
        net.runUntil(net.nowNs + 3 * TIMEOUT);

        assertEquals(Outcome.DONE, only(results).outcome());
        assertTrue(only(results).atNs() - start > 2 * TIMEOUT, "it waited for TAKEN past the old bound");
        assertEquals("c", text(only(homeResults).value()));
        assertNothingUnknownOrUnreachable();
    }

    @Test
    void aWithdrawnUntimedWriteWaitsForTheHomesConfirmationWhileTheHomeIsHeard() {
        long w = end(Frame.Side.WRITE);
        long op = remote.offer(w, bytes("given up"), false, ProtocolNode.NO_DEADLINE, results::add);
        net.runUntil(net.nowNs + 5 * MS);
        net.dropUntil("home", FrameType.WITHDRAWN, net.nowNs + TIMEOUT * 5 / 2);
        long withdrawnAt = net.nowNs;
        remote.node.withdraw(op, net.nowNs); // its caller was interrupted
        net.runUntil(net.nowNs + 3 * TIMEOUT);

        assertEquals(Outcome.NOT_DONE, only(results).outcome(), "the home's answer, not a guess");
        assertTrue(only(results).atNs() - withdrawnAt > 2 * TIMEOUT);
        assertNothingUnknownOrUnreachable();
    }

    @Test
    void aHoldWhosePeerFallsSilentEndsUnknownOnePeerTimeoutAfterTheSilenceBegan() {
        long r = end(Frame.Side.READ);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        net.runUntil(net.nowNs + 5 * MS); // the offer waits at the home
        net.cutLink("home", "remote", true);
        long cutAt = net.nowNs;
        home.localWrite(chan, bytes("held"), homeResults::add); // held at once; its DELIVER is lost
        net.runUntil(cutAt + TIMEOUT + 10 * MS);

        assertUnknownAtItsBound(only(homeResults), cutAt);
        assertEquals(ProposalAnswer.UNKNOWN, home.answered.get(0).answer());
        assertEquals(Outcome.PEER_UNREACHABLE, only(results).outcome(), "nothing reached the remote reader");
    }

    @Test
    void aHeldTimedPartnerEndsUnknownByItsDeadlinePlusOnePeerTimeoutEvenWhileThePeerIsHeard() {
        long r = end(Frame.Side.READ);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        net.runUntil(net.nowNs + 5 * MS);
        net.dropUntil("home", FrameType.DELIVER, net.nowNs + 3 * TIMEOUT);
        long deadline = net.nowNs + 5 * MS;
        home.localWrite(chan, bytes("late"), deadline, homeResults::add); // held at once, past its deadline
        net.runUntil(deadline + TIMEOUT + 10 * MS);

        assertUnknownAtItsBound(only(homeResults), deadline);
        assertTrue(results.isEmpty(), "the remote reader is still waiting: it is heard, and the DELIVER comes");
        net.runUntil(net.nowNs + 4 * TIMEOUT);
        assertEquals("late", text(only(results).value()),
                "delivered once; the writer was told it may have been");
    }

    @Test
    void aHomeStoppedLongerThanThePeerTimeoutDoesNotTakeItsPeerForSilentWhenItResumes() {
        long r = end(Frame.Side.READ);
        long deadline = net.nowNs + 20 * MS;
        remote.offer(r, null, false, deadline, results::add); // a timed remote read
        net.runUntil(net.nowNs + 5 * MS); // its offer waits at the home
        net.dropUntil("home", FrameType.DELIVER, net.nowNs + 10 * TIMEOUT);
        home.localWrite(chan, bytes("kept"), homeResults::add); // held at once; the DELIVER is lost
        long resumeAt = net.nowNs + 3 * TIMEOUT;
        net.stop("home", resumeAt); // SIGSTOP: the remote read gives up (WITHDRAW) meanwhile
        net.runUntil(resumeAt + TIMEOUT / 2);

        assertEquals(Outcome.NOT_DONE, only(results).outcome(), "the read gave up at its deadline");
        assertEquals(ProposalAnswer.DECLINE, home.answered.get(0).answer(),
                "the WITHDRAW that waited for the home declines; its own stop is not the peer's silence");
        assertTrue(homeResults.isEmpty(), "the writer waits on: nothing was delivered");
        assertNothingUnknownOrUnreachable();
        assertEquals(1, home.node.counters().get(Counters.Event.STALLS_EXCUSED));
        assertEquals(0, remote.node.counters().get(Counters.Event.STALLS_EXCUSED), "the remote ran on time");
    }

    @Test
    void aTimedLocalPartnerThatIsNotHeldGivesUpAtItsDeadline() {
        long deadline = net.nowNs + 5 * MS;
        home.localWrite(chan, bytes("nobody"), deadline, homeResults::add);
        net.runUntil(deadline + MS);
        assertEquals(Outcome.NOT_DONE, only(homeResults).outcome());
        assertEquals(deadline, only(homeResults).atNs());
        assertTrue(chan.writers.isEmpty());
    }

    @Test
    void aHeldConditionalWriteEndsUnknownByItsOwnersDeadlinePlusOnePeerTimeout() {
        long w = end(Frame.Side.WRITE);
        home.localRead(chan, homeResults::add);
        net.dropUntil("home", FrameType.TAKEN, net.nowNs + 3 * TIMEOUT);
        long deadline = net.nowNs + 20 * MS;
        long op = remote.offer(w, bytes("c"), true, deadline, results::add);
        remote.alts.put(op, new SimNet.Alt());
        net.runUntil(deadline + TIMEOUT + 10 * MS);

        assertUnknownAtItsBound(only(results), deadline);
        assertEquals("c", text(only(homeResults).value()), "the home took it");
    }

    @Test
    void theNodeDoesNotWithdrawAConditionalOfferAtItsOwnersDeadline() {
        long w = end(Frame.Side.WRITE);
        long deadline = net.nowNs + 5 * MS;
        long op = remote.offer(w, bytes("c"), true, deadline, results::add);
        remote.alts.put(op, new SimNet.Alt());
        net.runUntil(deadline + 10 * MS);
        assertTrue(results.isEmpty(), "its alternation withdraws it, not the node");
        assertEquals(1, home.node.inFlight()[1], "the offer still waits at the home");
        remote.node.withdraw(op, net.nowNs);
        net.runUntil(net.nowNs + 10 * MS);
        assertEquals(Outcome.NOT_DONE, only(results).outcome());
        assertEquals(0, home.node.inFlight()[1]);
    }

    @Test
    void aTimedWriteWhoseWithdrawalIsNotConfirmedEndsUnknownByItsDeadlinePlusOnePeerTimeout() {
        long w = end(Frame.Side.WRITE);
        net.dropUntil("home", FrameType.WITHDRAWN, net.nowNs + 3 * TIMEOUT);
        long deadline = net.nowNs + 5 * MS;
        remote.offer(w, bytes("t"), false, deadline, results::add);
        net.runUntil(deadline + TIMEOUT + 10 * MS);
        assertUnknownAtItsBound(only(results), deadline);
    }
}
