package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.protocol.EndKey;
import dev.parley.protocol.HoldAnswer;
import dev.parley.protocol.HoldOutcome;
import dev.parley.protocol.OfferKey;
import dev.parley.protocol.ProposalAnswer;
import dev.parley.protocol.ProtocolNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A channel hosted by a simulated node, as the core would drive the protocol's home side: a
 * small deterministic matcher of local parties (guards of {@link Decision}s) and foreign
 * offers, rendezvous or buffered, with poison and retire. Only the simulator's thread uses it.
 *
 * <h2>Implementation note</h2>
 * Matching takes the oldest eligible pair. A pair of two local parties commits at once. A
 * pair with a foreign offer holds the local decision (or a buffer slot, or the buffer's
 * head), reports {@code proposed} with the held decision's deadline (none for a buffer slot
 * or head: nobody waits on those) and waits for the protocol's {@code answer}: ACCEPT
 * commits, DECLINE releases (the local party goes back to the front), UNKNOWN fails the held
 * local party (a buffer's head counts as taken, a reserved slot is freed). A foreign reader and
 * a foreign writer of a rendezvous channel are relayed as the core does ({@code spi.Hold}): the
 * writer is asked to hold itself ({@code holdRequested}) while the reader stays queued but
 * reserved; a held writer's value is then proposed to the reader, whose answer ends the hold
 * ({@code holdEnded} TAKEN, RELEASED or UNKNOWN); a reader gone meanwhile releases the writer.
 * Offers of one party (same node incarnation and nonzero party id) are never relayed to each
 * other.
 *
 * <p>A buffered channel keeps the credits of the remote writer ends that write ahead into it
 * as the core's {@code spi.Credit} does, in a part of its own: {@link HomeCredits}. A
 * {@link #store} through such an end goes into the buffer, beyond the capacity if its slots
 * were released meanwhile; it is discarded after a reader-side poison or retire. After a
 * writer-side termination (a writer's poison, or every writer retired) readers take what is
 * buffered and what arrives under reserved slots, and are failed only once the buffer is empty
 * and no slot is reserved; a reader-side termination discards the buffer and drops the slots.
 *
 * <p>Invariants, by name: <b>answered-held</b> (every proposal is answered once, and only a
 * held proposal is answered; likewise every hold request); <b>buffer-bounded</b> (messages plus
 * reserved slots, for proposals or credits, never exceed the capacity, except for stores that
 * arrive after their slots were released); <b>abandoned-is-not-retired</b>, the core's
 * counting rule: an end of a restarted node is abandoned, not retired, and a side retires the
 * channel once it has no end left and one of its ends did retire. One simplification: the core
 * hands a local writer's message straight to a waiting local reader when nothing is buffered,
 * even while credits reserve every slot; here it waits until the slots come back.
 */
final class HomeChannel {

    /** A local party: one guard of a decision. */
    record Local(Decision decision, int guard, String value) {
    }

    /** A foreign party: an offer from a remote end, by its key, with its party id. */
    record Foreign(OfferKey key, long party, boolean conditional, String value) {
        boolean sameParty(Foreign other) {
            return party != 0 && party == other.party && key.incarnation() == other.key.incarnation()
                    && key.peer().equals(other.key.peer());
        }
    }

    /** What a proposal holds: a local party, a buffer's head or slot, or a relay's held writer. */
    private record Held(Local local, Foreign foreign, boolean bufferHead, boolean bufferSlot, Foreign relayed) {
        Held(Local local, Foreign foreign, boolean bufferHead, boolean bufferSlot) {
            this(local, foreign, bufferHead, bufferSlot, null);
        }
    }

    /** A relay: the reader reserved for a foreign writer asked to hold itself, by the writer's key. */
    private record Relay(Foreign reader, Foreign writer) {
    }

    final String name;
    final long id;
    final int capacity;
    private final SimNode home;
    private final ArrayDeque<Object> readers = new ArrayDeque<>();
    final ArrayDeque<Object> writers = new ArrayDeque<>();
    private final ArrayDeque<String> buffer = new ArrayDeque<>();
    private boolean headHeld;
    private int reservedSlots;
    private final Map<OfferKey, Held> held = new HashMap<>();
    private final Map<OfferKey, Relay> relays = new HashMap<>();
    private final Set<Foreign> reserved = new HashSet<>();
    private final Set<Object> writerEnds = new HashSet<>();
    private final Set<Object> readerEnds = new HashSet<>();
    private boolean aWriterRetired;
    private boolean aReaderRetired;
    Ending terminated; // null while open; POISONED or RETIRED
    /** Terminated from the writers' side on a buffered channel: readers still take what is stored. */
    private boolean readersDrain;
    private final HomeCredits credits;

    HomeChannel(SimNode home, String name, long id, int capacity) {
        this.home = home;
        this.name = name;
        this.id = id;
        this.capacity = capacity;
        this.credits = new HomeCredits(this, home);
    }

    // ---- ends, for retire

    void openEnd(Object end, boolean writer) {
        (writer ? writerEnds : readerEnds).add(end);
    }

    void retireEnd(Object end) {
        endLeft(end, true);
    }

    /** The end's node restarted: the end leaves without counting as retired. */
    void abandonEnd(Object end) {
        endLeft(end, false);
    }

    /** Invariant abandoned-is-not-retired; an end that left already counts for nothing. */
    private void endLeft(Object end, boolean retired) {
        boolean writer = writerEnds.remove(end);
        boolean reader = readerEnds.remove(end);
        aWriterRetired |= writer && retired;
        aReaderRetired |= reader && retired;
        if ((writer && writerEnds.isEmpty() && aWriterRetired) || (reader && readerEnds.isEmpty() && aReaderRetired)) {
            terminate(Ending.RETIRED, writer);
        }
    }

    /** A poison through {@code end}: by a writer's end, readers of a buffered channel drain it first. */
    void poisonThrough(Object end) {
        terminate(Ending.POISONED, !readerEnds.contains(end));
    }

    // ---- parties

    void local(Decision d, int guard, String valueOrNull) {
        Local l = new Local(d, guard, valueOrNull);
        if (refused(l)) {
            return;
        }
        (valueOrNull == null ? readers : writers).add(l);
        match();
        if (valueOrNull != null && writers.contains(l)) {
            credits.askBack();
        }
    }

    void foreign(OfferKey key, long party, boolean conditional, byte[] valueOrNull) {
        if (terminated != null && (valueOrNull != null || !readersDrain || readersDone())) {
            home.node().terminated(key, terminated == Ending.POISONED, home.sim().nowNs());
            return;
        }
        String v = valueOrNull == null ? null : new String(valueOrNull, StandardCharsets.UTF_8);
        Foreign f = new Foreign(key, party, conditional, v);
        (v == null ? readers : writers).add(f);
        match();
        if (v != null && writers.contains(f)) {
            credits.askBack();
        }
    }

    // ---- credits of write-ahead ends (the core's spi.Credit): see HomeCredits

    /**
     * Reserves up to {@code max} free slots for a write-ahead end, opening its credit on first use.
     *
     * @return the slots reserved: none on a rendezvous channel, while a writer waits, once
     *     terminated, or beyond the free slots and the end's share of the capacity
     */
    int grant(EndKey end, int max) {
        return credits.grant(end, max);
    }

    /**
     * Stores a write ahead of {@code end}: into one of its reserved slots, or beyond the capacity
     * if they were released meanwhile; discarded after a reader-side poison or retire.
     */
    void store(EndKey end, String value) {
        storeOne(end, value);
        match();
    }

    /** Stores the values of one STORE, in order, and then matches once, as the core's {@code storeAll}. */
    void storeAll(EndKey end, List<String> values) {
        values.forEach(v -> storeOne(end, v));
        match();
    }

    private void storeOne(EndKey end, String value) {
        long now = home.sim().nowNs();
        credits.takeSlot(end, value);
        home.sim().arrived(name, value);
        if (terminated != null && !readersDrain) {
            home.sim().history().discarded(name, value, now, "written ahead into a channel whose readers poisoned"
                    + " or retired it", false);
            return;
        }
        buffer.add(value);
    }

    /** Gives back every slot the end's credit holds and has not used. */
    void releaseCredit(EndKey end) {
        if (credits.release(end)) {
            match();
        }
    }

    /** The end retired or was abandoned: its credit's slots are released and the credit closed. */
    void closeCredit(EndKey end) {
        if (credits.close(end)) {
            match();
        }
    }

    /** @return the slots taken: messages buffered, slots reserved for a proposal or under credits */
    int occupied() {
        return buffer.size() + reservedSlots + credits.creditSlots();
    }

    /** After a writer-side termination: true once readers have nothing more to receive. */
    private boolean readersDone() {
        return buffer.isEmpty() && credits.creditSlots() == 0;
    }

    /** The protocol's answer to a relay's hold request for the writer {@code key}. */
    void holdAnswered(OfferKey key, boolean heldNow) {
        home.sim().count("hold." + (heldNow ? "held" : "refused"));
        Relay r = relays.get(key);
        if (r == null) {
            throw new IllegalStateException("invariant answered-held: holdAnswered for " + key
                    + " with no hold asked on channel " + name);
        }
        reserved.remove(r.reader);
        long now = home.sim().nowNs();
        if (!heldNow) {
            relays.remove(key);
        } else {
            relayHeld(r, now);
        }
        match();
    }

    /** The relay's writer is held: its value goes to the reader, unless the reader left meanwhile. */
    private void relayHeld(Relay r, long now) {
        if (readers.remove(r.reader)) {
            held.put(r.reader.key, new Held(null, r.reader, false, false, r.writer));
            home.node().proposed(r.reader.key, r.writer.value.getBytes(StandardCharsets.UTF_8),
                    ProtocolNode.NO_DEADLINE, now); // the held partner is foreign: no local deadline
        } else {
            relays.remove(r.writer.key);
            home.node().holdEnded(r.writer.key, HoldOutcome.RELEASED, now);
        }
    }

    boolean withdraw(OfferKey key) {
        return readers.removeIf(p -> p instanceof Foreign f && f.key.equals(key))
                || writers.removeIf(p -> p instanceof Foreign f && f.key.equals(key));
    }

    void answer(OfferKey key, ProposalAnswer answer) {
        home.sim().count("answer." + answer);
        Held h = held.remove(key);
        if (h == null) {
            throw new IllegalStateException("invariant answered-held: answer=" + answer + " for " + key
                    + " with no proposal out on channel " + name);
        }
        long now = home.sim().nowNs();
        if (h.relayed != null) {
            relays.remove(h.relayed.key);
            home.node().holdEnded(h.relayed.key, switch (answer) {
                case ACCEPT -> HoldOutcome.TAKEN;
                case DECLINE -> HoldOutcome.RELEASED;
                case UNKNOWN -> HoldOutcome.UNKNOWN;
            }, now);
        } else if (h.bufferHead) {
            headHeld = false;
            if (answer != ProposalAnswer.DECLINE) {
                String v = buffer.poll();
                if (answer == ProposalAnswer.UNKNOWN) {
                    home.sim().history().discarded(name, v, now,
                            "buffer head given to a reader whose outcome is unknown", true);
                }
            }
        } else if (h.bufferSlot) {
            reservedSlots--;
            if (answer == ProposalAnswer.ACCEPT) {
                buffer.add(h.foreign.value);
            }
        } else {
            Local l = h.local;
            switch (answer) {
                case ACCEPT -> l.decision.commit(key, l.guard, l.value == null ? h.foreign.value : null);
                case DECLINE -> {
                    l.decision.release(key);
                    if (!refused(l)) {
                        (l.value == null ? readers : writers).addFirst(l);
                    }
                }
                case UNKNOWN -> l.decision.fail(key, l.guard, Ending.UNKNOWN);
            }
        }
        match();
    }

    /**
     * Poisons or retires the channel: waiting parties are told, later ones refused. A retire
     * comes once; a poison after a retire, and a reader-side poison after a writer-side one
     * (which discards what the readers were still to drain), apply again.
     *
     * @param drain a writer-side termination: readers of a buffered channel still take what is
     *     buffered and what arrives under reserved slots
     */
    void terminate(Ending how, boolean drain) {
        boolean again = how == Ending.RETIRED ? terminated != null
                : terminated == Ending.POISONED && !(readersDrain && !drain);
        if (again) {
            return;
        }
        terminated = how;
        readersDrain = capacity > 0 && drain;
        long now = home.sim().nowNs();
        List<ArrayDeque<Object>> told = readersDrain ? List.of(writers) : List.of(readers, writers);
        for (ArrayDeque<Object> queue : told) {
            for (Object p : queue) {
                if (p instanceof Foreign f) {
                    home.node().terminated(f.key, how == Ending.POISONED, now);
                } else {
                    Local l = (Local) p;
                    l.decision.fail(null, l.guard, how);
                }
            }
            queue.clear();
        }
        if (!readersDrain) {
            for (String v : buffer) {
                home.sim().history().discarded(name, v, now, how == Ending.POISONED ? "buffer discarded by poison"
                        : "buffer discarded: every reader retired", false);
            }
            buffer.clear();
        }
        credits.terminated(readersDrain);
        settleReaders();
    }

    /** The home crashed: what the buffer held is gone with it. */
    void crashed() {
        for (String v : buffer) {
            home.sim().history().discarded(name, v, home.sim().nowNs(), "buffered at a home that crashed", false);
        }
    }

    /** Runs the matcher until no pair can be matched. */
    void match() {
        boolean progress = true;
        while (progress) {
            prune(readers);
            prune(writers);
            progress = capacity == 0 ? matchRendezvous() : matchBuffered();
        }
        settleReaders();
    }

    // ------------------------------------------------------------------------------------------

    private boolean refused(Local l) {
        boolean readsBuffer = l.value == null && readersDrain && !readersDone();
        if (terminated != null && !readsBuffer) {
            l.decision.fail(null, l.guard, terminated);
            return true;
        }
        return false;
    }

    private static void prune(ArrayDeque<Object> queue) {
        queue.removeIf(p -> p instanceof Local l && l.decision.over());
    }

    private boolean eligible(Object p) {
        return p instanceof Foreign f ? !reserved.contains(f) : ((Local) p).decision.open();
    }

    private boolean matchRendezvous() {
        for (Object r : readers) {
            if (!eligible(r)) {
                continue;
            }
            for (Object w : writers) {
                if (!eligible(w) || (r instanceof Foreign fr && w instanceof Foreign fw && fr.sameParty(fw))
                        || (r instanceof Local lr && w instanceof Local lw && lr.decision == lw.decision)) {
                    continue;
                }
                writers.remove(w);
                if (r instanceof Foreign fr && w instanceof Foreign fw) {
                    Relay relay = new Relay(fr, fw);
                    relays.put(fw.key, relay);
                    home.node().holdRequested(fw.key, home.sim().nowNs());
                    if (fw.conditional) {
                        reserved.add(fr); // stays queued, so that its WITHDRAW finds it
                    } else {
                        relayHeld(relay, home.sim().nowNs()); // the home decides it: held as asked
                    }
                    return true;
                }
                readers.remove(r);
                pair(r, w);
                return true;
            }
        }
        return false;
    }

    private void pair(Object r, Object w) {
        long now = home.sim().nowNs();
        if (r instanceof Local lr && w instanceof Local lw) {
            lw.decision.commit(null, lw.guard, null);
            lr.decision.commit(null, lr.guard, lw.value);
        } else if (r instanceof Local lr) {
            Foreign fw = (Foreign) w;
            hold(lr, fw.key);
            held.put(fw.key, new Held(lr, fw, false, false));
            home.node().proposed(fw.key, null, lr.decision.deadlineNs, now);
        } else {
            Local lw = (Local) w;
            Foreign fr = (Foreign) r;
            hold(lw, fr.key);
            held.put(fr.key, new Held(lw, fr, false, false));
            home.node().proposed(fr.key, lw.value.getBytes(StandardCharsets.UTF_8), lw.decision.deadlineNs, now);
        }
    }

    private static void hold(Local l, OfferKey by) {
        if (l.decision.tryHold(by, l.guard) != HoldAnswer.HELD) {
            throw new IllegalStateException("an eligible party could not be held: " + l);
        }
    }

    private boolean matchBuffered() {
        long now = home.sim().nowNs();
        if (!buffer.isEmpty() && !headHeld) {
            for (Iterator<Object> it = readers.iterator(); it.hasNext(); ) {
                Object r = it.next();
                if (!eligible(r)) {
                    continue;
                }
                it.remove();
                if (r instanceof Local lr) {
                    lr.decision.commit(null, lr.guard, buffer.poll());
                } else {
                    Foreign fr = (Foreign) r;
                    headHeld = true;
                    held.put(fr.key, new Held(null, fr, true, false));
                    home.node().proposed(fr.key, buffer.peek().getBytes(StandardCharsets.UTF_8),
                            ProtocolNode.NO_DEADLINE, now); // nobody is held for a buffered message
                }
                return true;
            }
        }
        if (occupied() < capacity && terminated == null) {
            for (Iterator<Object> it = writers.iterator(); it.hasNext(); ) {
                Object w = it.next();
                if (!eligible(w)) {
                    continue;
                }
                it.remove();
                if (w instanceof Local lw) {
                    buffer.add(lw.value);
                    lw.decision.commit(null, lw.guard, null);
                } else {
                    Foreign fw = (Foreign) w;
                    reservedSlots++;
                    held.put(fw.key, new Held(null, fw, false, true));
                    home.node().proposed(fw.key, null, ProtocolNode.NO_DEADLINE, now); // a slot: nobody held
                }
                return true;
            }
        }
        return false;
    }

    /**
     * After a writer-side termination, readers are failed once the buffer is empty and no slot is
     * reserved under a credit (nothing more can reach them).
     */
    private void settleReaders() {
        if (terminated != null && readersDrain && readersDone() && !headHeld) {
            for (Object p : readers) {
                if (p instanceof Foreign f) {
                    home.node().terminated(f.key, terminated == Ending.POISONED, home.sim().nowNs());
                } else {
                    ((Local) p).decision.fail(null, ((Local) p).guard, terminated);
                }
            }
            readers.clear();
        }
    }

    /** @return proposals still waiting for an answer (0 once the run settles) */
    int heldProposals() {
        return held.size() + relays.size();
    }
}
