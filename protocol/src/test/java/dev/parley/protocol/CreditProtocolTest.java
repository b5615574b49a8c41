package dev.parley.protocol;

import static dev.parley.protocol.SimNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes ahead into a buffered home channel: the home reserves slots for a write-ahead writer end
 * (CREDIT), the end writes under them without waiting (STORE), and the home takes unused slots
 * back (REVOKE, answered REVOKED after every STORE under them) or lets them lapse when the writer
 * falls silent. Over a network that loses nothing unless a test says so.
 */
class CreditProtocolTest {

    private static final ProtocolConfig CONFIG = ProtocolSimulationTest.CONFIG.withCreditWindow(8);
    private static final long TIMEOUT = CONFIG.peerTimeoutNs();

    private final SimNet net = new SimNet(3);
    private final SimNetNode home = net.add("home", 11, CONFIG, null);
    private final SimNetNode remote = net.add("remote", 22, CONFIG, null);
    private final SimNet.Chan chan = home.host("B", 100);
    private final List<SimNet.Result> results = new ArrayList<>();

    private long writeAheadEnd() {
        return net.openEnd(remote, "home", "B", Frame.Side.WRITE, true);
    }

    private void settle() {
        net.runUntil(net.nowNs + 10 * MS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> buffered() {
        List<String> out = new ArrayList<>();
        chan.buffer.forEach(b -> out.add(new String(b, StandardCharsets.UTF_8)));
        return out;
    }

    private int reservedAtHome() {
        return chan.reserved.values().stream().mapToInt(Integer::intValue).sum();
    }

    private int slotsAtRemote(long end) {
        return remote.credits.getOrDefault(end, 0);
    }

    @Test
    void aStoredWriteBringsCreditAndLaterWritesGoAheadInOrderWhileTheHomeKeepsTheWindowFull() {
        long w = writeAheadEnd();
        assertFalse(remote.write(w, bytes("m0"), results::add), "no slot yet: the first write is offered");
        settle();
        assertEquals(8, slotsAtRemote(w), "the window, granted with the TAKEN");
        for (int i = 1; i < 40; i++) {
            assertTrue(remote.write(w, bytes("m" + i), results::add), "write " + i + " went under a slot");
            net.runUntil(net.nowNs + MS);
        }
        settle();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, buffered(), "every write stored once, in order");
        assertEquals(40, results.stream().filter(r -> r.outcome() == Outcome.DONE).count());
        assertEquals(slotsAtRemote(w), reservedAtHome(), "the home reserved exactly what the end holds");
        assertTrue(slotsAtRemote(w) >= 4, "replenished: " + slotsAtRemote(w));
    }

    @Test
    void everyStoreIsAnsweredWithACreditEvenWhenTheBufferHasNoSlotLeft() {
        SimNet.Chan small = home.host("S", 3);
        long w = net.openEnd(remote, "home", "S", Frame.Side.WRITE, true);
        remote.write(w, bytes("s0"), results::add);
        settle();
        assertEquals(2, slotsAtRemote(w), "what the buffer had left");
        assertTrue(remote.write(w, bytes("s1"), results::add));
        assertTrue(remote.write(w, bytes("s2"), results::add));
        settle();
        assertEquals(3, small.buffer.size());
        assertEquals(0, slotsAtRemote(w), "full: no slot to grant");
        assertEquals(2L, remote.storedAhead.get(w), "answered all the same, with the count stored");
    }

    @Test
    void anEndThatDoesNotWriteAheadAndAZeroWindowGetNoCredit() {
        long plain = net.openEnd(remote, "home", "B", Frame.Side.WRITE, false);
        remote.offer(plain, bytes("plain"), false, ProtocolNode.NO_DEADLINE, results::add);
        settle();
        assertEquals(Outcome.DONE, results.get(0).outcome());
        assertTrue(remote.credits.isEmpty(), "no CREDIT for an end that does not write ahead");

        SimNetNode noCredit = net.add("home2", 33, CONFIG.withCreditWindow(0), null);
        noCredit.host("C", 10);
        long w = net.openEnd(remote, "home2", "C", Frame.Side.WRITE, true);
        remote.write(w, bytes("x"), results::add);
        settle();
        assertEquals(0, slotsAtRemote(w), "a home with a zero window grants nothing");
        assertEquals(0, reservedAtHome());
    }

    @Test
    void aRevokeIsAnsweredOnlyAfterEveryStoreCountedBeforeItAndTheHomeReleasesTheRest() {
        long w = writeAheadEnd();
        remote.write(w, bytes("first"), results::add);
        settle();
        assertTrue(remote.takeSlot(w), "a write counted against a slot, not yet handed to the node");
        home.node.creditWanted(new EndKey("remote", 22, w), net.nowNs);
        settle();
        assertEquals(0, slotsAtRemote(w), "the unused slots were taken back");
        assertEquals(0, home.releases, "no REVOKED yet: a counted write is still to come");
        remote.node.store(w, bytes("counted before"), net.nowNs);
        settle();
        assertEquals(List.of("first", "counted before"), buffered(), "stored before the slots were released");
        assertEquals(1, home.releases);
        assertEquals(0, reservedAtHome());
        assertFalse(remote.write(w, bytes("after"), results::add), "no slot: offered again");
        settle();
        assertEquals(List.of("first", "counted before", "after"), buffered());
        assertTrue(slotsAtRemote(w) > 0, "granted anew after the offered write was stored");
    }

    @Test
    void aRetireWaitsForTheStoresCountedBeforeItAndFollowsThem() {
        long w = writeAheadEnd();
        remote.write(w, bytes("first"), results::add);
        settle();
        assertTrue(remote.takeSlot(w));
        List<SimNet.Result> retired = new ArrayList<>();
        remote.retire(w, retired::add);
        settle();
        assertTrue(retired.isEmpty(), "the RETIRE waits for the counted write");
        assertEquals(List.of(), home.retiredEnds);
        remote.node.store(w, bytes("last"), net.nowNs);
        settle();
        assertEquals(List.of("first", "last"), buffered());
        assertEquals(1, home.retiredEnds.size());
        assertEquals(0, reservedAtHome(), "the retired end's unused slots were released");
        assertEquals(Outcome.DONE, retired.get(0).outcome());
    }

    @Test
    void aStoreBeyondTheSlotsGrantedIsABindingBug() {
        long w = writeAheadEnd();
        assertThrows(IllegalStateException.class, () -> remote.node.store(w, bytes("x"), net.nowNs));
        long plain = net.openEnd(remote, "home", "B", Frame.Side.WRITE, false);
        assertThrows(IllegalArgumentException.class, () -> remote.node.store(plain, bytes("x"), net.nowNs));
        assertThrows(IllegalArgumentException.class,
                () -> remote.node.openEnd("home", chan.id, Frame.Side.READ, true, net.nowNs));
    }

    @Test
    void slotsLapseBothWaysWhenTheLinkIsCutAndAStoreSentBeforeArrivesAfterTheHeal() {
        long w = writeAheadEnd();
        remote.write(w, bytes("first"), results::add);
        settle();
        net.cutLink("home", "remote", true);
        assertTrue(remote.write(w, bytes("into the cut"), results::add), "still under a slot: done at once");
        net.runUntil(net.nowNs + TIMEOUT + 20 * MS);
        assertEquals(0, slotsAtRemote(w), "a silent home's slots are not used");
        assertEquals(1, home.releases, "a silent writer holds no slot at the home");
        assertEquals(0, reservedAtHome());
        net.cutLink("home", "remote", false);
        net.runUntil(net.nowNs + 200 * MS);
        assertEquals(List.of("first", "into the cut"), buffered(), "the late STORE is stored, not lost");
        assertEquals(0, home.node.counters().rejected(Rejection.UNKNOWN_REFERENCE));
        assertFalse(remote.write(w, bytes("healed"), results::add), "offered, after REVOKED reset the line");
        settle();
        assertEquals(List.of("first", "into the cut", "healed"), buffered());
        assertTrue(slotsAtRemote(w) > 0, "credited again");
    }

    @Test
    void afterAHomeRestartTheSlotsAreGoneAndACountedStoreIsDroppedWithTheOldIncarnation() {
        long w = writeAheadEnd();
        remote.write(w, bytes("first"), results::add);
        settle();
        assertTrue(remote.takeSlot(w));
        home.alive = false;
        SimNetNode reborn = net.add("home", 12, CONFIG, null);
        SimNet.Chan again = reborn.host("B", 100);
        long w2 = writeAheadEnd(); // the lookup reaches the new incarnation: the restart is noticed
        assertEquals(0, slotsAtRemote(w), "the old incarnation's slots were taken back");
        remote.node.store(w, bytes("lost with the old home"), net.nowNs);
        remote.write(w2, bytes("new"), results::add);
        settle();
        assertEquals(1, again.buffer.size());
        assertEquals("new", new String(again.buffer.get(0), StandardCharsets.UTF_8));
    }

    @Test
    void aWriteCountedBeforeTheHomeRestartAndHandedOverAfterTheEndRetiredIsDroppedQuietly() {
        long w = writeAheadEnd();
        remote.write(w, bytes("first"), results::add);
        settle();
        assertTrue(remote.takeSlot(w), "a write counted on the caller's thread");
        home.alive = false;
        net.add("home", 12, CONFIG, null).host("B", 100);
        writeAheadEnd(); // the lookup reaches the new incarnation: the restart is noticed, the end is lost
        List<SimNet.Result> retired = new ArrayList<>();
        remote.retire(w, retired::add); // another thread retires the end before the write is handed over
        settle();
        assertEquals(Outcome.DONE, retired.get(0).outcome(), "the restart retired it already");
        remote.node.store(w, bytes("lost with the old home"), net.nowNs); // no exception: dropped
        settle();
        assertThrows(IllegalArgumentException.class, () -> remote.node.store(w, bytes("x"), net.nowNs),
                "once its last counted write came, the end is gone");
    }

    @Test
    void aStoreThatArrivesAfterItsSlotsLapsedIsCountedLate() {
        long w = writeAheadEnd();
        remote.write(w, bytes("first"), results::add);
        settle();
        net.cutLink("home", "remote", true);
        remote.write(w, bytes("late"), results::add);
        net.runUntil(net.nowNs + TIMEOUT + 20 * MS);
        net.cutLink("home", "remote", false);
        net.runUntil(net.nowNs + 200 * MS);
        assertEquals(List.of("first", "late"), buffered());
        assertEquals(1, home.node.counters().get(Counters.Event.LATE_STORES));
    }

    @Test
    void aRestartedWritersEndsLeaveNoSlotsReservedAtTheHome() {
        long w = writeAheadEnd();
        remote.write(w, bytes("first"), results::add);
        settle();
        assertTrue(reservedAtHome() > 0);
        remote.alive = false;
        SimNetNode reborn = net.add("remote", 23, CONFIG, null);
        net.openEnd(reborn, "home", "B", Frame.Side.WRITE, true);
        assertEquals(1, home.abandonedEnds.size());
        assertEquals(0, reservedAtHome(), "the abandoned end's slots were released");
        assertEquals(List.of("first"), buffered());
    }
}
