package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.protocol.EndKey;
import dev.parley.protocol.OfferKey;
import dev.parley.protocol.ProposalAnswer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A channel hosted by a simulated node, as the core would drive the protocol's home side: a
 * small deterministic matcher of local parties (guards of {@link Decision}s) and foreign
 * offers, rendezvous or buffered, with poison and retire. Only the simulator's thread uses it.
 *
 * <h2>Implementation note</h2>
 * This class keeps the channel's queues of waiting parties, its buffer, its ends and its
 * termination, and is what the node, the workload and the simulator call. Two parts of it
 * live apart: {@link HomeMatcher} matches the parties and keeps the proposals out until the
 * protocol answers them (its note describes the matching and the relay of two foreign
 * offers), and {@link HomeCredits} keeps the credits of the remote writer ends that write
 * ahead into a buffered channel (as the core's {@code spi.Credit} does). A store through such
 * an end goes into the buffer, beyond the capacity if its slots were released meanwhile; it is
 * discarded after a reader-side poison or retire. After a writer-side termination (a writer's
 * poison, or every writer retired) readers take what is buffered and what arrives under
 * reserved slots, and are failed only once the buffer is empty and no slot is reserved; a
 * reader-side termination discards the buffer and drops the slots.
 *
 * <p>Invariants, by name: <b>answered-held</b> (every proposal is answered once, and only a
 * held proposal is answered; likewise every hold request: {@link HomeMatcher});
 * <b>buffer-bounded</b> (messages plus reserved slots, for proposals or credits, never exceed
 * the capacity, except for stores that arrive after their slots were released;
 * {@link #occupied} counts all three); <b>abandoned-is-not-retired</b>, the core's counting
 * rule: an end of a restarted node is abandoned, not retired, and a side retires the channel
 * once it has no end left and one of its ends did retire.
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

    final String name;
    final long id;
    final int capacity;
    private final SimNode home;
    /** The waiting readers and writers, oldest first: {@link Local}s and {@link Foreign}s. */
    final ArrayDeque<Object> readers = new ArrayDeque<>();
    final ArrayDeque<Object> writers = new ArrayDeque<>();
    final ArrayDeque<String> buffer = new ArrayDeque<>();
    private final Set<Object> writerEnds = new HashSet<>();
    private final Set<Object> readerEnds = new HashSet<>();
    private boolean aWriterRetired;
    private boolean aReaderRetired;
    Ending terminated; // null while open; POISONED or RETIRED
    /** Terminated from the writers' side on a buffered channel: readers still take what is stored. */
    private boolean readersDrain;
    private final HomeMatcher matcher;
    private final HomeCredits credits;

    HomeChannel(SimNode home, String name, long id, int capacity) {
        this.home = home;
        this.name = name;
        this.id = id;
        this.capacity = capacity;
        this.matcher = new HomeMatcher(this, home);
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

    boolean withdraw(OfferKey key) {
        return readers.removeIf(p -> p instanceof Foreign f && f.key.equals(key))
                || writers.removeIf(p -> p instanceof Foreign f && f.key.equals(key));
    }

    /** The protocol's answer to a relay's hold request for the writer {@code key}. */
    void holdAnswered(OfferKey key, boolean heldNow) {
        matcher.holdAnswered(key, heldNow);
        match();
    }

    /** The protocol's answer to the proposal made to the foreign offer {@code key}. */
    void answer(OfferKey key, ProposalAnswer answer) {
        matcher.answer(key, answer);
        match();
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
        return buffer.size() + matcher.reservedSlots() + credits.creditSlots();
    }

    /** After a writer-side termination: true once readers have nothing more to receive. */
    private boolean readersDone() {
        return buffer.isEmpty() && credits.creditSlots() == 0;
    }

    // ---- termination, and matching

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
        matcher.matchAll();
        settleReaders();
    }

    /**
     * @return true if {@code l} was failed at once: the channel is terminated, and {@code l} is
     *     not a reader that still drains it
     */
    boolean refused(Local l) {
        boolean readsBuffer = l.value == null && readersDrain && !readersDone();
        if (terminated != null && !readsBuffer) {
            l.decision.fail(null, l.guard, terminated);
            return true;
        }
        return false;
    }

    /**
     * After a writer-side termination, readers are failed once the buffer is empty and no slot is
     * reserved under a credit (nothing more can reach them).
     */
    private void settleReaders() {
        if (terminated != null && readersDrain && readersDone() && !matcher.headHeld()) {
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
        return matcher.heldProposals();
    }
}
