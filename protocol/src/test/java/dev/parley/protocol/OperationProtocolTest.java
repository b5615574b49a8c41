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

/** The operation layer, scenario by scenario, over a network that loses nothing unless told to. */
class OperationProtocolTest extends TwoNodes {

    private void fixedDelay(long delayNs) {
        net.minDelayNs = delayNs;
        net.maxDelayNs = delayNs;
    }

    private void settle() {
        net.runUntil(net.nowNs + 10 * MS);
    }

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
    void poisonFromARemoteEndPoisonsTheHomeAndEndsOffersWaitingThere() {
        long w = end(Frame.Side.WRITE);
        long r = end(Frame.Side.READ);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        home.localWrite(home.host("other"), bytes("unrelated"), homeResults::add);
        settle();
        remote.node.poison(w, net.nowNs);
        settle();
        assertTrue(chan.poisoned);
        assertEquals(Outcome.POISONED, only(results).outcome());
        List<SimNet.Result> later = new ArrayList<>();
        remote.offer(w, bytes("after"), false, ProtocolNode.NO_DEADLINE, later::add);
        settle();
        assertEquals(Outcome.POISONED, only(later).outcome(), "a later operation sees the poison too");
    }

    @Test
    void aHomeChannelRetiredOrPoisonedLocallyEndsTheRemoteOperationsWaitingOnIt() {
        long w = end(Frame.Side.WRITE);
        long r = end(Frame.Side.READ);
        remote.offer(w, bytes("w"), false, ProtocolNode.NO_DEADLINE, results::add);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        settle();
        home.terminateHome(chan, false);
        settle();
        assertEquals(2, results.size());
        assertTrue(results.stream().allMatch(x -> x.outcome() == Outcome.RETIRED), () -> "" + results);

        SimNet.Chan other = home.host("P");
        long[] id = {0};
        remote.lookup("home", "P", net.nowNs + 50 * MS, found -> id[0] = found);
        settle();
        long pr = remote.node.openEnd("home", id[0], Frame.Side.READ, net.nowNs);
        List<SimNet.Result> poisoned = new ArrayList<>();
        remote.offer(pr, null, false, ProtocolNode.NO_DEADLINE, poisoned::add);
        settle();
        home.poisonHome(other);
        settle();
        assertEquals(Outcome.POISONED, only(poisoned).outcome());
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
    void aRetiredRemoteEndIsRetiredAtTheHome() {
        long w = end(Frame.Side.WRITE);
        settle();
        assertEquals(1, home.ends.size());
        remote.node.retire(w, net.nowNs);
        settle();
        assertEquals(0, home.ends.size());
    }

    @Test
    void aRemotePoisonEndsDoneOnlyAfterTheHomePoisonedTheChannel() {
        long w = end(Frame.Side.WRITE);
        fixedDelay(2 * MS);
        long sentAt = net.nowNs;
        remote.poison(w, r -> {
            assertTrue(chan.poisoned, "DONE before the home applied the poison");
            results.add(r);
        });
        net.runUntil(sentAt + 3 * MS); // the POISON arrived at +2 ms; the APPLIED is on its way back
        assertTrue(chan.poisoned);
        assertTrue(results.isEmpty(), "not confirmed yet: " + results);
        settle();
        assertEquals(Outcome.DONE, only(results).outcome());
        assertTrue(only(results).atNs() - sentAt >= 4 * MS, "a full round trip");
        List<SimNet.Result> twice = new ArrayList<>();
        remote.poison(w, twice::add);
        settle();
        assertEquals(Outcome.DONE, only(twice).outcome(), "poisoning twice is applied (as a no-op) and confirmed");
    }

    @Test
    void aRemoteRetireEndsDoneOnlyAfterTheHomeRetiredThatEndAndCountsPerEnd() {
        long w1 = end(Frame.Side.WRITE);
        long w2 = end(Frame.Side.WRITE);
        settle();
        assertEquals(2, home.ends.size());
        fixedDelay(2 * MS);
        remote.retire(w1, r -> {
            assertEquals(1, home.ends.size(), "DONE before the home retired the end");
            results.add(r);
        });
        net.runUntil(net.nowNs + 3 * MS);
        assertEquals(1, home.ends.size());
        assertTrue(results.isEmpty(), "not confirmed yet: " + results);
        settle();
        assertEquals(Outcome.DONE, only(results).outcome());
        assertTrue(home.ends.containsValue(chan), "the other writer keeps the channel's writer side alive");

        List<SimNet.Result> again = new ArrayList<>();
        long calledAt = net.nowNs;
        remote.retire(w1, again::add);
        remote.poison(w1, again::add);
        net.runUntil(calledAt + 10 * SimNet.US);
        assertEquals(List.of(Outcome.DONE, Outcome.NOT_DONE), again.stream().map(SimNet.Result::outcome).toList(),
                "retiring twice is a no-op and a poison through a retired end does nothing");
        assertTrue(again.stream().allMatch(x -> x.atNs() == calledAt), "both at once: " + again);
        List<SimNet.Result> last = new ArrayList<>();
        remote.retire(w2, last::add);
        settle();
        assertEquals(Outcome.DONE, only(last).outcome());
        assertEquals(0, home.ends.size());
        assertEquals(0, remote.node.inFlight()[0]);
    }

    @Test
    void aPoisonToASilentHomeEndsUnknownAfterThePeerTimeoutAndIsAppliedOnceTheHomeIsHeardAgain() {
        long w = end(Frame.Side.WRITE);
        settle();
        net.cutLink("home", "remote", true);
        long cutAt = net.nowNs;
        remote.poison(w, results::add);
        net.runUntil(cutAt + TIMEOUT - 5 * MS);
        assertTrue(results.isEmpty(), "no deadline: it waits while the peer timeout has not passed");
        net.runUntil(cutAt + TIMEOUT + 5 * MS);
        assertEquals(Outcome.OUTCOME_UNKNOWN, only(results).outcome());
        assertTrue(only(results).atNs() - cutAt >= TIMEOUT - 20 * MS, "not before the home fell silent");
        assertTrue(!chan.poisoned);
        net.cutLink("home", "remote", false);
        net.runUntil(net.nowNs + 2 * CONFIG.maxRtoNs());
        assertTrue(chan.poisoned, "the session resent the POISON");
        assertEquals(1, remote.node.counters().rejected(Rejection.UNKNOWN_REFERENCE),
                "the late APPLIED finds the poison ended");
    }

    @Test
    void aRetireToASilentHomeEndsUnknownAfterThePeerTimeout() {
        long w = end(Frame.Side.WRITE);
        settle();
        net.cutLink("home", "remote", true);
        long cutAt = net.nowNs;
        remote.retire(w, results::add);
        net.runUntil(cutAt + TIMEOUT + 5 * MS);
        assertEquals(Outcome.OUTCOME_UNKNOWN, only(results).outcome());
        assertEquals(1, home.ends.size());
    }

    @Test
    void afterTheHomeRestartedARetireOfAnOldEndIsDoneAndAPoisonIsUnknown() {
        long w = end(Frame.Side.WRITE);
        long r = end(Frame.Side.READ);
        settle();
        home.alive = false;
        SimNode reborn = net.add("home", 12, CONFIG, null);
        SimNet.Chan fresh = reborn.host("A");
        long w2 = end(Frame.Side.WRITE); // sent to the new incarnation: the session learns of the restart
        net.runUntil(net.nowNs + 100 * MS);
        assertEquals(1, remote.node.counters().get(Counters.Event.PEER_RESTARTS));
        long calledAt = net.nowNs;
        remote.retire(w, results::add);
        remote.poison(r, results::add);
        net.runUntil(calledAt + 10 * SimNet.US);
        assertEquals(List.of(Outcome.DONE, Outcome.OUTCOME_UNKNOWN),
                results.stream().map(SimNet.Result::outcome).toList());
        assertTrue(results.stream().allMatch(x -> x.atNs() == calledAt), "both at once, without a frame: " + results);
        settle();
        assertTrue(!fresh.poisoned, "the new incarnation's channel is untouched");
        assertEquals(1, reborn.ends.size(), "only the new end is open there: " + w2);
    }

    @Test
    void aRestartWhileAPoisonAndARetireAwaitTheirAnswerEndsThemUnknownAndDone() {
        long w = end(Frame.Side.WRITE);
        long r = end(Frame.Side.READ);
        settle();
        home.alive = false; // the old incarnation answers nothing any more
        remote.poison(r, results::add);
        remote.retire(w, results::add);
        net.runUntil(net.nowNs + 5 * MS);
        assertTrue(results.isEmpty());
        SimNode reborn = net.add("home", 12, CONFIG, null);
        reborn.host("A");
        net.runUntil(net.nowNs + 100 * MS); // the retransmitted frames reach the new incarnation
        assertEquals(1, remote.node.counters().get(Counters.Event.PEER_RESTARTS));
        assertEquals(List.of(Outcome.OUTCOME_UNKNOWN, Outcome.DONE),
                results.stream().map(SimNet.Result::outcome).toList());
    }

    @Test
    void onceItsPoisonIsAppliedLaterOffersOnThatSideEndPoisonedAtOnceThroughAnyEnd() {
        long r = end(Frame.Side.READ);
        long w = end(Frame.Side.WRITE);
        remote.poison(w, results::add);
        settle();
        assertEquals(Outcome.DONE, only(results).outcome());
        long w2 = end(Frame.Side.WRITE);
        long r2 = end(Frame.Side.READ);
        long framesBefore = remote.node.counters().get(Counters.Event.FRAMES_SENT);
        long calledAt = net.nowNs;
        List<SimNet.Result> later = new ArrayList<>();
        remote.offer(w2, bytes("x"), false, calledAt, later::add);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, later::add);
        settle();
        assertEquals(List.of(Outcome.POISONED, Outcome.POISONED), later.stream().map(SimNet.Result::outcome).toList());
        assertEquals(calledAt, later.get(0).atNs(), "a write, even with a zero timeout, knows at once");
        assertTrue(later.get(1).atNs() > calledAt, "a writer's poison may leave a buffer to read: the read asks");

        long framesAfter = remote.node.counters().get(Counters.Event.FRAMES_SENT);
        List<SimNet.Result> again = new ArrayList<>();
        long readAt = net.nowNs;
        remote.offer(r2, null, false, readAt, again::add);
        net.runUntil(readAt + 10 * SimNet.US);
        assertEquals(Outcome.POISONED, only(again).outcome(), "a read TERMINATED by poison: reads know now too");
        assertEquals(readAt, only(again).atNs());
        assertTrue(framesAfter > framesBefore, "the read asked the home");
        assertEquals(framesAfter, remote.node.counters().get(Counters.Event.FRAMES_SENT), "this one sent nothing");
    }

