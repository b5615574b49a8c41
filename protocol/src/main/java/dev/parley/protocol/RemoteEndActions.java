package dev.parley.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The poisons and retires of this node's remote ends, for {@link RemoteSide}: each an
 * operation from its POISON or RETIRE to the home's APPLIED; and what this node learned of
 * poisoned home channels. Not thread-safe: only its node's thread calls it.
 *
 * <p>A poison or retire is an operation too, with one state between its POISON or RETIRE and
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
 * A write-ahead end's retire is APPLYING from the call on, but its RETIRE is sent by
 * {@link RemoteCredits} only once every STORE under the end's slots was sent.
 *
 * <h2>Implementation note</h2>
 * Every outcome leaves through {@link Completions}; an action is reported once, as it leaves
 * {@code actions} (or at once, when it never enters), so invariant completed-once holds for
 * these operations too. They have no
 * deadline; invariant bounded-life (see {@link RemoteSide}) ends them when the peer fell
 * silent or restarted. Invariants, by name:
 * <ul>
 *   <li><b>done-means-applied</b>: a poison or retire ends DONE only on the home's APPLIED,
 *       which the home sends after it applied the action (or, for a retire, when the end is
 *       gone there anyway: refused, retired before, or gone with the home's old incarnation).</li>
 *   <li><b>poison-is-final</b>: a home channel, once poisoned, stays poisoned for the life of
 *       its home's incarnation, and after a poison no writer can refill its buffer. So once
 *       this node knows a side of a home channel is poisoned (a poison through one of its
 *       ends was APPLIED: the writer side, and the reader side too for a reader's poison, which
 *       discards the buffer; or an operation on that side was TERMINATED by poison), every
 *       later offer on that side through any of its ends ends POISONED at once, without a
 *       frame, as a local end would ({@link RemoteSide} asks {@link #knowsPoisoned}). The
 *       knowledge is dropped when the home restarts.</li>
 * </ul>
 */
final class RemoteEndActions {

    /** A poison or retire waiting for the home's APPLIED. */
    private record EndAction(long id, RemoteSide.End end, boolean retire, long sinceNs) {
    }

    /** One side of a home channel that this node knows to be poisoned (invariant poison-is-final). */
    private record PoisonedSide(String peer, long channelId, Frame.Side side) {
    }

    private final Links links;
    private final Completions completions;
    /** POISON and RETIRE sent and not answered yet (state APPLYING), by operation id. */
    private final Map<Long, EndAction> actions = new LinkedHashMap<>();
    private final Set<PoisonedSide> poisoned = new HashSet<>();

    RemoteEndActions(Links links, Completions completions) {
        this.links = links;
        this.completions = completions;
    }

    /**
     * Poisons or retires through an end: sends POISON or RETIRE, or ends the action at once.
     *
     * @param id the action's operation id
     * @param e the end, or null if it retired already
     */
    void start(long id, RemoteSide.End e, boolean retire, long nowNs) {
        if (e == null) {
            // Retired already: retiring again is a no-op, and a poison through a retired end does nothing.
            completions.report(id, retire ? Outcome.DONE : Outcome.NOT_DONE, null);
        } else if (e.lost) {
            // Its home restarted: the end went with the old incarnation, which left no channel to poison.
            completions.report(id, retire ? Outcome.DONE : Outcome.OUTCOME_UNKNOWN, null);
        } else {
            actions.put(id, new EndAction(id, e, retire, nowNs));
            links.send(e.peer, retire ? new Frame.Retire(id, e.id) : new Frame.Poison(id, e.id), nowNs);
            if (!retire && links.bug(SeededBug.POISON_DONE_ON_SEND)) {
                actions.remove(id);
                completions.report(id, Outcome.DONE, null);
            }
        }
    }

    /** A write-ahead end's retire, APPLYING now; {@link RemoteCredits} sends its RETIRE later. */
    void retireAfterStores(long id, RemoteSide.End e, long nowNs) {
        actions.put(id, new EndAction(id, e, true, nowNs));
    }

    Rejection applied(String peer, Frame.Applied a) {
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
        completions.report(action.id, done ? Outcome.DONE : Outcome.NOT_DONE, null);
        return null;
    }

    /** Learns that a side of the channel of {@code e} is poisoned (invariant poison-is-final). */
    void learnPoisoned(RemoteSide.End e, Frame.Side side) {
        poisoned.add(new PoisonedSide(e.peer, e.channelId, side));
    }

    /** @return true if this node knows the side of the channel of {@code e} to be poisoned */
    boolean knowsPoisoned(RemoteSide.End e) {
        return poisoned.contains(new PoisonedSide(e.peer, e.channelId, e.side));
    }

    // ------------------------------------------------------------------------------------------
    // Timers and peers

    /** Ends the actions whose peer fell silent (invariant bounded-life). */
    void tick(long nowNs) {
        long timeout = links.config().peerTimeoutNs();
        for (EndAction a : new ArrayList<>(actions.values())) {
            if (nowNs - Math.max(links.session(a.end.peer, nowNs).lastHeardNs(), a.sinceNs) >= timeout) {
                actions.remove(a.id); // invariant bounded-life: it may have been applied, or be later
                completions.report(a.id, Outcome.OUTCOME_UNKNOWN, null);
            }
        }
    }

    /** @return when the first action ends if its peer stays silent, or {@link Long#MAX_VALUE} */
    long nextTimerNs(long nowNs) {
        long timeout = links.config().peerTimeoutNs();
        long next = Long.MAX_VALUE;
        for (EndAction a : actions.values()) {
            next = Math.min(next, Math.max(links.session(a.end.peer, nowNs).lastHeardNs(), a.sinceNs) + timeout);
        }
        return next;
    }

    /** The peer restarted: its new incarnation's channels are new, none known poisoned. */
    void forgetPoisoned(String peer) {
        poisoned.removeIf(p -> p.peer.equals(peer));
    }

    /** The peer restarted: the actions in flight with its old incarnation end. */
    void peerRestarted(String peer) {
        for (EndAction a : new ArrayList<>(actions.values())) {
            if (a.end.peer.equals(peer)) {
                actions.remove(a.id); // the restart retired the end; a poison may have reached the old one
                completions.report(a.id, a.retire ? Outcome.DONE : Outcome.OUTCOME_UNKNOWN, null);
            }
        }
    }

    /** @return how many poisons and retires await APPLIED */
    int inFlight() {
        return actions.size();
    }

    /** Appends the actions in flight, for failure messages. */
    void describe(StringBuilder out) {
        for (EndAction a : actions.values()) {
            out.append("op ").append(a.id).append(a.retire ? " RETIRE" : " POISON").append(" end ").append(a.end.id)
                    .append(" APPLYING since=").append(a.sinceNs).append("; ");
        }
    }
}
