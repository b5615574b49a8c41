package dev.parley.protocol;

import static dev.parley.protocol.SimNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Poison and retire in both directions: a channel terminated at its home ends the remote
 * operations waiting there; a remote poison or retire ends DONE only once the home
 * applied it (a retire per end), OUTCOME_UNKNOWN at a silent home, and after a home
 * restart a retire of a lost end is DONE and a poison OUTCOME_UNKNOWN; a known poison
 * ends later offers at once.
 */
class PoisonRetireProtocolTest extends TwoNodes {

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
        SimNetNode reborn = net.add("home", 12, CONFIG, null);
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
        SimNetNode reborn = net.add("home", 12, CONFIG, null);
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
        SimNetNode reborn = net.add("home", 12, CONFIG, null);
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
}
