package dev.parley.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of this node's remote ends on channels hosted elsewhere: offers, their
 * answers to the home's proposals, withdrawal and timeouts; and the ends themselves. Not
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
 * A poison or retire is an operation too, APPLYING from its POISON or RETIRE to the home's
 * APPLIED: {@link RemoteEndActions} keeps those, with what they teach about poisoned home
 * channels (invariants done-means-applied and poison-is-final: an offer on a side known to be
 * poisoned ends POISONED at once, without a frame). {@link RemoteCredits} keeps the credits of
 * the ends that write ahead (invariant credit-respected), {@link RemoteLookups} the lookups.
 * This class keeps the ends and the offers, gives every lookup, end, offer, poison and retire
 * its id (one sequence), takes every frame from a home, and reports the offers' outcomes
 * through {@link Completions}, as {@link RemoteEndActions} does its own.
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
 *       binding has not answered yet. (Poisons and retires: see {@link RemoteEndActions}.)</li>
 *   <li><b>released-stands</b>: a RELEASE moves a writer from AWAIT_TAKEN back to OFFERED only
 *       for the proposal it accepted; its offer stands again and a conditional one's decision is
 *       no longer held ({@link RemoteEnds#holdReleased}), so it may still withdraw or be proposed
 *       anew. The home sends it only when no reader has the value.</li>
 * </ul>
 */
final class RemoteSide {

    /** The states of an operation in flight; see the class comment. */
    enum State { OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING }

    /** An end of a channel hosted elsewhere, opened through this node. */
    static final class End {
        final long id;
        final String peer;
        final long channelId;
        final Frame.Side side;
        final boolean writeAhead;
        boolean lost; // its home restarted since it was opened

        End(long id, String peer, long channelId, Frame.Side side, boolean writeAhead) {
            this.id = id;
            this.peer = peer;
            this.channelId = channelId;
            this.side = side;
            this.writeAhead = writeAhead;
        }
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

    private final Links links;
    private final RemoteEnds remote;
    /** The open ends, by id: opened and not retired. */
    private final Map<Long, End> ends = new LinkedHashMap<>();
    private final Map<Long, Op> ops = new LinkedHashMap<>();
    private final RemoteLookups lookups;
    private final RemoteCredits credits;
    private final RemoteEndActions actions;
    private final Completions completions;
    private long nextId = 1;

    RemoteSide(Links links, RemoteEnds remote) {
        this.links = links;
        this.remote = remote;
        this.lookups = new RemoteLookups(links, remote);
        this.credits = new RemoteCredits(links, remote);
        this.completions = new Completions(links.counters(), remote);
        this.actions = new RemoteEndActions(links, completions);
    }

    // ------------------------------------------------------------------------------------------
    // Calls from this node's binding

    long lookup(String peer, String name, long deadlineNs, long nowNs) {
        long id = nextId++;
        lookups.start(id, peer, name, deadlineNs, nowNs);
        return id;
    }

    long openEnd(String peer, long channelId, Frame.Side side, boolean writeAhead, long nowNs) {
        End e = new End(nextId++, peer, channelId, side, writeAhead);
        ends.put(e.id, e);
        if (writeAhead) {
            credits.opened(e);
        }
        links.send(peer, new Frame.OpenEnd(e.id, channelId, side, writeAhead), nowNs);
        return e.id;
    }

    /** Writes under the end's credit, in one STORE; see {@link RemoteCredits}. */
    void store(long endId, List<byte[]> values, long nowNs) {
        credits.store(endId, values, nowNs);
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
        if (actions.knowsPoisoned(e)) {
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
        long id = nextId++;
        actions.start(id, ends.get(endId), false, nowNs);
        return id;
    }

    /** @return the retire's operation id; it ends in {@link RemoteEnds#completed} */
    long retire(long endId, long nowNs) {
        End e = ends.remove(endId);
        long id = nextId++;
        if (e != null && e.writeAhead && credits.retire(e, id)) {
            actions.retireAfterStores(id, e, nowNs); // its RETIRE follows the writes still to come
        } else {
            actions.start(id, e, true, nowNs);
        }
        return id;
    }

    // ------------------------------------------------------------------------------------------
    // Frames from homes

    /** @return null if handled, or why the body was rejected */
    Rejection receive(String peer, Frame.Body body, long nowNs) {
        return switch (body) {
            case Frame.LookupReply r -> lookups.replied(r, nowNs);
            case Frame.Deliver d -> proposed(peer, d.opId(), d.proposalId(), d.value(), nowNs);
            case Frame.Propose p -> proposed(peer, p.opId(), p.proposalId(), null, nowNs);
            case Frame.Taken t -> taken(peer, t.opId());
            case Frame.Release r -> released(peer, r, nowNs);
            case Frame.Withdrawn w -> withdrawn(peer, w);
            case Frame.Terminated t -> terminated(peer, t);
            case Frame.Aborted a -> endFromHome(peer, a.opId(),
                    a.maybeDone() ? Outcome.OUTCOME_UNKNOWN : Outcome.PEER_UNREACHABLE);
            case Frame.Applied a -> actions.applied(peer, a);
            case Frame.Credit c -> credits.credited(peer, c, nowNs);
            case Frame.Revoke r -> credits.revokeAsked(peer, r, nowNs);
            default -> Rejection.MALFORMED; // a home-bound body sent to the remote side
        };
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

    private Rejection terminated(String peer, Frame.Terminated t) {
        Op op = opOf(peer, t.opId());
        if (op != null && t.poison()) {
            actions.learnPoisoned(op.end, op.end.side); // a reader is told only once nothing is left to read
        }
        return endFromHome(peer, t.opId(), t.poison() ? Outcome.POISONED : Outcome.RETIRED);
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
        credits.tick(nowNs);
        actions.tick(nowNs);
        lookups.tick(nowNs);
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
        next = Math.min(next, actions.nextTimerNs(nowNs));
        next = Math.min(next, credits.nextTimerNs(nowNs));
        next = Math.min(next, lookups.nextTimerNs());
        return next;
    }

    /** The peer is a new incarnation: everything in flight with the old one ends, its ends are lost. */
    void peerRestarted(String peer, long nowNs) {
        actions.forgetPoisoned(peer); // the new incarnation's channels are new
        for (End e : ends.values()) {
            if (e.peer.equals(peer)) {
                e.lost = true;
                credits.endLost(e); // the slots went with the home's old incarnation
            }
        }
        credits.drainingLost(peer);
        for (Op op : new ArrayList<>(ops.values())) {
            if (op.end.peer.equals(peer) && op.state != State.ASKING) {
                finish(op, Outcome.OUTCOME_UNKNOWN, null);
            } else if (op.end.peer.equals(peer)) {
                op.voided = true;
            }
        }
        actions.peerRestarted(peer);
        lookups.peerRestarted(peer, nowNs);
    }

    /**
     * @return how many operations are in flight (ended ones awaiting a withdraw confirmation
     *     included, and poisons and retires awaiting APPLIED)
     */
    int inFlight() {
        return ops.size() + actions.inFlight();
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
        completions.report(op.id, outcome, value);
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
        actions.describe(out);
        return out.toString();
    }
}
