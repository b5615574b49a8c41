package dev.parley;

import dev.parley.spi.ForeignParty;
import dev.parley.spi.Hold;
import dev.parley.spi.Offer;
import dev.parley.spi.OfferQueue;
import dev.parley.spi.Proposal;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;

/**
 * The part of a {@link LocalChannel} that matches its foreign offers (parties on other nodes)
 * and keeps the state of the proposals it makes to them, until they are answered. One per
 * channel; the channel's lock guards every field, here and in each proposal. A proposal's
 * answer may come from any thread, without the lock.
 *
 * <h2>Implementation note</h2>
 * Foreign offers are matched the same way as local ones, except that the local partner is held,
 * not claimed, until the foreign party answers the {@link Proposal}. The buffer's oldest message,
 * proposed to a foreign reader, stays at the head of the buffer, <em>in flight</em>, until the
 * answer; a free slot proposed to a foreign writer is <em>reserved</em> until the answer. A
 * foreign writer that {@link ForeignParty#commitsOnMatch()} is claimed like a local party and
 * told by a committed proposal, a report of what happened. A foreign reader and a foreign
 * writer of a rendezvous channel are matched in the two steps of {@link Hold}: the writer holds
 * itself, then the reader is proposed its value; while the writer is asked, the reader is
 * <em>reserved</em> (still queued, matched with no one else). Each answer takes its step under
 * the lock and then matches again ({@link LocalChannel#afterProposal}), since parties may have
 * been passed over while the proposal was out.
 */
final class ForeignMatcher {

    private final LocalChannel<?> channel;
    private final OfferQueue readers; // the channel's
    private final OfferQueue writers; // the channel's
    private final ArrayDeque<Object> buffer; // the channel's, or null for a rendezvous channel

    // All below guarded by the channel's lock.
    private int foreignQueued; // foreign offers in the two queues
    private boolean headInFlight; // the buffer's oldest message is proposed to a foreign reader
    private int reservedSlots; // buffer slots kept for foreign writers, one per proposal
    private HashSet<Offer> reserved; // foreign readers whose relay asks a foreign writer; made on first use

    ForeignMatcher(LocalChannel<?> channel) {
        this.channel = channel;
        this.readers = channel.readers;
        this.writers = channel.writers;
        this.buffer = channel.buffer;
    }

    /** @return true if the buffer's oldest message is proposed to a foreign reader (lock held) */
    boolean headInFlight() {
        return headInFlight;
    }

    /** @return the buffer slots reserved for foreign writers, one per proposal (lock held) */
    int reservedSlots() {
        return reservedSlots;
    }

    /** A foreign offer joined one of the queues (lock held). */
    void foreignQueued() {
        foreignQueued++;
    }

    /**
     * Takes a foreign writer that commits on match out of {@code queue} and tells it, by a
     * committed proposal, that it communicated (lock held).
     */
    void proposeCommitted(OfferQueue queue, Offer writer) {
        dequeueForeign(queue, writer);
        writer.foreign().propose(new CommittedProposal());
    }

    /** After a queue grew: starts proposals to foreign parties that now have a partner. */
    void matchForeign() {
        if (foreignQueued > 0) {
            while (matchForeignOnce()) {
                // each round starts one proposal
            }
        }
    }