    @Test
    void aReadersPoisonMakesLaterReadsEndPoisonedAtOnceUntilTheHomeRestarts() {
        long r = end(Frame.Side.READ);
        remote.poison(r, results::add);
        settle();
        List<SimNet.Result> later = new ArrayList<>();
        long calledAt = net.nowNs;
        remote.offer(r, null, false, calledAt, later::add);
        net.runUntil(calledAt + 10 * SimNet.US);
        assertEquals(Outcome.POISONED, only(later).outcome(), "the reader's poison discarded the buffer");

        home.alive = false;
        SimNode reborn = net.add("home", 12, CONFIG, null);
        SimNet.Chan fresh = reborn.host("A");
        long r2 = end(Frame.Side.READ); // the lookup and the OPEN_END meet the new incarnation
        List<SimNet.Result> fresher = new ArrayList<>();
        reborn.localWrite(fresh, bytes("new life"), homeResults::add);
        remote.offer(r2, null, false, ProtocolNode.NO_DEADLINE, fresher::add);
        settle();
        assertEquals("new life", text(only(fresher).value()), "the new incarnation's channel is not poisoned");
    }

    @Test
    void aPoisonThroughAnEndTheHomeRefusedIsNotDone() {
        end(Frame.Side.WRITE);
        long bogus = remote.node.openEnd("home", 999, Frame.Side.WRITE, net.nowNs);
        remote.poison(bogus, results::add);
        List<SimNet.Result> retired = new ArrayList<>();
        long bogus2 = remote.node.openEnd("home", 998, Frame.Side.READ, net.nowNs);
        remote.retire(bogus2, retired::add);
        settle();
        assertEquals(Outcome.NOT_DONE, only(results).outcome(), "NO_SUCH_END: nothing was poisoned");
        assertEquals(Outcome.DONE, only(retired).outcome(), "an end that does not count there is retired at once");
        assertTrue(!chan.poisoned);
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
    void aSilentPeerFailsABlockedReadWithinThePeerTimeoutAndResolvesTheHomesHold() {
        long r = end(Frame.Side.READ);
        fixedDelay(2 * MS);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        net.runUntil(net.nowNs + 3 * MS); // the offer is at the home
        net.cutLink("home", "remote", true); // the link dies...
        home.localWrite(chan, bytes("held"), homeResults::add); // ...so the DELIVER is lost
        long cutAt = net.nowNs;
        net.runUntil(cutAt + TIMEOUT + 5 * MS);
        assertEquals(Outcome.PEER_UNREACHABLE, only(results).outcome());
        assertTrue(only(results).atNs() - cutAt <= TIMEOUT + MS, "within the peer timeout");
        assertEquals(Outcome.OUTCOME_UNKNOWN, only(homeResults).outcome(), "the home writer was held: unknown");
    }

    @Test
    void aRestartedHomeEndsOperationsWithTheOldIncarnationAsUnknownAndIsReachedAgain() {
        long w = end(Frame.Side.WRITE);
        remote.offer(w, bytes("old"), false, ProtocolNode.NO_DEADLINE, results::add);
        settle();
        home.alive = false; // killed; a new incarnation starts at the same address
        SimNode reborn = net.add("home", 12, CONFIG, null);
        reborn.host("A");
        settle();
        assertTrue(results.isEmpty(), "nothing tells the remote yet");
        List<SimNet.Result> next = new ArrayList<>();
        remote.offer(w, bytes("lost end"), false, ProtocolNode.NO_DEADLINE, next::add);
        net.runUntil(net.nowNs + 100 * MS); // the retransmitted frames reach the new incarnation
        assertEquals(Outcome.OUTCOME_UNKNOWN, only(results).outcome());
        assertEquals(Outcome.OUTCOME_UNKNOWN, only(next).outcome());
        assertEquals(1, remote.node.counters().get(Counters.Event.PEER_RESTARTS));

        long w2 = end(Frame.Side.WRITE);
        List<SimNet.Result> again = new ArrayList<>();
        remote.offer(w2, bytes("new"), false, ProtocolNode.NO_DEADLINE, again::add);
        reborn.localRead(reborn.channels.get("A"), homeResults::add);
        settle();
        assertEquals(Outcome.DONE, only(again).outcome());
        assertEquals("new", text(only(homeResults).value()));
    }

    @Test
    void aRestartedRemoteNodesEndsAreAbandonedNotRetiredAtTheHomeAndItsHeldPartnerIsUnknown() {
        long r = end(Frame.Side.READ);
        long w = end(Frame.Side.WRITE);
        fixedDelay(2 * MS);
        remote.offer(r, null, false, ProtocolNode.NO_DEADLINE, results::add);
        remote.offer(w, bytes("queued"), false, ProtocolNode.NO_DEADLINE, results::add);
        net.runUntil(net.nowNs + 3 * MS);
        home.localWrite(chan, bytes("in flight"), homeResults::add);
        remote.alive = false;
        SimNode reborn = net.add("remote", 23, CONFIG, null);
        long[] found = {0};
        reborn.lookup("home", "A", net.nowNs + 100 * MS, id -> found[0] = id);
        net.runUntil(net.nowNs + 20 * MS);
        assertTrue(found[0] > 0);
        assertEquals(Outcome.OUTCOME_UNKNOWN, only(homeResults).outcome());
        assertEquals(0, home.ends.size(), "the old incarnation's ends left the channel");
        assertEquals(List.of(), home.retiredEnds, "a crash is not a retire");
        assertEquals(2, home.abandonedEnds.size(), "both old ends abandoned: " + home.abandonedEnds);
        assertTrue(chan.foreignWriters.isEmpty() && chan.foreignReaders.isEmpty(),
                "the old ends' offers were withdrawn before they were abandoned");
    }

    @Test
    void theNewIncarnationOfARestartedWriterNodeWritesToTheHomeReaderThroughANewEnd() {
        long w = end(Frame.Side.WRITE);
        remote.offer(w, bytes("before"), false, ProtocolNode.NO_DEADLINE, results::add);
        home.localRead(chan, homeResults::add);
        settle();
        assertEquals("before", text(only(homeResults).value()));
        homeResults.clear();
        remote.alive = false; // killed; a new incarnation starts at the same address
        SimNode reborn = net.add("remote", 24, CONFIG, null);
        home.localRead(chan, homeResults::add);
        long w2 = net.openEnd(reborn, "home", "A", Frame.Side.WRITE);
        List<SimNet.Result> again = new ArrayList<>();
        reborn.offer(w2, bytes("after"), false, ProtocolNode.NO_DEADLINE, again::add);
        settle();
        assertEquals(1, home.abandonedEnds.size(), "the old writer end was abandoned: " + home.abandonedEnds);
        assertEquals(List.of(), home.retiredEnds);
        assertEquals("after", text(only(homeResults).value()));
        assertEquals(Outcome.DONE, only(again).outcome());
    }

    @Test
    void framesWithABadMacAreCountedAndReachNoChannel() {
        byte[] secret = "the right secret, long enough".getBytes(StandardCharsets.UTF_8);
        SimNode signedHome = net.add("signed", 33, CONFIG, secret);
        signedHome.host("S");
        SimNode intruder = net.add("intruder", 44, CONFIG,
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
