package dev.parley.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of this node's remote ends on channels hosted elsewhere: offers, their
 * answers to the home's proposals, withdrawal, poison and retire, timeouts and lookups. Not
 * thread-safe: only its node's thread calls it.
 *
 * <h2>States of an operation and who moves them</h2>
 * <pre>
 *   OFFERED --DELIVER to an unconditional reader (home)--&gt; ended DONE, ACCEPT sent
 *   OFFERED --TAKEN for a writer (home)--------------------&gt; ended DONE
 *   OFFERED --DELIVER / PROPOSE to a conditional offer (home)--&gt; ASKING (askHold)
 *   ASKING  --HELD, a reader (binding)---&gt; ended DONE, ACCEPT sent
 *   ASKING  --HELD, a writer (binding)---&gt; AWAIT_TAKEN, ACCEPT sent --TAKEN (home)--&gt; ended DONE
 *   AWAIT_TAKEN --RELEASE (home: its relay's reader declined)--&gt; OFFERED (holdReleased)
 *   ASKING  --BUSY (binding)-------------&gt; OFFERED, DECLINE(BUSY) sent
 *   ASKING  --FINAL (binding)------------&gt; WITHDRAWING, DECLINE(FINAL) sent (already ended)
 *   OFFERED --WITHDRAWN (home), an immediate offer (a read with no time left when offered, or an
 *             alternation's probe)--&gt; ended NOT_DONE
 *   OFFERED --deadline (unconditional, not immediate) or withdraw (this node)--&gt; WITHDRAWING, WITHDRAW sent; a
 *             reader or a conditional offer ends NOT_DONE at once, an unconditional writer waits
 *             for the home
 *   WITHDRAWING --WITHDRAWN (home)--&gt; ended NOT_DONE (if not ended yet) and forgotten
 *   AWAIT_TAKEN / WITHDRAWING --peer silent, or deadline plus a peer timeout (timer)--&gt; ended
 *             OUTCOME_UNKNOWN
 *   any     --TERMINATED / ABORTED (home), peer silent, peer restart--&gt; ended
 * </pre>
 * A poison or retire is an operation too, with one state between its POISON or RETIRE and
 * the home's APPLIED:
 * <pre>
 *   (poison / retire of an open end) --&gt; APPLYING, POISON / RETIRE sent
 *   APPLYING --APPLIED (home)--&gt; ended DONE (NO_SUCH_END: a poison NOT_DONE, a retire DONE)
 *   APPLYING --peer silent (timer)--&gt; ended OUTCOME_UNKNOWN (the session still resends it)
 *   APPLYING --peer restart--&gt; a retire ended DONE (the end went with the home's old
 *             incarnation and counts nowhere), a poison OUTCOME_UNKNOWN
 *   (retire of an end retired already, or lost to a restart) --&gt; ended DONE at once
 *   (poison of an end retired already) --&gt; ended NOT_DONE at once; (of a lost end) OUTCOME_UNKNOWN
 * </pre>
 * A writer end opened to write ahead holds credits: slots the home reserved in a buffered
 * channel. The binding writes under them ({@link ProtocolNode#store}, a STORE each) without
 * waiting for an answer; the home grants them with CREDIT and asks for them back with REVOKE:
 * <pre>
 *   CREDIT (home) --&gt; granted += slots; RemoteEnds.credited, RemoteEnds.storedAhead
 *   REVOKE (home) --&gt; the binding gives back what it has not used (RemoteEnds.creditTakenBack);
 *             REVOKED sent once every STORE under the rest was sent
 *   home silent for the peer timeout --&gt; the binding gives back what it has not used; a REVOKE
 *             is answered when the home is heard again
 *   retire of such an end --&gt; the binding gives back what it has not used; RETIRE sent once every
 *             STORE under the rest was sent (so it follows them, and the home releases the rest)
 * </pre>
 *
 * <h2>Implementation note</h2>
 * Who decides: for a read and for every conditional offer, this node decides, and the order
 * of its frames on the session is the decision: once it sent WITHDRAW (or DECLINE FINAL)
 * it refuses every later proposal for the operation, and before that it accepts only
 * through ACCEPT. The home therefore may take a WITHDRAW as the decline of a proposal still
 * out. For an unconditional write the home decides (TAKEN or WITHDRAWN, whichever it sends
 * first), so a withdrawing writer waits for the home's answer.
 * Invariants, by name:
 * <ul>
 *   <li><b>completed-once</b>: {@link RemoteEnds#completed} is called exactly once per
 *       operation, and never again after it.</li>
 *   <li><b>no-accept-after-withdraw</b>: no ACCEPT is sent for an operation after its
 *       WITHDRAW or DECLINE(FINAL).</li>
 *   <li><b>bounded-life</b>: any operation ends one peer timeout after the later of the
 *       peer's last frame and its own last change of state (the peer fell silent); an
 *       unconditional timed operation ends by its deadline plus one peer timeout, and so does a
 *       held conditional one (its deadline is its owner's: the alternation withdraws it while it
 *       is only offered). An operation waiting for the home's answer (AWAIT_TAKEN, WITHDRAWING)
 *       never ends merely because time passed while the peer is heard: the session brings the
 *       answer, however lossy the link. The one exception is an operation whose askHold the
 *       binding has not answered yet. A poison or retire (APPLYING) has no deadline: it ends
 *       with the home's APPLIED, or when the peer fell silent or restarted.</li>
 *   <li><b>poison-is-final</b>: a home channel, once poisoned, stays poisoned for the life of
 *       its home's incarnation, and after a poison no writer can refill its buffer. So once
 *       this node knows a side of a home channel is poisoned (a poison through one of its
 *       ends was APPLIED: the writer side, and the reader side too for a reader's poison, which
 *       discards the buffer; or an operation on that side was TERMINATED by poison), every
 *       later offer on that side through any of its ends ends POISONED at once, without a
 *       frame, as a local end would. The knowledge is dropped when the home restarts.</li>
 *   <li><b>credit-respected</b>: an end sends at most as many STOREs as it was granted slots,
 *       less those given back; REVOKED and a write-ahead end's RETIRE follow every STORE made
 *       under the slots they give back, so the home never receives a STORE it reserved no slot
 *       for, except after it let the slots lapse (then it stores the late arrivals anyway).</li>
 *   <li><b>released-stands</b>: a RELEASE moves a writer from AWAIT_TAKEN back to OFFERED only
 *       for the proposal it accepted; its offer stands again and a conditional one's decision is
 *       no longer held ({@link RemoteEnds#holdReleased}), so it may still withdraw or be proposed
 *       anew. The home sends it only when no reader has the value.</li>
 *   <li><b>done-means-applied</b>: a poison or retire ends DONE only on the home's APPLIED,
 *       which the home sends after it applied the action (or, for a retire, when the end is
 *       gone there anyway: refused, retired before, or gone with the home's old incarnation).</li>
 * </ul>
 */
final class RemoteSide {

    /** The states of an operation in flight; see the class comment. */
    enum State { OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING }

    private static final class End {
        final long id;
        final String peer;
        final long channelId;
        final Frame.Side side;
        final boolean writeAhead;
        boolean lost;
        long granted; // slots granted and not given back: the STOREs this end may send in all
        long stored; // STOREs sent (or dropped, once the end is lost)
        boolean creditHeld; // the binding may hold unused slots
        long creditSinceNs; // when the last CREDIT came
        boolean revokeOwed; // a REVOKE came: REVOKED once stored == granted
        EndAction retireAfterStores; // a retire whose RETIRE waits until stored == granted

        End(long id, String peer, long channelId, Frame.Side side, boolean writeAhead) {
            this.id = id;
            this.peer = peer;
            this.channelId = channelId;
            this.side = side;
            this.writeAhead = writeAhead;
        }

        PoisonedSide poisonedSide() {
            return new PoisonedSide(peer, channelId, side);
        }
    }

    /** One side of a home channel that this node knows to be poisoned (invariant poison-is-final). */
    private record PoisonedSide(String peer, long channelId, Frame.Side side) {
    }

    private static final class Op {
        final long id;
        final End end;
        final boolean conditional;
        final boolean immediate; // a read with no time left, or a probe: the home answers at once, no WITHDRAW
        final long deadlineNs;
        State state = State.OFFERED;
        long sinceNs;
        long proposalId;
        byte[] proposed;
        boolean ended;
        boolean voided; // the peer restarted while the binding was asked: end when it answers

        Op(long id, End end, boolean conditional, boolean immediate, long deadlineNs, long nowNs) {
            this.id = id;
            this.end = end;
            this.conditional = conditional;
            this.immediate = immediate;
            this.deadlineNs = deadlineNs;
            this.sinceNs = nowNs;
        }

        boolean writer() {
            return end.side == Frame.Side.WRITE;
        }
    }

    private static final class Lookup {
        final long id;
        final String peer;
        final String name;
        final long deadlineNs;
        long retryAtNs = Long.MAX_VALUE;
        boolean answered;

        Lookup(long id, String peer, String name, long deadlineNs) {
            this.id = id;
            this.peer = peer;
            this.name = name;
            this.deadlineNs = deadlineNs;
        }
    }

    /** A poison or retire waiting for the home's APPLIED. */
    private record EndAction(long id, End end, boolean retire, long sinceNs) {
    }

    private final Links links;
    private final RemoteEnds remote;
    private final Map<Long, End> ends = new LinkedHashMap<>();
    /** Retired write-ahead ends whose RETIRE waits for STOREs still to come from the binding. */
    private final Map<Long, End> draining = new LinkedHashMap<>();
    private final Map<Long, Op> ops = new LinkedHashMap<>();
    private final Map<Long, Lookup> lookups = new LinkedHashMap<>();
    /** POISON and RETIRE sent and not answered yet (state APPLYING), by operation id. */
    private final Map<Long, EndAction> actions = new LinkedHashMap<>();
    private final java.util.Set<PoisonedSide> poisoned = new java.util.HashSet<>();
    private long nextId = 1;

    RemoteSide(Links links, RemoteEnds remote) {
        this.links = links;
        this.remote = remote;
    }

    // ------------------------------------------------------------------------------------------
    // Calls from this node's binding

    long lookup(String peer, String name, long deadlineNs, long nowNs) {
        Lookup l = new Lookup(nextId++, peer, name, deadlineNs);
        lookups.put(l.id, l);
        links.send(peer, new Frame.Lookup(l.id, name), nowNs);
        return l.id;
    }

    long openEnd(String peer, long channelId, Frame.Side side, boolean writeAhead, long nowNs) {
        End e = new End(nextId++, peer, channelId, side, writeAhead);
        ends.put(e.id, e);
        links.send(peer, new Frame.OpenEnd(e.id, channelId, side, writeAhead), nowNs);
        return e.id;
    }

    /** Writes under the end's credit, in one STORE (invariant credit-respected); see the class comment. */
    void store(long endId, List<byte[]> values, long nowNs) {
        End e = ends.get(endId);
        e = e != null ? e : draining.get(endId);
        if (e == null || !e.writeAhead) {
            throw new IllegalArgumentException("no end that writes ahead with endId=" + endId);
        }
        if (e.stored + values.size() > e.granted) {
            throw new IllegalStateException("stores beyond the credit: endId=" + endId + ", granted=" + e.granted
                    + ", stored=" + e.stored + ", storing=" + values.size());
        }
        e.stored += values.size();
        if (!e.lost) {
            links.send(e.peer, new Frame.Store(e.id, values), nowNs); // else they went with the home's old incarnation
            links.counters().add(Counters.Event.WRITES_AHEAD, values.size());
        }
        afterStores(e, nowNs);
    }

    /**
     * @return when the end's slots are taken back if its home stays silent (one peer timeout after
     *     the later of the home's last frame and its last CREDIT), or {@link Long#MAX_VALUE} when
     *     the binding holds none
     */
    private long creditLapsesAtNs(End e, long nowNs) {
        if (!e.creditHeld) {
            return Long.MAX_VALUE;
        }
        long heardNs = links.session(e.peer, nowNs).lastHeardNs();
        return Math.max(heardNs, e.creditSinceNs) + links.config().peerTimeoutNs();
    }

    /** Takes back from the binding the slots it has not used: it writes under them no more. */
    private void takeBackCredit(End e) {
        if (e.creditHeld) {
            e.creditHeld = false;
            e.granted -= remote.creditTakenBack(e.id);
        }
    }

    /** Sends what waited for every STORE under the end's remaining slots: REVOKED, a RETIRE. */
    private void afterStores(End e, long nowNs) {
        if (e.stored < e.granted) {
            return;
        }
        if (e.revokeOwed) {
            e.revokeOwed = false;
            links.send(e.peer, new Frame.Revoked(e.id), nowNs);
        }
        draining.remove(e.id); // a retired end's last write came
        EndAction retire = e.retireAfterStores;
        if (retire != null) {
            e.retireAfterStores = null;
            if (!e.lost) {
                links.send(e.peer, new Frame.Retire(retire.id, e.id), nowNs); // also when a timeout ended it: resent
            }
        }
    }

    /** @return true if the end is open here and its home restarted since it was opened */
    boolean endLost(long endId) {
        End e = ends.get(endId);
        return e != null && e.lost;
    }

    /** @param probe a conditional offer for this moment only (an alternation's probe, so conditional): immediate */
    long offer(long endId, byte[] value, boolean conditional, boolean probe, long party, long deadlineNs,
            long nowNs) {
        End e = ends.get(endId);
        if (e == null) {
            throw new IllegalArgumentException("no open end with endId=" + endId);
        }
        if ((e.side == Frame.Side.WRITE) != (value != null)) {
            throw new IllegalArgumentException("a writer's offer needs a value and a reader's has none: endId="
                    + endId + ", side=" + e.side + ", value=" + (value == null ? "null" : value.length + " bytes"));
        }
        boolean immediate = probe || !conditional && value == null && deadlineNs != ProtocolNode.NO_DEADLINE
                && deadlineNs - nowNs <= 0;
        Op op = new Op(nextId++, e, conditional, immediate, deadlineNs, nowNs);
        ops.put(op.id, op);
        if (e.lost) {
            finish(op, Outcome.OUTCOME_UNKNOWN, null); // its home restarted: the end is gone there
            return op.id;
        }
        if (poisoned.contains(e.poisonedSide())) {
            finish(op, Outcome.POISONED, null); // invariant poison-is-final: the home would refuse it
            return op.id;
        }
        links.send(e.peer, new Frame.Offer(op.id, e.id, party, conditional, immediate,
                value == null ? new byte[0] : value), nowNs);
        return op.id;
    }

    void withdraw(long opId, long nowNs) {
        Op op = ops.get(opId);
        if (op != null && op.state == State.OFFERED && (!op.immediate || op.conditional)) {
            startWithdraw(op, nowNs);
        }
        // ASKING: the hold answer (FINAL) ends it; AWAIT_TAKEN: the decision is held, not withdrawable;
        // an immediate read: the home answers it at once, and withdrawing would only lose what it took.
        // A probe (immediate, conditional) is withdrawn when its alternation gave up on it early: this
        // node decides conditional offers, and its WITHDRAW then reaches the home before a later RETIRE.
    }

    void holdAnswered(long opId, HoldAnswer answer, long nowNs) {
        Op op = ops.get(opId);
        if (op == null || op.state != State.ASKING) {
            throw new IllegalStateException("holdAnswered for opId=" + opId + " that is not asking: "
                    + (op == null ? "unknown" : op.state));
        }
        String peer = op.end.peer;
        op.sinceNs = nowNs;
        if (op.voided) {
            finish(op, Outcome.OUTCOME_UNKNOWN, null); // a HELD decision is failed, an unheld one left alone
            return;
        }
        switch (answer) {
            case HELD -> {
                links.send(peer, new Frame.Accept(op.id, op.proposalId), nowNs);
                if (op.writer()) {
                    op.state = State.AWAIT_TAKEN;
                } else {
                    finish(op, Outcome.DONE, op.proposed);
                }
            }
            case BUSY -> {
                op.state = State.OFFERED;
                links.send(peer, new Frame.Decline(op.id, op.proposalId, Frame.DeclineReason.BUSY), nowNs);
            }
            case FINAL -> {
                op.state = State.WITHDRAWING;
                end(op, Outcome.NOT_DONE, null);
                links.send(peer, new Frame.Decline(op.id, op.proposalId, Frame.DeclineReason.FINAL), nowNs);
            }
        }
        op.proposed = null;
    }

    /** @return the poison's operation id; it ends in {@link RemoteEnds#completed} */
    long poison(long endId, long nowNs) {
        return endAction(ends.get(endId), false, nowNs);
    }

    /** @return the retire's operation id; it ends in {@link RemoteEnds#completed} */
    long retire(long endId, long nowNs) {
        End e = ends.remove(endId);
        if (e != null && e.writeAhead) {
            takeBackCredit(e);
            if (e.stored < e.granted) {
                // Writes under the credit are still on their way from the binding: they must find
                // the end (a lost one drops them), and a RETIRE follows them.
                draining.put(e.id, e);
                if (!e.lost) {
                    long id = nextId++;
                    e.retireAfterStores = new EndAction(id, e, true, nowNs);
                    actions.put(id, e.retireAfterStores);
                    return id;
                }
            }
        }
        return endAction(e, true, nowNs);
    }

    private long endAction(End e, boolean retire, long nowNs) {
        long id = nextId++;
        if (e == null) {
            // Retired already: retiring again is a no-op, and a poison through a retired end does nothing.
            report(id, retire ? Outcome.DONE : Outcome.NOT_DONE, null);
        } else if (e.lost) {
            // Its home restarted: the end went with the old incarnation, which left no channel to poison.
            report(id, retire ? Outcome.DONE : Outcome.OUTCOME_UNKNOWN, null);
        } else {
            actions.put(id, new EndAction(id, e, retire, nowNs));
            links.send(e.peer, retire ? new Frame.Retire(id, e.id) : new Frame.Poison(id, e.id), nowNs);
            if (!retire && links.bug(SeededBug.POISON_DONE_ON_SEND)) {
                actions.remove(id);
                report(id, Outcome.DONE, null);
            }
        }
        return id;
    }

    // ------------------------------------------------------------------------------------------
    // Frames from homes

    /** @return null if handled, or why the body was rejected */
    Rejection receive(String peer, Frame.Body body, long nowNs) {
        return switch (body) {
            case Frame.LookupReply r -> lookupReplied(r, nowNs);
            case Frame.Deliver d -> proposed(peer, d.opId(), d.proposalId(), d.value(), nowNs);
            case Frame.Propose p -> proposed(peer, p.opId(), p.proposalId(), null, nowNs);
            case Frame.Taken t -> taken(peer, t.opId());
            case Frame.Release r -> released(peer, r, nowNs);
            case Frame.Withdrawn w -> withdrawn(peer, w);
            case Frame.Terminated t -> terminated(peer, t);
            case Frame.Aborted a -> endFromHome(peer, a.opId(),
                    a.maybeDone() ? Outcome.OUTCOME_UNKNOWN : Outcome.PEER_UNREACHABLE);
            case Frame.Applied a -> applied(peer, a);
            case Frame.Credit c -> credited(peer, c, nowNs);
            case Frame.Revoke r -> revokeAsked(peer, r, nowNs);
            default -> Rejection.MALFORMED; // a home-bound body sent to the remote side
        };
    }

    private Rejection credited(String peer, Frame.Credit c, long nowNs) {
        End e = ends.get(c.endId());
        if (e == null && draining.containsKey(c.endId())) {
            return null; // retired meanwhile: its RETIRE gives these back too
        }
        if (e == null || !e.peer.equals(peer) || !e.writeAhead || e.revokeOwed) {
            return Rejection.UNKNOWN_REFERENCE; // no grant comes between a REVOKE and its REVOKED
        }
        if (!e.lost) {
            e.creditSinceNs = nowNs;
            if (c.slots() > 0) {
                e.granted += c.slots();
                e.creditHeld = true;
                remote.credited(e.id, c.slots());
            }
            remote.storedAhead(e.id, c.stored());
        }
        return null;
    }

    private Rejection revokeAsked(String peer, Frame.Revoke r, long nowNs) {
        End e = ends.get(r.endId());
        if (e == null && draining.containsKey(r.endId())) {
            return null; // its RETIRE, which follows every STORE, answers this
        }
        if (e == null || !e.peer.equals(peer) || !e.writeAhead) {
            return Rejection.UNKNOWN_REFERENCE;
        }
        takeBackCredit(e);
        e.revokeOwed = true;
        afterStores(e, nowNs);
        return null;
    }

    private Rejection lookupReplied(Frame.LookupReply r, long nowNs) {
        Lookup l = lookups.get(r.lookupId());
        if (l == null) {
            return null; // an answer to an earlier ask of a lookup that has ended
        }
        l.answered = true;
        if (r.channelId() > 0) {
            lookups.remove(l.id);
            remote.lookedUp(l.id, Outcome.DONE, r.channelId());
        } else {
            l.retryAtNs = nowNs + links.config().lookupRetryNs();
        }
        return null;
    }

    private Op opOf(String peer, long opId) {
        Op op = ops.get(opId);
        return op != null && op.end.peer.equals(peer) ? op : null;
    }

    private Rejection proposed(String peer, long opId, long proposalId, byte[] value, long nowNs) {
        Op op = opOf(peer, opId);
        if (op != null && op.state == State.WITHDRAWING && !op.ended && value != null
                && links.bug(SeededBug.ACCEPT_AFTER_WITHDRAW)) {
            links.send(peer, new Frame.Accept(opId, proposalId), nowNs);
            finish(op, Outcome.DONE, value);
            return null;
        }
        if (op == null || op.state != State.OFFERED) {
            // Unknown (ended, withdrawn) or withdrawing: refuse, so that the home never waits on us.
            links.send(peer, new Frame.Decline(opId, proposalId, Frame.DeclineReason.FINAL), nowNs);
            return op == null || op.state == State.WITHDRAWING ? null : Rejection.UNKNOWN_REFERENCE;
        }
        if ((value != null) == op.writer()) {
            return Rejection.UNKNOWN_REFERENCE; // PROPOSE to a reader, or DELIVER to a writer
        }
        op.sinceNs = nowNs;
        op.proposalId = proposalId;
        if (!op.conditional) {
            links.send(peer, new Frame.Accept(opId, proposalId), nowNs);
            if (op.writer()) {
                op.state = State.AWAIT_TAKEN; // the home proposed to an unconditional writer: yes, and wait
            } else {
                finish(op, Outcome.DONE, value);
            }
            return null;
        }
        op.state = State.ASKING;
        op.proposed = value;
        remote.askHold(opId, value);
        return null;
    }

    private Rejection taken(String peer, long opId) {
        Op op = opOf(peer, opId);
        if (op == null || !op.writer() || op.state == State.ASKING) {
            return Rejection.UNKNOWN_REFERENCE;
        }
        finish(op, Outcome.DONE, null); // OFFERED, AWAIT_TAKEN, or WITHDRAWING (the home committed first)
        return null;
    }

    /** The home's relay let the writer go: its offer stands again (invariant released-stands). */
    private Rejection released(String peer, Frame.Release r, long nowNs) {
        Op op = opOf(peer, r.opId());
        if (op == null || op.state != State.AWAIT_TAKEN || op.proposalId != r.proposalId()) {
            return Rejection.UNKNOWN_REFERENCE; // e.g. it already ended OUTCOME_UNKNOWN by its bound
        }
        op.state = State.OFFERED;
        op.sinceNs = nowNs;
        if (op.conditional) {
            remote.holdReleased(op.id);
        }
        return null;
    }

    private Rejection withdrawn(String peer, Frame.Withdrawn w) {
        Op op = opOf(peer, w.opId());
        if (op == null) {
            return null; // the race a withdraw may lose: TAKEN (or TERMINATED) came first and ended it
        }
        if (op.state != State.WITHDRAWING && !(op.immediate && op.state == State.OFFERED)) {
            return Rejection.UNKNOWN_REFERENCE;
        }
        finish(op, w.result() == Frame.WithdrawResult.WITHDRAWN ? Outcome.NOT_DONE : Outcome.OUTCOME_UNKNOWN, null);
        return null;
    }

    private Rejection applied(String peer, Frame.Applied a) {
        EndAction action = actions.get(a.opId());
        if (action == null || !action.end.peer.equals(peer)) {
            return Rejection.UNKNOWN_REFERENCE; // e.g. the answer to an action a peer timeout already ended
        }
        actions.remove(action.id);
        if (a.result() == Frame.ApplyResult.APPLIED && !action.retire) {
            learnPoisoned(action.end, Frame.Side.WRITE);
            if (action.end.side == Frame.Side.READ) {
                learnPoisoned(action.end, Frame.Side.READ); // a reader's poison discards the buffer
            }
        }
        boolean done = a.result() == Frame.ApplyResult.APPLIED || action.retire; // invariant done-means-applied
        report(action.id, done ? Outcome.DONE : Outcome.NOT_DONE, null);
        return null;
    }

    private Rejection terminated(String peer, Frame.Terminated t) {
        Op op = opOf(peer, t.opId());
        if (op != null && t.poison()) {
            learnPoisoned(op.end, op.end.side); // a reader is told only once nothing is left to read
        }
        return endFromHome(peer, t.opId(), t.poison() ? Outcome.POISONED : Outcome.RETIRED);
    }

    private void learnPoisoned(End e, Frame.Side side) {
        poisoned.add(new PoisonedSide(e.peer, e.channelId, side));
    }

    private Rejection endFromHome(String peer, long opId, Outcome outcome) {
        Op op = opOf(peer, opId);
        if (op == null) {
            return Rejection.UNKNOWN_REFERENCE;
        }
        finish(op, outcome, null);
        return null;
    }

    // ------------------------------------------------------------------------------------------
    // Timers and peers

    void tick(long nowNs) {
        long timeout = links.config().peerTimeoutNs();
        for (Op op : new ArrayList<>(ops.values())) {
            Session s = links.session(op.end.peer, nowNs);
            long silentNs = nowNs - Math.max(s.lastHeardNs(), op.sinceNs);
            switch (op.state) {
                case OFFERED -> {
                    if (!op.conditional && !op.immediate && op.deadlineNs != ProtocolNode.NO_DEADLINE
                            && nowNs - op.deadlineNs >= 0) {
                        startWithdraw(op, nowNs);
                    } else if (silentNs >= timeout) {
                        // The home decides an unconditional write: it may have committed it. Reads and
                        // conditional offers are decided here, and nothing was accepted.
                        links.send(op.end.peer, new Frame.Withdraw(op.id), nowNs); // best effort, if it comes back
                        boolean homeDecides = op.writer() && !op.conditional;
                        finish(op, homeDecides ? Outcome.OUTCOME_UNKNOWN : Outcome.PEER_UNREACHABLE, null);
                    }
                }
                case ASKING -> { } // waiting for the binding, which answers promptly
                case AWAIT_TAKEN, WITHDRAWING -> {
                    if (silentNs >= timeout || links.config().pastEndBy(op.deadlineNs, nowNs)) {
                        finish(op, Outcome.OUTCOME_UNKNOWN, null); // invariant bounded-life
                    }
                }
            }
        }
        for (End e : ends.values()) {
            long lapseNs = creditLapsesAtNs(e, nowNs);
            if (lapseNs != Long.MAX_VALUE && nowNs - lapseNs >= 0) {
                takeBackCredit(e); // no more writes ahead into a home that fell silent
            }
        }
        for (EndAction a : new ArrayList<>(actions.values())) {
            if (nowNs - Math.max(links.session(a.end.peer, nowNs).lastHeardNs(), a.sinceNs) >= timeout) {
                actions.remove(a.id); // invariant bounded-life: it may have been applied, or be later
                report(a.id, Outcome.OUTCOME_UNKNOWN, null);
            }
        }
        for (Lookup l : new ArrayList<>(lookups.values())) {
            if (nowNs - l.deadlineNs >= 0) {
                lookups.remove(l.id);
                remote.lookedUp(l.id, l.answered ? Outcome.NOT_DONE : Outcome.PEER_UNREACHABLE, 0);
            } else if (nowNs - l.retryAtNs >= 0) {
                l.retryAtNs = Long.MAX_VALUE;
                links.send(l.peer, new Frame.Lookup(l.id, l.name), nowNs);
            }
        }
    }

    long nextTimerNs(long nowNs) {
        long timeout = links.config().peerTimeoutNs();
        long next = Long.MAX_VALUE;
        for (Op op : ops.values()) {
            long silence = Math.max(links.session(op.end.peer, nowNs).lastHeardNs(), op.sinceNs) + timeout;
            switch (op.state) {
                case OFFERED -> next = Math.min(next, op.conditional || op.immediate ? silence
                        : Math.min(op.deadlineNs, silence));
                case ASKING -> { }
                case AWAIT_TAKEN, WITHDRAWING -> next = Math.min(next,
                        Math.min(silence, links.config().endByNs(op.deadlineNs)));
            }
        }
        for (EndAction a : actions.values()) {
            next = Math.min(next, Math.max(links.session(a.end.peer, nowNs).lastHeardNs(), a.sinceNs) + timeout);
        }
        for (End e : ends.values()) {
            next = Math.min(next, creditLapsesAtNs(e, nowNs));
        }
        for (Lookup l : lookups.values()) {
            next = Math.min(next, Math.min(l.deadlineNs, l.retryAtNs));
        }
        return next;
    }

    /** The peer is a new incarnation: everything in flight with the old one ends, its ends are lost. */
    void peerRestarted(String peer, long nowNs) {
        poisoned.removeIf(p -> p.peer.equals(peer)); // the new incarnation's channels are new
        for (End e : ends.values()) {
            if (e.peer.equals(peer)) {
                e.lost = true;
                takeBackCredit(e); // the slots went with the home's old incarnation
                e.revokeOwed = false;
            }
        }
        for (End e : draining.values()) {
            if (e.peer.equals(peer)) {
                e.lost = true; // its RETIRE is not sent: the restart retired the end (DONE below)
            }
        }
        for (Op op : new ArrayList<>(ops.values())) {
            if (op.end.peer.equals(peer) && op.state != State.ASKING) {
                finish(op, Outcome.OUTCOME_UNKNOWN, null);
            } else if (op.end.peer.equals(peer)) {
                op.voided = true;
            }
        }
        for (EndAction a : new ArrayList<>(actions.values())) {
            if (a.end.peer.equals(peer)) {
                actions.remove(a.id); // the restart retired the end; a poison may have reached the old one
                report(a.id, a.retire ? Outcome.DONE : Outcome.OUTCOME_UNKNOWN, null);
            }
        }
        for (Lookup l : lookups.values()) {
            if (l.peer.equals(peer)) {
                links.send(peer, new Frame.Lookup(l.id, l.name), nowNs); // lookups are idempotent: ask the new one
            }
        }
    }

    /**
     * @return how many operations are in flight (ended ones awaiting a withdraw confirmation
     *     included, and poisons and retires awaiting APPLIED)
     */
    int inFlight() {
        return ops.size() + actions.size();
    }

    // ------------------------------------------------------------------------------------------

    private void startWithdraw(Op op, long nowNs) {
        op.state = State.WITHDRAWING;
        op.sinceNs = nowNs;
        links.send(op.end.peer, new Frame.Withdraw(op.id), nowNs);
        boolean bugWrite = links.bug(SeededBug.WITHDRAW_WITHOUT_CONFIRMATION) && op.writer();
        boolean bugRead = links.bug(SeededBug.ACCEPT_AFTER_WITHDRAW) && !op.writer() && !op.conditional;
        if ((!op.writer() || op.conditional || bugWrite) && !bugRead) {
            end(op, Outcome.NOT_DONE, null); // this node decides: nothing is accepted after the WITHDRAW
        }
    }

    /** Reports the outcome (once) and forgets the operation. */
    private void finish(Op op, Outcome outcome, byte[] value) {
        end(op, outcome, value);
        ops.remove(op.id);
    }

    /** Reports the outcome, once (invariant completed-once). */
    private void end(Op op, Outcome outcome, byte[] value) {
        if (op.ended) {
            return;
        }
        op.ended = true;
        report(op.id, outcome, value);
    }

    /** Counts and reports an operation's outcome; its caller makes sure it happens once. */
    private void report(long opId, Outcome outcome, byte[] value) {
        links.counters().add(switch (outcome) {
            case DONE -> Counters.Event.OPERATIONS_DONE;
            case NOT_DONE -> Counters.Event.OPERATIONS_NOT_DONE;
            case OUTCOME_UNKNOWN -> Counters.Event.OPERATIONS_OUTCOME_UNKNOWN;
            case PEER_UNREACHABLE -> Counters.Event.OPERATIONS_PEER_UNREACHABLE;
            case POISONED, RETIRED -> Counters.Event.OPERATIONS_TERMINATED;
        });
        remote.completed(opId, outcome, value);
    }

    /** @return the operations in flight, for failure messages */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Op op : ops.values()) {
            out.append("op ").append(op.id).append(' ').append(op.end.side)
                    .append(op.conditional ? " conditional " : " ")
                    .append(op.state).append(op.ended ? " (ended)" : "").append(op.voided ? " (voided)" : "")
                    .append(" since=").append(op.sinceNs).append(" deadline=").append(op.deadlineNs).append("; ");
        }
        for (EndAction a : actions.values()) {
            out.append("op ").append(a.id).append(a.retire ? " RETIRE" : " POISON").append(" end ").append(a.end.id)
                    .append(" APPLYING since=").append(a.sinceNs).append("; ");
        }
        return out.toString();
    }

    /** @return the ids of ends opened towards {@code peer} (for tests and diagnostics) */
    List<Long> endsOf(String peer) {
        List<Long> out = new ArrayList<>();
        for (End e : ends.values()) {
            if (e.peer.equals(peer)) {
                out.add(e.id);
            }
        }
        return out;
    }
}
