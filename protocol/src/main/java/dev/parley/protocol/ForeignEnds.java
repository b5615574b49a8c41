package dev.parley.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote ends opened at channels this node hosts, for {@link HomeSide}: which ends are
 * open and on which side, their POISON and RETIRE, and the credit lines of those that write
 * ahead. Keyed by {@link EndKey}, so by the remote node's incarnation too. Not thread-safe:
 * only its node's thread calls it.
 *
 * <p>An end is known here from its OPEN_END (if its channel took it) until its RETIRE or its
 * node's restart; {@link HomeSide} queues offers only through a known end. A POISON or RETIRE
 * from a remote end has no state here: it is applied to the home channel on arrival and
 * answered APPLIED at once.
 *
 * <p>A remote writer end opened to write ahead (OPEN_END with A) gets a credit line: buffer
 * slots of its channel reserved for it ({@link HomeChannels#grant}), told by CREDIT, into which
 * its STOREs go without an answer ({@link HomeChannels#store}):
 * <pre>
 *   OPEN --an unconditional write of the end stored at the match--&gt; OPEN, topped up to the
 *             window as far as the channel grants, CREDIT sent if it granted any
 *   OPEN --STORE--&gt; OPEN, topped up likewise, and CREDIT sent, of 0 slots if need be: every
 *             STORE is answered while OPEN (with the count of writes ahead stored so far), so
 *             that a writer out of slots knows whether more may come
 *   REVOKING / LAPSED --STORE--&gt; stored, not answered: the REVOKE answers it
 *   OPEN --the channel wants the slots back (ProtocolNode.creditWanted)--&gt; REVOKING, REVOKE sent
 *   OPEN / REVOKING --remote silent for the peer timeout--&gt; LAPSED: the slots released
 *             (HomeChannels.releaseCredit), REVOKE sent if not yet; STOREs still due are stored
 *             when they come, beyond the capacity if need be
 *   REVOKING / LAPSED --REVOKED--&gt; OPEN, nothing outstanding, the slots released
 *   any --RETIRE of the end, or its node restarted--&gt; gone (the binding closes the credit)
 * </pre>
 *
 * <h2>Implementation note</h2>
 * Invariants, by name:
 * <ul>
 *   <li><b>applied-before-answer</b>: APPLIED(APPLIED) for a POISON or RETIRE is sent only
 *       after {@link HomeChannels#poison} or {@link HomeChannels#retire} returned, and the
 *       binding applies both synchronously to the home channel; every POISON and RETIRE is
 *       answered, NO_SUCH_END for an end this node does not know.</li>
 *   <li><b>restart-abandons</b>: when a remote node restarts, its old incarnation's ends are
 *       abandoned at their channels ({@link HomeChannels#abandon}), never retired: a crash is not
 *       a retire, and a channel whose only writer (or reader) was on that node stays open for
 *       the new incarnation's ends. Every offer through those ends is withdrawn or answered
 *       first ({@link HomeSide#peerRestarted} does that before it calls
 *       {@link #peerRestarted}).</li>
 * </ul>
 */
final class ForeignEnds {

    /** The states of a write-ahead end's credit line; see the class comment. */
    enum CreditState { OPEN, REVOKING, LAPSED }

    private static final class CreditLine {
        int outstanding; // slots granted whose STORE has not come yet
        long stored; // writes ahead of the end received so far
        CreditState state = CreditState.OPEN;
        long sinceNs; // the last grant or revoke
    }

    private final Links links;
    private final HomeChannels home;
    private final Map<EndKey, Frame.Side> ends = new LinkedHashMap<>();
    /** The credit lines of write-ahead writer ends, by end. */
    private final Map<EndKey, CreditLine> credits = new LinkedHashMap<>();

    ForeignEnds(Links links, HomeChannels home) {
        this.links = links;
        this.home = home;
    }

    /** @return the side of an open end, or null if this node knows no such end */
    Frame.Side side(EndKey end) {
        return ends.get(end);
    }

    /** @return true if the end is open here: opened, and neither retired nor abandoned */
    boolean isOpen(EndKey end) {
        return ends.containsKey(end);
    }

    /** @return null if the channel took the end, or why the OPEN_END was rejected */
    Rejection open(EndKey key, Frame.OpenEnd o) {
        if (ends.containsKey(key) || !home.openEnd(key, o.channelId(), o.side())) {
            return Rejection.UNKNOWN_REFERENCE; // its offers will be ABORTED
        }
        ends.put(key, o.side());
        if (o.writeAhead() && links.config().creditWindow() > 0) {
            credits.put(key, new CreditLine());
        }
        return null;
    }

    /** Applies a POISON or RETIRE at once and then answers it (invariant applied-before-answer). */
    Rejection endAction(EndKey end, long opId, boolean retire, long nowNs) {
        if (!ends.containsKey(end)) {
            links.send(end.peer(), new Frame.Applied(opId, Frame.ApplyResult.NO_SUCH_END), nowNs);
            return Rejection.UNKNOWN_REFERENCE;
        }
        if (retire) {
            ends.remove(end);
            credits.remove(end); // every STORE came before the RETIRE; the binding closes the credit
            home.retire(end);
        } else {
            home.poison(end);
        }
        links.send(end.peer(), new Frame.Applied(opId, Frame.ApplyResult.APPLIED), nowNs);
        return null;
    }

    // ------------------------------------------------------------------------------------------
    // Credits of write-ahead writer ends

    /**
     * Tops the slots of a write-ahead end up to its window, as far as the channel grants them:
     * after each of its stored writes and each STORE frame (which may carry many writes), so
     * that a writer that keeps writing finds slots while its earlier writes are on their way.
     */
    void grant(EndKey end, boolean answerStore, long nowNs) {
        CreditLine line = credits.get(end);
        int window = links.config().creditWindow();
        boolean open = line != null && (line.state == CreditState.OPEN
                || line.state == CreditState.REVOKING && links.bug(SeededBug.CREDIT_WHILE_REVOKING));
        if (!open) {
            return; // a REVOKE was sent: it answers the STOREs
        }
        int slots = line.outstanding >= window ? 0 : home.grant(end, window - line.outstanding);
        if (slots > 0 || answerStore) {
            line.outstanding += slots;
            line.sinceNs = nowNs;
            links.send(end.peer(), new Frame.Credit(end.endId(), slots, line.stored), nowNs);
        }
    }

    Rejection stored(EndKey end, List<byte[]> values, long nowNs) {
        CreditLine line = credits.get(end);
        if (line == null || line.outstanding < values.size()) {
            return Rejection.UNKNOWN_REFERENCE; // no slot was granted for them: none stored
        }
        line.outstanding -= values.size();
        line.stored += values.size();
        if (line.state == CreditState.LAPSED) {
            links.counters().add(Counters.Event.LATE_STORES, values.size());
        }
        if (line.state == CreditState.LAPSED && links.bug(SeededBug.LAPSED_STORES_DROPPED)) {
            return null;
        }
        home.storeAll(end, values);
        links.counters().add(Counters.Event.STORES_RECEIVED, values.size());
        grant(end, true, nowNs); // answered while OPEN: the writer may wait for this answer
        return null;
    }

    Rejection creditReturned(EndKey end) {
        CreditLine line = credits.get(end);
        if (line == null || line.state == CreditState.OPEN) {
            return Rejection.UNKNOWN_REFERENCE; // REVOKED answers a REVOKE only
        }
        if (line.state == CreditState.REVOKING) {
            home.releaseCredit(end);
        }
        line.outstanding = 0;
        line.state = CreditState.OPEN;
        return null;
    }

    /** The channel wants the slots of a write-ahead end back: a writer waits, or it ended. */
    void creditWanted(EndKey end, long nowNs) {
        CreditLine line = credits.get(end);
        if (line != null && line.state == CreditState.OPEN && line.outstanding > 0) {
            line.state = CreditState.REVOKING;
            line.sinceNs = nowNs;
            links.send(end.peer(), new Frame.Revoke(end.endId()), nowNs);
            links.counters().add(Counters.Event.CREDITS_REVOKED);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Timers and peers

    /** Lets the slots of a writer silent for the peer timeout lapse. */
    void tick(long nowNs) {
        for (Map.Entry<EndKey, CreditLine> e : credits.entrySet()) {
            CreditLine line = e.getValue();
            long lapseNs = lapsesAtNs(e.getKey(), line, nowNs);
            if (lapseNs != Long.MAX_VALUE && nowNs - lapseNs >= 0) {
                home.releaseCredit(e.getKey()); // a writer gone silent holds no slot
                if (line.state == CreditState.OPEN) {
                    links.send(e.getKey().peer(), new Frame.Revoke(e.getKey().endId()), nowNs);
                    links.counters().add(Counters.Event.CREDITS_REVOKED);
                }
                line.state = CreditState.LAPSED;
            }
        }
    }

    /**
     * @return when a write-ahead end's slots lapse if its node stays silent (one peer timeout
     *     after the later of its last frame and the line's last grant or revoke), or
     *     {@link Long#MAX_VALUE} when nothing can lapse (no slot outstanding, or lapsed already)
     */
    private long lapsesAtNs(EndKey end, CreditLine line, long nowNs) {
        if (line.outstanding == 0 || line.state == CreditState.LAPSED) {
            return Long.MAX_VALUE;
        }
        long heard = links.session(end.peer(), nowNs).lastHeardNs();
        return Math.max(heard, line.sinceNs) + links.config().peerTimeoutNs();
    }

    /** @return the earliest lapse of a credit line, or {@link Long#MAX_VALUE} */
    long nextTimerNs(long nowNs) {
        long next = Long.MAX_VALUE;
        for (Map.Entry<EndKey, CreditLine> e : credits.entrySet()) {
            next = Math.min(next, lapsesAtNs(e.getKey(), e.getValue(), nowNs));
        }
        return next;
    }

    /** Abandons the ends of the peer's old incarnation (invariant restart-abandons). */
    void peerRestarted(String peer, long oldIncarnation) {
        for (EndKey end : new ArrayList<>(ends.keySet())) {
            if (end.peer().equals(peer) && end.incarnation() == oldIncarnation) {
                ends.remove(end);
                credits.remove(end); // the binding closes the credit
                home.abandon(end); // invariant restart-abandons
            }
        }
    }
}