    /** Starts at most one proposal to a foreign party; returns true if it did. */
    boolean matchForeignOnce() {
        if (foreignQueued == 0) {
            return false;
        }
        for (Offer f = readers.first(); f != null; f = readers.after(f)) {
            if (!f.isForeign() || (reserved != null && reserved.contains(f))) {
                continue;
            }
            if (buffer != null) {
                if (!buffer.isEmpty() && !headInFlight) {
                    headInFlight = true;
                    dequeueForeign(readers, f);
                    f.foreign().propose(new BufferHeadProposal(buffer.peek()));
                    return true;
                }
            } else {
                Offer w = writerFor(f);
                if (w != null && !w.isForeign()) {
                    dequeueForeign(readers, f);
                    f.foreign().propose(new HeldPartnerProposal(w, w.value(), null));
                    return true;
                }
                if (w != null) {
                    reserved = reserved == null ? new HashSet<>() : reserved;
                    reserved.add(f);
                    dequeueForeign(writers, w);
                    Relay relay = new Relay(f, w);
                    w.foreign().hold(relay);
                    if (w.foreign().commitsOnMatch()) {
                        relay.heldLocked(); // such a writer is held as it is asked: no answer comes
                    }
                    return true;
                }
                continue; // the only writers may be f's own decision: a later foreign reader may match
            }
            break;
        }
        for (Offer f = writers.first(); f != null && !channel.termination.terminated(); f = writers.after(f)) {
            if (!f.isForeign()) {
                continue;
            }
            boolean commits = f.foreign().commitsOnMatch();
            if (channel.nothingBuffered()) {
                if (commits) {
                    if (channel.claimFirst(readers, null, f.value()) != null) {
                        dequeueForeign(writers, f);
                        f.foreign().propose(new CommittedProposal()); // the reader has the value now
                        return true;
                    }
                } else {
                    Offer r = holdFirstLocal(readers, f);
                    if (r != null) {
                        dequeueForeign(writers, f);
                        f.foreign().propose(new HeldPartnerProposal(r, null, f.value()));
                        return true;
                    }
                }
                if (buffer == null) {
                    continue; // as for readers: a later foreign writer may match
                }
            }
            if (buffer != null && channel.occupied() < channel.capacity) {
                dequeueForeign(writers, f);
                if (commits) {
                    buffer.add(f.value()); // stored now; the party is told
                    f.foreign().propose(new CommittedProposal());
                } else {
                    reservedSlots++;
                    f.foreign().propose(new ReservedSlotProposal(f.value()));
                }
                return true;
            }
            break;
        }
        return false;
    }

    /** Takes a foreign offer out of {@code queue}, if still there, and counts it out (lock held). */
    void dequeueForeign(OfferQueue queue, Offer foreign) {
        if (queue.remove(foreign)) {
            foreignQueued--;
        }
    }

    /**
     * The oldest writer a foreign reader can be matched with on a rendezvous channel: a local one,
     * open and not the reader's own, which is then held; or a foreign one that can be held and is
     * not the same party (a relay, see {@link Hold}).
     */
    private Offer writerFor(Offer foreignReader) {
        ForeignParty reader = foreignReader.foreign();
        for (Offer o = writers.first(); o != null; o = writers.after(o)) {
            if (o.isForeign()) {
                if (o.foreign().canBeHeld() && !reader.sameParty(o.foreign())) {
                    return o;
                }
            } else if (!reader.belongsTo(o.decision()) && o.decision().tryHold()) {
                return o;
            }
        }
        return null;
    }

    /** Holds the oldest local offer of {@code queue} that is open and not {@code foreign}'s own. */
    private Offer holdFirstLocal(OfferQueue queue, Offer foreign) {
        for (Offer o = queue.first(); o != null; o = queue.after(o)) {
            if (!o.isForeign() && !foreign.foreign().belongsTo(o.decision()) && o.decision().tryHold()) {
                return o;
            }
        }
        return null;
    }

    /** A proposal answered once: a second answer is a transport bug. */
    private abstract class OnceProposal implements Proposal {
        private boolean answered;
        private final Object offered;

        OnceProposal(Object offered) {
            this.offered = offered;
        }

        @Override
        public Object value() {
            return offered;
        }

        @Override
        public long partnerDeadlineNs() {
            return Long.MAX_VALUE; // a buffered message or a buffer slot: nobody waits on it
        }

        final void answerOnce() {
            channel.lock.lock();
            try {
                if (answered) {
                    throw new IllegalStateException("proposal on channel '" + channel.name() + "' answered twice");
                }
                answered = true;
            } finally {
                channel.lock.unlock();
            }
        }
    }

    /** A communication with a foreign writer that commits on match, committed already: a report. */
    private final class CommittedProposal extends OnceProposal {
        CommittedProposal() {
            super(null);
        }

        @Override
        public void accept() {
            answerOnce();
        }

        @Override
        public void decline() {
            answerOnce(); // it happened at the match: nothing to undo
        }

        @Override
        public void fail(RuntimeException error) {
            Objects.requireNonNull(error, "error");
            answerOnce();
        }
    }

    /** A local party held for a foreign one. */
    private final class HeldPartnerProposal extends OnceProposal {
        private final Offer local;
        private final Object received;

