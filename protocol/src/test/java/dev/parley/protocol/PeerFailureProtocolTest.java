package dev.parley.protocol;

import static dev.parley.protocol.SimNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Peers that fall silent or restart: what the operations in flight end as on either side,
 * what the home does with a restarted remote node's ends, and how a new incarnation is
 * reached.
 */
class PeerFailureProtocolTest extends TwoNodes {

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
        SimNetNode reborn = net.add("home", 12, CONFIG, null);
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
        SimNetNode reborn = net.add("remote", 23, CONFIG, null);
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
        SimNetNode reborn = net.add("remote", 24, CONFIG, null);
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
}
