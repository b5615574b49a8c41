package dev.parley.protocol.binding;

import dev.parley.Channel;
import dev.parley.ChannelEnd;
import dev.parley.ChannelTerminatedException;
import dev.parley.PoisonException;
import dev.parley.protocol.EndKey;
import dev.parley.protocol.Frame;
import dev.parley.protocol.HoldOutcome;
import dev.parley.protocol.HomeChannels;
import dev.parley.protocol.OfferKey;
import dev.parley.protocol.ProposalAnswer;
import dev.parley.spi.AbandonableEnd;
import dev.parley.spi.Credit;
import dev.parley.spi.Decision;
import dev.parley.spi.ForeignParty;
import dev.parley.spi.GuardableEnd;
import dev.parley.spi.Hold;
import dev.parley.spi.Offer;
import dev.parley.spi.Port;
import dev.parley.spi.Proposal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels a node hosts, bound to the core: each remote end is a local end of the
 * channel (so it counts for retire; abandoned through {@link AbandonableEnd} when its node
 * restarts), and each remote offer is a foreign offer at that end's port. {@link #host} may
 * be called from any thread; the {@link HomeChannels} methods only from the node's thread.
 *
 * <h2>Implementation note</h2>
 * The core calls {@link ForeignParty#propose} with the channel's lock held, on whichever
 * thread matched; the party only records the proposal and submits the report to the node's
 * thread, with the held partner's deadline, by which the node bounds the hold. An UNKNOWN
 * answer (the remote node fell silent, or the partner's deadline plus one peer timeout passed)
 * declines a held reader (it received nothing, which is exact) and fails a held writer with
 * {@link OutcomeUnknownException} (its value was delivered at most once, and nobody can say
 * whether it was).
 *
 * <p>When the node's thread stops (closed, or failed), every foreign offer still queued is
 * withdrawn from its channel, and every proposal still out is answered as UNKNOWN would be, so
 * that no local party stays held for a node that is gone. A proposal made after that (a local
 * party matched a foreign offer as it was being withdrawn) is answered the same way by the
 * party itself, on a thread of its own because {@code propose} runs under the channel's lock.
 * Whoever removes a proposal from {@code proposals} answers it, so each is answered once.
 *
 * <p>A remote writer and a remote reader of one channel meet through the core's relay
 * ({@link Hold}): the writer's party is asked to hold itself ({@code holds}, answered by
 * {@link #holdAnswered}), the reader is proposed the value as any reader, and the writer's party is
 * told how the relay ended, which the node turns into TAKEN, RELEASE or ABORTED. Holds still
 * asked when the node stops are refused (nothing was delivered).
 *
 * <p>A remote writer end that writes ahead into a buffered channel holds a core
 * {@link Credit} on its local end's port, opened at its first grant; when the channel wants the
 * slots back, the credit's holder submits that to the node's thread, which asks the remote end
 * (REVOKE). The credit is closed when the end retires or is abandoned, and when the node stops,
 * so that no slot stays reserved for a writer that can no longer use it.
 */
public final class HostedChannels implements HomeChannels {

    private record Hosted(long id, Channel<Object> channel, ValueCodec<Object> codec) {
    }

    private record RemoteEnd(Hosted hosted, ChannelEnd end, Port port) {
    }

    private final Map<String, Hosted> byName = new ConcurrentHashMap<>();
    private final Map<Long, Hosted> byId = new ConcurrentHashMap<>();
    private final Map<EndKey, RemoteEnd> ends = new ConcurrentHashMap<>();
    private final Map<OfferKey, Offer> offers = new ConcurrentHashMap<>();
    private final Map<OfferKey, Proposal> proposals = new ConcurrentHashMap<>();
    private final Map<OfferKey, Hold> holds = new ConcurrentHashMap<>();
    private final Map<EndKey, Credit> credits = new ConcurrentHashMap<>();
    private volatile NodeLoop loop;

    /** Binds to the loop that runs the node; call once, before the first frame arrives. */
    public void attach(NodeLoop nodeLoop) {
        this.loop = nodeLoop;
        nodeLoop.whenStopped(failure -> stopped());
    }

    /** The node's thread stopped; see the class comment. */
    private void stopped() {
        for (OfferKey key : offers.keySet()) {
            withdraw(key);
        }
        for (OfferKey key : proposals.keySet()) {
            answerStopped(key);
        }
        for (OfferKey key : holds.keySet()) {
            refuseStopped(key);
        }
        for (EndKey key : credits.keySet()) {
            closeCredit(key);
        }
    }

    private void closeCredit(EndKey end) {
        Credit c = credits.remove(end);
        if (c != null) {
            c.close();
        }
    }

    private void refuseStopped(OfferKey key) {
        offers.remove(key);
        Hold h = holds.remove(key);
        if (h != null) {
            h.refused(); // the relay's reader was not proposed anything yet
        }
    }

    private void answerStopped(OfferKey key) {
        offers.remove(key);
        Proposal p = proposals.remove(key);
        if (p == null) {
            return; // answered already
        }
        if (p.value() != null) {
            p.fail(new OutcomeUnknownException("channel '" + key + "': the home node stopped while a remote reader"
                    + " was taking the value; it was delivered at most once"));
        } else {
            p.decline(); // the held reader received nothing
        }
    }

    /**
     * Makes {@code channel} reachable by its name.
     *
     * @throws IllegalArgumentException if a channel of that name is already hosted
     */
    @SuppressWarnings("unchecked")
    public <T> void host(Channel<T> channel, ValueCodec<T> codec) {
        Hosted h = new Hosted(byId.size() + 1L, (Channel<Object>) channel, (ValueCodec<Object>) codec);
        if (byName.putIfAbsent(channel.name(), h) != null) {
            throw new IllegalArgumentException("a channel named name=" + channel.name() + " is already hosted");
        }
        byId.put(h.id, h);
    }

    @Override
    public long lookup(String name) {
        Hosted h = byName.get(name);
        return h == null ? 0 : h.id;
    }

    @Override
    public boolean openEnd(EndKey end, long channelId, Frame.Side side) {
        Hosted h = byId.get(channelId);
        if (h == null) {
            return false;
        }
        ChannelEnd local = side == Frame.Side.READ ? h.channel.reader() : h.channel.writer();
        ends.put(end, new RemoteEnd(h, local, ((GuardableEnd) local).guardPort()));
        return true;
    }

    @Override
    public void offer(OfferKey key, EndKey end, long party, boolean conditional, byte[] value) {
        RemoteEnd e = ends.get(end);
        Object decoded = value == null ? null : e.hosted.codec.decode(value);
        Offer offer = Offer.foreign(e.port, new Party(key, party, decoded != null, conditional, e.hosted.codec),
                decoded);
        offers.put(key, offer);
        e.port.lock();
        try {
            e.port.enroll(offer);
        } finally {
            e.port.unlock();
        }
    }

    @Override
    public boolean withdraw(OfferKey key) {
        Offer offer = offers.get(key);
        if (offer == null) {
            return false;
        }
        Port port = offer.port();
        port.lock(); // the channel's lock is reentrant: withdraw takes it again
        try {
            boolean queued = offer.isQueued();
            port.withdraw(offer);
            if (queued) {
                offers.remove(key);
            }
            return queued;
        } finally {
            port.unlock();
        }
    }

    @Override
    public void answer(OfferKey key, ProposalAnswer answer) {
        offers.remove(key);
        Proposal p = proposals.remove(key);
        if (p == null) {
            if (loop.stopped()) {
                return; // the stop hook, or the party, answered it: the node is stopping
            }
            throw new IllegalStateException("answer=" + answer + " for " + key + " without a proposal");
        }
        boolean toReader = p.value() != null;
        switch (answer) {
            case ACCEPT -> p.accept();
            case DECLINE -> p.decline();
            case UNKNOWN -> {
                if (toReader) {
                    // The remote reader may or may not have taken the value: the held writer
                    // must not offer it again, and is told that nobody can say.
                    p.fail(new OutcomeUnknownException("channel '" + key + "': the remote reader fell silent"
                            + " (or did not answer by this writer's deadline plus the peer timeout) while taking"
                            + " the value; it was delivered at most once"));
                } else {
                    p.decline(); // the held reader received nothing
                }
            }
        }
    }

    @Override
    public void holdAnswered(OfferKey key, boolean held) {
        offers.remove(key); // a refused writer that still stands is offered anew, as a new offer
        Hold h = holds.remove(key);
        if (h == null) {
            if (loop.stopped()) {
                return; // refused by the stop hook
            }
            throw new IllegalStateException("holdAnswered(" + held + ") for " + key + " without a hold");
        }
        if (held) {
            h.held();
        } else {
            h.refused();
        }
    }

    @Override
    public int grant(EndKey end, int max) {
        RemoteEnd e = ends.get(end);
        if (e == null) {
            return 0;
        }
        Credit c = credits.computeIfAbsent(end, key -> e.port.openCredit(() -> {
            NodeLoop l = loop; // under the channel's lock: hand it to the node's thread
            l.submit(() -> l.node().creditWanted(key, System.nanoTime()));
        }));
        return c == null ? 0 : c.grant(max); // null: not a buffered channel
    }

    @Override
    public void store(EndKey end, byte[] value) {
        storeAll(end, List.of(value));
    }

    @Override
    public void storeAll(EndKey end, List<byte[]> values) {
        RemoteEnd e = ends.get(end);
        Credit c = credits.get(end);
        if (e == null || c == null) {
            throw new IllegalStateException("a store through " + end + ", which holds no credit");
        }
        List<Object> decoded = new ArrayList<>(values.size());
        for (byte[] value : values) {
            decoded.add(e.hosted.codec.decode(value));
        }
        c.storeAll(decoded);
    }

    @Override
    public void releaseCredit(EndKey end) {
        Credit c = credits.get(end);
        if (c != null) {
            c.release();
        }
    }

    @Override
    public void poison(EndKey end) {
        RemoteEnd e = ends.get(end);
        if (e != null) {
            e.end.poison();
        }
    }

    @Override
    public void retire(EndKey end) {
        closeCredit(end);
        RemoteEnd e = ends.remove(end);
        if (e != null) {
            e.end.retire();
        }
    }

    @Override
    public void abandon(EndKey end) {
        closeCredit(end);
        RemoteEnd e = ends.remove(end);
        if (e != null) {
            ((AbandonableEnd) e.end).abandon();
        }
    }

    /** A remote end's offer as the core sees it; reports go to the node's thread. */
    private final class Party implements ForeignParty {
        private final OfferKey key;
        private final long party;
        private final boolean writer;
        private final boolean conditional;
        private final ValueCodec<Object> codec;

        Party(OfferKey key, long party, boolean writer, boolean conditional, ValueCodec<Object> codec) {
            this.key = key;
            this.party = party;
            this.writer = writer;
            this.conditional = conditional;
            this.codec = codec;
        }

        @Override
        public boolean commitsOnMatch() {
            return writer && !conditional; // the home decides an unconditional write: every proposal is accepted
        }

        @Override
        public void propose(Proposal proposal) {
            proposals.put(key, proposal);
            Object v = proposal.value();
            byte[] bytes = v == null ? null : codec.encode(v);
            long partnerDeadlineNs = proposal.partnerDeadlineNs(); // System.nanoTime based, as the node's clock
            NodeLoop l = loop;
            l.submit(() -> l.node().proposed(key, bytes, partnerDeadlineNs, System.nanoTime()));
            if (l.stopped()) {
                Thread.ofVirtual().start(() -> answerStopped(key)); // not under the channel's lock
            }
        }

        @Override
        public boolean sameParty(ForeignParty other) {
            return party != 0 && other instanceof Party p && p.party == party
                    && p.key.incarnation() == key.incarnation() && p.key.peer().equals(key.peer());
        }

        @Override
        public boolean canBeHeld() {
            return writer;
        }

        @Override
        public void hold(Hold hold) {
            if (!commitsOnMatch()) {
                holds.put(key, hold); // an unconditional writer is held as it is asked: no answer comes
            }
            NodeLoop l = loop;
            l.submit(() -> l.node().holdRequested(key, System.nanoTime()));
            if (l.stopped()) {
                Thread.ofVirtual().start(() -> refuseStopped(key)); // not under the channel's lock
            }
        }

        @Override
        public void holdEnded(Hold hold, Hold.Outcome outcome) {
            offers.remove(key);
            HoldOutcome o = switch (outcome) {
                case TAKEN -> HoldOutcome.TAKEN;
                case RELEASED -> HoldOutcome.RELEASED;
                case UNKNOWN -> HoldOutcome.UNKNOWN;
            };
            NodeLoop l = loop;
            l.submit(() -> l.node().holdEnded(key, o, System.nanoTime()));
        }

        @Override
        public boolean belongsTo(Decision decision) {
            return SameJvmGuards.isGuardOf(key.incarnation(), key.opId(), decision);
        }

        @Override
        public void terminated(ChannelTerminatedException cause) {
            offers.remove(key);
            NodeLoop l = loop;
            l.submit(() -> l.node().terminated(key, cause instanceof PoisonException, System.nanoTime()));
        }
    }
}
