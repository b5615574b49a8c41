package dev.parley.model.sim;

import dev.parley.model.sim.HomeChannel.Foreign;
import dev.parley.model.sim.HomeChannel.Local;
import dev.parley.model.sim.History.Ending;
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
import java.util.Map;
import java.util.Set;

/**
 * The part of a {@link HomeChannel} that matches its parties, local and foreign, and keeps the
 * proposals and hold requests it made until the protocol answers them. One per channel, made
 * with it; only the simulator's thread uses it.
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
 * <p>Invariant <b>answered-held</b>: every proposal is answered once, and only a held proposal
 * is answered; likewise every hold request (an answer without one throws). One simplification:
 * the core hands a local writer's message straight to a waiting local reader when nothing is
 * buffered, even while credits reserve every slot; here it waits until the slots come back.
 */
final class HomeMatcher {

    /** What a proposal holds: a local party, a buffer's head or slot, or a relay's held writer. */
    private record Held(Local local, Foreign foreign, boolean bufferHead, boolean bufferSlot, Foreign relayed) {
        Held(Local local, Foreign foreign, boolean bufferHead, boolean bufferSlot) {
            this(local, foreign, bufferHead, bufferSlot, null);
        }
    }

    /** A relay: the reader reserved for a foreign writer asked to hold itself, by the writer's key. */
    private record Relay(Foreign reader, Foreign writer) {
    }

    private final HomeChannel channel;
    private final SimNode home;
    private final ArrayDeque<Object> readers; // the channel's
    private final ArrayDeque<Object> writers; // the channel's
    private final ArrayDeque<String> buffer; // the channel's
    private boolean headHeld;
    private int reservedSlots;
    private final Map<OfferKey, Held> held = new HashMap<>();
    private final Map<OfferKey, Relay> relays = new HashMap<>();
    private final Set<Foreign> reserved = new HashSet<>();

    HomeMatcher(HomeChannel channel, SimNode home) {
        this.channel = channel;
        this.home = home;
        this.readers = channel.readers;
        this.writers = channel.writers;
        this.buffer = channel.buffer;
    }

    /** @return true while the buffer's oldest message is proposed to a foreign reader */
    boolean headHeld() {
        return headHeld;
    }

    /** @return the buffer slots reserved for foreign writers, one per proposal out */
    int reservedSlots() {
        return reservedSlots;
    }

    /** @return proposals and hold requests not yet answered (0 once the run settles) */
    int heldProposals() {
        return held.size() + relays.size();
    }

    /** Matches pairs until no pair can be matched. */
    void matchAll() {
        boolean progress = true;
        while (progress) {
            prune(readers);
            prune(writers);
            progress = channel.capacity == 0 ? matchRendezvous() : matchBuffered();
        }
    }

    /**
     * The protocol's answer to a relay's hold request for the writer {@code key}; the channel
     * matches again after it.
     */
    void holdAnswered(OfferKey key, boolean heldNow) {
        home.sim().count("hold." + (heldNow ? "held" : "refused"));
        Relay r = relays.get(key);
        if (r == null) {
            throw new IllegalStateException("invariant answered-held: holdAnswered for " + key
                    + " with no hold asked on channel " + channel.name);
        }
        reserved.remove(r.reader);
        long now = home.sim().nowNs();
        if (!heldNow) {
            relays.remove(key);
        } else {
            relayHeld(r, now);
        }
    }

    /** The relay's writer is held: its value goes to the reader, unless the reader left meanwhile. */
    private void relayHeld(Relay r, long now) {
        if (readers.remove(r.reader)) {
            held.put(r.reader.key(), new Held(null, r.reader, false, false, r.writer));
            home.node().proposed(r.reader.key(), r.writer.value().getBytes(StandardCharsets.UTF_8),
                    ProtocolNode.NO_DEADLINE, now); // the held partner is foreign: no local deadline
        } else {
            relays.remove(r.writer.key());
            home.node().holdEnded(r.writer.key(), HoldOutcome.RELEASED, now);
        }
    }