        HeldPartnerProposal(Offer local, Object toForeign, Object toLocal) {
            super(toForeign);
            this.local = local;
            this.received = toLocal;
        }

        @Override
        public long partnerDeadlineNs() {
            return local.decision().deadlineNs();
        }

        @Override
        public void accept() {
            answerOnce();
            channel.afterProposal(() -> {
                (local.port() == channel.readerPort() ? readers : writers).remove(local);
                local.decision().commit(local.index(), received);
            }, null);
        }

        @Override
        public void decline() {
            answerOnce();
            local.decision().release();
        }

        @Override
        public void fail(RuntimeException error) {
            Objects.requireNonNull(error, "error");
            answerOnce();
            channel.afterProposal(() -> {
                (local.port() == channel.readerPort() ? readers : writers).remove(local);
                local.decision().fail(local.index(), error);
            }, null);
        }
    }

    /**
     * A foreign writer asked to hold itself for a foreign reader, then the reader proposed the
     * value (see {@link Hold}). The reader stays reserved until the writer answers.
     */
    private final class Relay implements Hold {
        private final Offer reader;
        private final Offer writer;
        private boolean answered;

        Relay(Offer reader, Offer writer) {
            this.reader = reader;
            this.writer = writer;
        }

        @Override
        public void held() {
            channel.afterProposal(this::heldLocked, null);
        }

        /** Under the lock. */
        void heldLocked() {
            answerOnce();
            if (readers.remove(reader)) {
                foreignQueued--;
                reader.foreign().propose(new RelayProposal(this, writer.value()));
            } else {
                writer.foreign().holdEnded(this, Outcome.RELEASED); // the reader left meanwhile
            }
        }

        @Override
        public void refused() {
            channel.afterProposal(this::answerOnce, null); // the reader, no longer reserved, may match again
        }

        /** Under the lock. */
        private void answerOnce() {
            if (answered) {
                throw new IllegalStateException("hold on channel '" + channel.name() + "' answered twice");
            }
            answered = true;
            reserved.remove(reader);
        }

        void ended(Outcome outcome) {
            channel.afterProposal(() -> writer.foreign().holdEnded(this, outcome), null);
        }
    }

    /** A held foreign writer's value, proposed to a foreign reader. */
    private final class RelayProposal extends OnceProposal {
        private final Relay relay;

        RelayProposal(Relay relay, Object value) {
            super(value);
            this.relay = relay;
        }

        @Override
        public void accept() {
            answerOnce();
            relay.ended(Hold.Outcome.TAKEN);
        }

        @Override
        public void decline() {
            answerOnce();
            relay.ended(Hold.Outcome.RELEASED);
        }

        @Override
        public void fail(RuntimeException error) {
            Objects.requireNonNull(error, "error");
            answerOnce();
            relay.ended(Hold.Outcome.UNKNOWN); // at most once: the foreign reader may have it
        }
    }

    /** The buffer's oldest message, offered to a foreign reader. */
    private final class BufferHeadProposal extends OnceProposal {
        BufferHeadProposal(Object head) {
            super(head);
        }

        @Override
        public void accept() {
            answerOnce();
            channel.afterProposal(this::taken, null);
        }

        @Override
        public void decline() {
            answerOnce();
            channel.afterProposal(() -> headInFlight = false, null);
        }

        @Override
        public void fail(RuntimeException error) {
            Objects.requireNonNull(error, "error");
            answerOnce();
            channel.afterProposal(this::taken, null); // at most once: the foreign reader may have it
        }

        private void taken() {
            headInFlight = false;
            buffer.poll();
            channel.refillBuffer();
        }
    }

    /** A buffer slot kept for a foreign writer's message. */
    private final class ReservedSlotProposal extends OnceProposal {
        private final Object message;

        ReservedSlotProposal(Object message) {
            super(null);
            this.message = message;
        }

        @Override
        public void accept() {
            answerOnce();
            channel.afterProposal(() -> {
                reservedSlots--;
                if (channel.termination.storesArrivals()) {
                    buffer.add(message);
                }
            }, null);
        }

        @Override
        public void decline() {
            answerOnce();
            channel.afterProposal(() -> reservedSlots--, null);
        }

        @Override
        public void fail(RuntimeException error) {
            Objects.requireNonNull(error, "error");
            decline(); // at most once: the message is not stored
        }
    }
}
