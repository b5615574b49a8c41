package dev.parley.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The foreign offers that remote ends made at channels this node hosts: queued at the home
 * channel, proposed to the remote end once a partner is held, answered, withdrawn. Not
 * thread-safe: only its node's thread calls it.
 *
 * <h2>States of a foreign offer and who moves them</h2>
 * <pre>
 *   (OFFER from the remote end) --&gt; QUEUED; HomeChannels.offer
 *   QUEUED --proposed, an unconditional writer (binding)--&gt; answered ACCEPT, TAKEN sent, gone
 *   QUEUED --proposed, otherwise (binding)--&gt; PROPOSED, PROPOSE or DELIVER sent
 *   PROPOSED --ACCEPT (remote)--&gt; answered ACCEPT (TAKEN sent to a writer), gone
 *   PROPOSED --DECLINE BUSY (remote)--&gt; answered DECLINE, QUEUED again (offered anew)
 *   PROPOSED --DECLINE FINAL or WITHDRAW (remote)--&gt; answered DECLINE, WITHDRAWN sent, gone
 *   QUEUED --WITHDRAW (remote), still queued--&gt; gone, WITHDRAWN sent
 *   QUEUED --WITHDRAW (remote), a proposal is coming--&gt; WITHDRAW_PENDING --proposed--&gt; answered
 *             DECLINE, WITHDRAWN sent, gone; but an unconditional writer's proposal is ACCEPTED and
 *             TAKEN sent (the channel matched it before the WITHDRAW came)
 *   (OFFER, immediate: a read with no time left, or an alternation's probe) --&gt; QUEUED, and
 *             withdrawn at once unless the channel matched it on arrival: WITHDRAWN sent, gone; so
 *             too each time it is QUEUED again (after DECLINE BUSY or a RELEASE)
 *   QUEUED / WITHDRAW_PENDING --terminated (binding)--&gt; TERMINATED sent, gone
 *   QUEUED --peer silent (timer)--&gt; withdrawn (or WITHDRAW_PENDING), ABORTED(not done) sent
 *   PROPOSED --peer silent, or the held partner's deadline plus a peer timeout passed (timer)--&gt;
 *             answered UNKNOWN, ABORTED(maybe done) sent, gone
 *   any --peer restarted--&gt; withdrawn or answered UNKNOWN, nothing sent; then its ends abandoned
 * </pre>
 * A writer can also be held for a remote reader of the same channel (a relay: the channel asks
 * {@link ProtocolNode#holdRequested}, then proposes the writer's value to the reader, then tells
 * {@link ProtocolNode#holdEnded}):
 * <pre>
 *   QUEUED --holdRequested, an unconditional writer--&gt; HELD, not answered (the home decides: the
 *             channel took it as held when it asked)
 *   QUEUED --holdRequested, a conditional writer--&gt; HOLDING, PROPOSE sent
 *   HOLDING --ACCEPT (remote)--&gt; HELD, answered held (the remote end waits for TAKEN)
 *   HOLDING --DECLINE BUSY (remote)--&gt; answered refused, QUEUED again (offered anew)
 *   HOLDING --DECLINE FINAL or WITHDRAW (remote)--&gt; answered refused, WITHDRAWN sent, gone
 *   HOLDING --peer silent (timer)--&gt; answered refused, ABORTED(not done) sent, gone
 *   WITHDRAW_PENDING --holdRequested--&gt; a conditional writer: answered refused, WITHDRAWN (or
 *             ABORTED) sent, gone; an unconditional one: HELD (matched before the withdraw), its
 *             WITHDRAW answered when the relay ends
 *   HELD --holdEnded TAKEN--&gt; TAKEN sent, gone;  --UNKNOWN--&gt; ABORTED(maybe done) sent, gone
 *   HELD --holdEnded RELEASED--&gt; a conditional writer: RELEASE sent; QUEUED again (offered
 *             anew); after a WITHDRAW meanwhile (an unconditional writer): WITHDRAWN sent, gone
 * </pre>
 * A HELD writer has no timer here: the relay's reader proposal is bounded as every proposal
 * is, and the writer's own node bounds its wait.
 *
 * <p>The remote ends themselves (which are open, on which side), their POISON and RETIRE, and
 * the credit lines of those that write ahead are {@link ForeignEnds}'s; an offer is queued only
 * through an end open there, and a remote unconditional write stored at the match tops its
 * end's credit up ({@link ForeignEnds#grant}) before the TAKEN.
 *
 * <h2>Implementation note</h2>
 * Invariants, by name:
 * <ul>
 *   <li><b>answered-once</b>: every proposal the binding reports is answered exactly once,
 *       also for an offer the node no longer knows (DECLINE).</li>
 *   <li><b>one-proposal</b>: an offer has at most one proposal out; a new one is made only
 *       after the remote end answered BUSY and the offer was queued again.</li>
 *   <li><b>home-decides-unconditional-writes</b>: a remote unconditional write is committed
 *       here, at the proposal, and TAKEN is its only confirmation; a WITHDRAW that finds it
 *       gone is answered ALREADY_GONE after the TAKEN.</li>
 *   <li><b>matched-before-withdrawn</b>: an unconditional write that the channel matched before its
 *       WITHDRAW arrived (the binding reports the proposal later) happened: the home decides those
 *       writes, at the match. So a remote write with a zero timeout meets a reader already waiting.</li>
 *   <li><b>immediate-now-or-never</b>: an immediate offer (a read whose time was up as it was
 *       offered, or an alternation's probe of a guard, reader or writer) is withdrawn right after it
 *       was queued, each time it is queued, unless the channel matched it then; a proposal then
 *       made goes to the remote end, which answers it (it sent no WITHDRAW).</li>
 *   <li><b>withdraw-is-decline</b>: a WITHDRAW arriving while a proposal is out declines it,
 *       because the remote end accepts nothing after sending WITHDRAW.</li>
 *   <li><b>hold-bounded</b>: a partner held for a remote answer is resolved UNKNOWN only when
 *       the remote node has been silent for one peer timeout (since the later of its last frame
 *       and the proposal) or when the held partner's deadline plus one peer timeout has passed;
 *       never merely because the answer is slow while the remote node is heard. A partner with
 *       no deadline is held until the answer or the silence.</li>
 *   <li><b>restart-abandons</b> ({@link ForeignEnds}): every offer through the ends of a
 *       restarted remote node is withdrawn or answered before those ends are abandoned.</li>
 * </ul>
 * The remote end answers every proposal (ACCEPT, DECLINE, or WITHDRAW for an offer it gave
 * up), and the session retransmits until the answer arrives; so while the remote node is
 * heard the answer is coming, however lossy the link, and the hold waits for it.
 */
final class HomeSide {

    /** The states of a foreign offer; see the class comment. */
    enum State { QUEUED, PROPOSED, WITHDRAW_PENDING, HOLDING, HELD }

    /** What to tell the remote end once a pending withdrawal resolves. */
    private enum Then { CONFIRM, ABORT, NOTHING }

    private static final class Foreign {
        final OfferKey key;
        final EndKey end;
        final Frame.Side side;
        final boolean conditional;
        final boolean immediate; // for this moment only: a read with no time left, or a guard's probe
        final long party;
        final byte[] value;
        State state = State.QUEUED;
        boolean withdrawAsked; // a WITHDRAW came while HELD: answer it when the hold ends
        Then then = Then.CONFIRM;
        long proposalId;
        long sinceNs;
        long partnerDeadlineNs = ProtocolNode.NO_DEADLINE; // of the partner held while PROPOSED

        Foreign(OfferKey key, EndKey end, Frame.Side side, boolean conditional, boolean immediate, long party,
                byte[] value, long nowNs) {
            this.key = key;
            this.end = end;
            this.side = side;
            this.conditional = conditional;
            this.immediate = immediate;
            this.party = party;
            this.value = value;
            this.sinceNs = nowNs;
        }

        boolean writer() {
            return side == Frame.Side.WRITE;
        }
    }

    private final Links links;
    private final HomeChannels home;
    private final Map<OfferKey, Foreign> offers = new LinkedHashMap<>();
    private final ForeignEnds ends;
    private long nextProposalId = 1;

    HomeSide(Links links, HomeChannels home) {
        this.links = links;
        this.home = home;
        this.ends = new ForeignEnds(links, home);
    }

    // ------------------------------------------------------------------------------------------
    // Frames from remote ends

    /** @return null if handled, or why the body was rejected */
    Rejection receive(String peer, long incarnation, Frame.Body body, long nowNs) {
        return switch (body) {
            case Frame.Lookup l -> {
                links.send(peer, new Frame.LookupReply(l.lookupId(), Math.max(0, home.lookup(l.name()))), nowNs);
                yield null;
            }
            case Frame.OpenEnd o -> ends.open(new EndKey(peer, incarnation, o.endId()), o);
            case Frame.Offer o -> offered(peer, incarnation, o, nowNs);
            case Frame.Accept a -> accepted(new OfferKey(peer, incarnation, a.opId()), a.proposalId(), nowNs);
            case Frame.Decline d -> declined(new OfferKey(peer, incarnation, d.opId()), d, nowNs);
            case Frame.Withdraw w -> withdrawRequested(new OfferKey(peer, incarnation, w.opId()), nowNs);
            case Frame.Poison p -> ends.endAction(new EndKey(peer, incarnation, p.endId()), p.opId(), false, nowNs);
            case Frame.Retire r -> ends.endAction(new EndKey(peer, incarnation, r.endId()), r.opId(), true, nowNs);
            case Frame.Store st -> ends.stored(new EndKey(peer, incarnation, st.endId()), st.values(), nowNs);
            case Frame.Revoked r -> ends.creditReturned(new EndKey(peer, incarnation, r.endId()));
            default -> Rejection.MALFORMED; // a remote-bound body sent to the home side
        };
    }

    private Rejection offered(String peer, long incarnation, Frame.Offer o, long nowNs) {
        EndKey end = new EndKey(peer, incarnation, o.endId());
        Frame.Side side = ends.side(end);
        OfferKey key = new OfferKey(peer, incarnation, o.opId());
        if (side == null || offers.containsKey(key) || (side == Frame.Side.READ && o.value().length > 0)) {
            links.send(peer, new Frame.Aborted(o.opId(), false), nowNs); // never leave the remote end waiting
            return Rejection.UNKNOWN_REFERENCE;
        }
        Foreign f = new Foreign(key, end, side, o.conditional(), o.immediate(), o.party(), o.value(), nowNs);
        offers.put(key, f);
        queueAtHome(f, nowNs);
        return null;
    }

    /**
     * Queues {@code f} at its home channel, on arrival or again after a declined proposal or a
     * released hold, unless its end has retired since (then it is dropped, and ABORTED(not
     * done) tells its node). An immediate offer is withdrawn at once unless the channel matched
     * it meanwhile (invariant immediate-now-or-never).
     */
    private void queueAtHome(Foreign f, long nowNs) {
        if (!ends.isOpen(f.end)) {
            // Its end retired meanwhile: its node gave up on the offer (say UNKNOWN, while a relay
            // held it) and then retired the end. Nothing is queued through a retired end.
            offers.remove(f.key);
            links.send(f.key.peer(), new Frame.Aborted(f.key.opId(), false), nowNs);
            return;
        }
        home.offer(f.key, f.end, f.party, f.conditional, f.writer() ? f.value : null);
        if (f.immediate && home.withdraw(f.key)) {
            offers.remove(f.key);
            links.send(f.key.peer(), new Frame.Withdrawn(f.key.opId(), Frame.WithdrawResult.WITHDRAWN), nowNs);
        }
    }

    private Rejection accepted(OfferKey key, long proposalId, long nowNs) {
        Foreign f = offers.get(key);
        if (f != null && f.state == State.HOLDING && f.proposalId == proposalId) {
            f.state = State.HELD; // the remote writer now waits for TAKEN or RELEASE
            f.sinceNs = nowNs;
            home.holdAnswered(key, true);
            return null;
        }
        if (f == null || f.state != State.PROPOSED || f.proposalId != proposalId) {
            return Rejection.UNKNOWN_REFERENCE; // e.g. the hold was already resolved as unknown
        }
        offers.remove(key);
        home.answer(key, ProposalAnswer.ACCEPT);
        if (f.writer()) {
            links.send(key.peer(), new Frame.Taken(key.opId()), nowNs);
        }
        return null;
    }

    private Rejection declined(OfferKey key, Frame.Decline d, long nowNs) {
        Foreign f = offers.get(key);
        if (f == null || (f.state != State.PROPOSED && f.state != State.HOLDING) || f.proposalId != d.proposalId()) {
            return null; // the answer to a proposal that a WITHDRAW already declined
        }
        if (f.state == State.HOLDING) {
            home.holdAnswered(key, false);
        } else {
            home.answer(key, ProposalAnswer.DECLINE);
        }
        if (d.reason() == Frame.DeclineReason.BUSY) {
            f.state = State.QUEUED;
            f.sinceNs = nowNs;
            queueAtHome(f, nowNs);
        } else {
            offers.remove(key);
            links.send(key.peer(), new Frame.Withdrawn(key.opId(), Frame.WithdrawResult.WITHDRAWN), nowNs);
        }
        return null;
    }

    private Rejection withdrawRequested(OfferKey key, long nowNs) {
        Foreign f = offers.get(key);
        if (f == null) {
            links.send(key.peer(), new Frame.Withdrawn(key.opId(), Frame.WithdrawResult.ALREADY_GONE), nowNs);
            return null;
        }
        switch (f.state) {
            case QUEUED -> withdrawQueued(f, Then.CONFIRM, nowNs);
            case PROPOSED -> {
                offers.remove(key); // invariant withdraw-is-decline
                home.answer(key, ProposalAnswer.DECLINE);
                confirm(f, Then.CONFIRM, nowNs);
            }
            case HOLDING -> {
                offers.remove(key); // withdraw-is-decline, for the relay's question too
                home.holdAnswered(key, false);
                confirm(f, Then.CONFIRM, nowNs);
            }
            case HELD -> {
                if (links.bug(SeededBug.RELAY_WITHDRAW_AT_ONCE)) {
                    confirm(f, Then.CONFIRM, nowNs); // the relay goes on: its TAKEN is too late
                } else {
                    f.withdrawAsked = true; // an unconditional writer: the relay's reader decides
                }
            }
            case WITHDRAW_PENDING -> { } // a duplicate cannot come (the session deduplicates); nothing to do
        }
        return null;
    }

    private void withdrawQueued(Foreign f, Then then, long nowNs) {
        if (home.withdraw(f.key)) {
            offers.remove(f.key);
            confirm(f, then, nowNs);
        } else {
            f.state = State.WITHDRAW_PENDING; // the binding is about to report a proposal: decline it then
            f.then = then;
        }
    }

    private void confirm(Foreign f, Then then, long nowNs) {
        switch (then) {
            case CONFIRM -> links.send(f.key.peer(),
                    new Frame.Withdrawn(f.key.opId(), Frame.WithdrawResult.WITHDRAWN), nowNs);
            case ABORT -> links.send(f.key.peer(), new Frame.Aborted(f.key.opId(), false), nowNs);
            case NOTHING -> { }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Events from the home channels

    void proposed(OfferKey key, byte[] valueForReader, long partnerDeadlineNs, long nowNs) {
        Foreign f = offers.get(key);
        if (f == null) {
            home.answer(key, ProposalAnswer.DECLINE); // invariant answered-once, for an offer already given up
            return;
        }
        if (f.writer() == (valueForReader != null)) {
            throw new IllegalArgumentException("proposed " + key + " with value="
                    + (valueForReader == null ? "null" : valueForReader.length + " bytes") + " to a side=" + f.side);
        }
        boolean waiting = f.state == State.QUEUED || f.state == State.WITHDRAW_PENDING;
        if (waiting && f.writer() && !f.conditional) {
            // Invariant home-decides-unconditional-writes: committed here, at the match; and
            // matched-before-withdrawn: also when its WITHDRAW (or its silence) was seen after the
            // match, since the binding may have committed it at the match already.
            offers.remove(key);
            home.answer(key, ProposalAnswer.ACCEPT);
            if (f.then != Then.NOTHING) { // NOTHING: its node restarted, the operation is gone there
                ends.grant(f.end, false, nowNs); // before the TAKEN, so that the writer's next write finds the slots
                links.send(key.peer(), new Frame.Taken(key.opId()), nowNs);
            }
            return;
        }
        switch (f.state) {
            case PROPOSED, HOLDING, HELD -> throw new IllegalStateException("a proposal for " + key + " in state="
                    + f.state + ", before the one out was answered (invariant one-proposal)");
            case WITHDRAW_PENDING -> {
                offers.remove(key);
                home.answer(key, ProposalAnswer.DECLINE);
                confirm(f, f.then, nowNs);
            }
            case QUEUED -> {
                f.state = State.PROPOSED;
                f.proposalId = nextProposalId++;
                f.sinceNs = nowNs;
                f.partnerDeadlineNs = partnerDeadlineNs;
                Frame.Body ask = f.writer() ? new Frame.Propose(key.opId(), f.proposalId)
                        : new Frame.Deliver(key.opId(), f.proposalId, valueForReader);
                links.send(key.peer(), ask, nowNs);
            }
        }
    }

    /** The home channel asks a writer to hold itself for a remote reader (a relay); see the class comment. */
    void holdRequested(OfferKey key, long nowNs) {
        Foreign f = offers.get(key);
        if (f == null) {
            home.holdAnswered(key, false); // answered-once, for an offer already given up
            return;
        }
        if (!f.writer()) {
            throw new IllegalArgumentException("holdRequested for " + key + ", a reader's offer");
        }
        switch (f.state) {
            case QUEUED -> {
                f.sinceNs = nowNs;
                if (f.conditional) {
                    f.state = State.HOLDING;
                    f.proposalId = nextProposalId++;
                    links.send(key.peer(), new Frame.Propose(key.opId(), f.proposalId), nowNs);
                } else {
                    f.state = State.HELD; // home-decides-unconditional-writes: held as asked, no answer
                }
            }
            case WITHDRAW_PENDING -> {
                if (!f.conditional) {
                    f.state = State.HELD; // matched-before-withdrawn: the relay's reader decides
                    f.withdrawAsked = true;
                    return;
                }
                offers.remove(key);
                home.holdAnswered(key, false);
                confirm(f, f.then, nowNs);
            }
            case PROPOSED, HOLDING, HELD -> throw new IllegalStateException("holdRequested for " + key
                    + " in state=" + f.state + " (invariant one-proposal)");
        }
    }

    /** The relay of a HELD writer ended; see the class comment. */
    void holdEnded(OfferKey key, HoldOutcome outcome, long nowNs) {
        Foreign f = offers.get(key);
        if (f == null || f.state != State.HELD) {
            throw new IllegalStateException("holdEnded(" + outcome + ") for " + key + " that is not held: "
                    + (f == null ? "unknown" : f.state));
        }
        boolean tell = f.then != Then.NOTHING; // NOTHING: its node restarted, the offer is gone there
        if (outcome == HoldOutcome.RELEASED && tell && !f.withdrawAsked) {
            if (f.conditional) {
                links.send(key.peer(), new Frame.Release(key.opId(), f.proposalId), nowNs);
            }
            f.state = State.QUEUED;
            f.sinceNs = nowNs;
            queueAtHome(f, nowNs);
            return;
        }
        offers.remove(key);
        if (!tell) {
            return;
        }
        links.send(key.peer(), switch (outcome) {
            case TAKEN -> new Frame.Taken(key.opId());
            case RELEASED -> new Frame.Withdrawn(key.opId(), Frame.WithdrawResult.WITHDRAWN); // withdrawAsked
            case UNKNOWN -> new Frame.Aborted(key.opId(), true);
        }, nowNs);
    }

    void terminated(OfferKey key, boolean poison, long nowNs) {
        Foreign f = offers.get(key);
        if (f == null || f.state == State.PROPOSED || f.state == State.HOLDING || f.state == State.HELD) {
            return; // a proposed offer is answered, not terminated
        }
        offers.remove(key);
        if (f.then != Then.NOTHING) {
            links.send(key.peer(), new Frame.Terminated(key.opId(), poison), nowNs);
        }
    }

    /** The channel wants the slots of a write-ahead end back: a writer waits, or it ended. */
    void creditWanted(EndKey end, long nowNs) {
        ends.creditWanted(end, nowNs);
    }

    // ------------------------------------------------------------------------------------------
    // Timers and peers

    void tick(long nowNs) {
        ProtocolConfig config = links.config();
        ends.tick(nowNs);
        for (Foreign f : new ArrayList<>(offers.values())) {
            long heard = links.session(f.key.peer(), nowNs).lastHeardNs();
            boolean silent = nowNs - Math.max(heard, f.sinceNs) >= config.peerTimeoutNs();
            if (f.state == State.QUEUED && silent) {
                withdrawQueued(f, Then.ABORT, nowNs);
            } else if (f.state == State.HOLDING && silent) {
                offers.remove(f.key); // nothing was delivered: the relay's reader was not asked yet
                home.holdAnswered(f.key, false);
                links.send(f.key.peer(), new Frame.Aborted(f.key.opId(), false), nowNs);
            } else if (f.state == State.PROPOSED && (silent || config.pastEndBy(f.partnerDeadlineNs, nowNs))) {
                offers.remove(f.key); // invariant hold-bounded
                home.answer(f.key, ProposalAnswer.UNKNOWN);
                links.send(f.key.peer(), new Frame.Aborted(f.key.opId(), true), nowNs);
            }
        }
    }

    long nextTimerNs(long nowNs) {
        ProtocolConfig config = links.config();
        long next = ends.nextTimerNs(nowNs);
        for (Foreign f : offers.values()) {
            if (f.state == State.WITHDRAW_PENDING || f.state == State.HELD) {
                continue;
            }
            long heard = links.session(f.key.peer(), nowNs).lastHeardNs();
            next = Math.min(next, Math.max(heard, f.sinceNs) + config.peerTimeoutNs());
            if (f.state == State.PROPOSED) {
                next = Math.min(next, config.endByNs(f.partnerDeadlineNs));
            }
        }
        return next;
    }

    void peerRestarted(String peer, long oldIncarnation, long nowNs) {
        for (Foreign f : new ArrayList<>(offers.values())) {
            if (!f.key.peer().equals(peer) || f.key.incarnation() != oldIncarnation) {
                continue;
            }
            if (f.state == State.PROPOSED) {
                offers.remove(f.key);
                home.answer(f.key, ProposalAnswer.UNKNOWN);
            } else if (f.state == State.HOLDING) {
                offers.remove(f.key);
                home.holdAnswered(f.key, false);
            } else if (f.state == State.QUEUED) {
                withdrawQueued(f, Then.NOTHING, nowNs);
            } else {
                f.then = Then.NOTHING;
            }
        }
        ends.peerRestarted(peer, oldIncarnation); // after the offers: invariant restart-abandons
    }

    /** @return how many foreign offers are known (for tests and diagnostics) */
    int offers() {
        return offers.size();
    }
}