    /**
     * The protocol's answer to the proposal made to the foreign offer {@code key}; the channel
     * matches again after it.
     */
    void answer(OfferKey key, ProposalAnswer answer) {
        home.sim().count("answer." + answer);
        Held h = held.remove(key);
        if (h == null) {
            throw new IllegalStateException("invariant answered-held: answer=" + answer + " for " + key
                    + " with no proposal out on channel " + channel.name);
        }
        long now = home.sim().nowNs();
        if (h.relayed != null) {
            relays.remove(h.relayed.key());
            home.node().holdEnded(h.relayed.key(), switch (answer) {
                case ACCEPT -> HoldOutcome.TAKEN;
                case DECLINE -> HoldOutcome.RELEASED;
                case UNKNOWN -> HoldOutcome.UNKNOWN;
            }, now);
        } else if (h.bufferHead) {
            headHeld = false;
            if (answer != ProposalAnswer.DECLINE) {
                String v = buffer.poll();
                if (answer == ProposalAnswer.UNKNOWN) {
                    home.sim().history().discarded(channel.name, v, now,
                            "buffer head given to a reader whose outcome is unknown", true);
                }
            }
        } else if (h.bufferSlot) {
            reservedSlots--;
            if (answer == ProposalAnswer.ACCEPT) {
                buffer.add(h.foreign.value());
            }
        } else {
            Local l = h.local;
            switch (answer) {
                case ACCEPT -> l.decision().commit(key, l.guard(), l.value() == null ? h.foreign.value() : null);
                case DECLINE -> {
                    l.decision().release(key);
                    if (!channel.refused(l)) {
                        (l.value() == null ? readers : writers).addFirst(l);
                    }
                }
                case UNKNOWN -> l.decision().fail(key, l.guard(), Ending.UNKNOWN);
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    private static void prune(ArrayDeque<Object> queue) {
        queue.removeIf(p -> p instanceof Local l && l.decision().over());
    }

    private boolean eligible(Object p) {
        return p instanceof Foreign f ? !reserved.contains(f) : ((Local) p).decision().open();
    }

    private boolean matchRendezvous() {
        for (Object r : readers) {
            if (!eligible(r)) {
                continue;
            }
            for (Object w : writers) {
                if (!eligible(w) || (r instanceof Foreign fr && w instanceof Foreign fw && fr.sameParty(fw))
                        || (r instanceof Local lr && w instanceof Local lw && lr.decision() == lw.decision())) {
                    continue;
                }
                writers.remove(w);
                if (r instanceof Foreign fr && w instanceof Foreign fw) {
                    Relay relay = new Relay(fr, fw);
                    relays.put(fw.key(), relay);
                    home.node().holdRequested(fw.key(), home.sim().nowNs());
                    if (fw.conditional()) {
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
            lw.decision().commit(null, lw.guard(), null);
            lr.decision().commit(null, lr.guard(), lw.value());
        } else if (r instanceof Local lr) {
            Foreign fw = (Foreign) w;
            hold(lr, fw.key());
            held.put(fw.key(), new Held(lr, fw, false, false));
            home.node().proposed(fw.key(), null, lr.decision().deadlineNs, now);
        } else {
            Local lw = (Local) w;
            Foreign fr = (Foreign) r;
            hold(lw, fr.key());
            held.put(fr.key(), new Held(lw, fr, false, false));
            home.node().proposed(fr.key(), lw.value().getBytes(StandardCharsets.UTF_8), lw.decision().deadlineNs,
                    now);
        }
    }

    private static void hold(Local l, OfferKey by) {
        if (l.decision().tryHold(by, l.guard()) != HoldAnswer.HELD) {
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
                    lr.decision().commit(null, lr.guard(), buffer.poll());
                } else {
                    Foreign fr = (Foreign) r;
                    headHeld = true;
                    held.put(fr.key(), new Held(null, fr, true, false));
                    home.node().proposed(fr.key(), buffer.peek().getBytes(StandardCharsets.UTF_8),
                            ProtocolNode.NO_DEADLINE, now); // nobody is held for a buffered message
                }
                return true;
            }
        }
        if (channel.occupied() < channel.capacity && channel.terminated == null) {
            for (Iterator<Object> it = writers.iterator(); it.hasNext(); ) {
                Object w = it.next();
                if (!eligible(w)) {
                    continue;
                }
                it.remove();
                if (w instanceof Local lw) {
                    buffer.add(lw.value());
                    lw.decision().commit(null, lw.guard(), null);
                } else {
                    Foreign fw = (Foreign) w;
                    reservedSlots++;
                    held.put(fw.key(), new Held(null, fw, false, true));
                    home.node().proposed(fw.key(), null, ProtocolNode.NO_DEADLINE, now); // a slot: nobody held
                }
                return true;
            }
        }
        return false;
    }
}
