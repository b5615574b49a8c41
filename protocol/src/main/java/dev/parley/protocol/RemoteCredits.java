package dev.parley.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credits of this node's remote writer ends that write ahead, for {@link RemoteSide}: the
 * slots their homes granted, the writes the binding made under them, and the slots taken back.
 * Not thread-safe: only its node's thread calls it.
 *
 * <p>A writer end opened to write ahead holds credits: slots the home reserved in a buffered
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
 * An end has a credit line here from its opening, and after its retire for as long as
 * writes under its slots are still on their way from the binding (it drains): they must
 * find the end, and the retire's RETIRE (made by {@link RemoteSide}, APPLYING in
 * {@link RemoteEndActions}) is sent only after them. An end lost to its home's restart keeps
 * its line, but its writes are dropped (they went with the old incarnation) and its RETIRE
 * is not sent.
 * Invariant <b>credit-respected</b>: an end sends at most as many STOREs as it was granted
 * slots, less those given back; REVOKED and a write-ahead end's RETIRE follow every STORE made
 * under the slots they give back, so the home never receives a STORE it reserved no slot for,
 * except after it let the slots lapse (then it stores the late arrivals anyway).
 */
final class RemoteCredits {

    /** The credit of one write-ahead end. */
    private static final class Line {
        final RemoteSide.End end;
        long granted; // slots granted and not given back: the STOREs this end may send in all
        long stored; // STOREs sent (or dropped, once the end is lost)
        boolean creditHeld; // the binding may hold unused slots
        long creditSinceNs; // when the last CREDIT came
        boolean revokeOwed; // a REVOKE came: REVOKED once stored == granted
        long retireAfterStores; // a retire whose RETIRE waits until stored == granted: its id, or 0

        Line(RemoteSide.End end) {
            this.end = end;
        }
    }

    private final Links links;
    private final RemoteEnds remote;
    /** The open write-ahead ends, by end id, in the order they were opened. */
    private final Map<Long, Line> lines = new LinkedHashMap<>();
    /** Retired write-ahead ends whose RETIRE waits for STOREs still to come from the binding. */
    private final Map<Long, Line> draining = new LinkedHashMap<>();

    RemoteCredits(Links links, RemoteEnds remote) {
        this.links = links;
        this.remote = remote;
    }

    /** A write-ahead end was opened: it may write ahead once its home grants slots. */
    void opened(RemoteSide.End e) {
        lines.put(e.id, new Line(e));
    }

    /** Writes under the end's credit, in one STORE (invariant credit-respected); see the class comment. */
    void store(long endId, List<byte[]> values, long nowNs) {
        Line line = lines.get(endId);
        line = line != null ? line : draining.get(endId);
        if (line == null) {
            throw new IllegalArgumentException("no end that writes ahead with endId=" + endId);
        }
        if (line.stored + values.size() > line.granted) {
            throw new IllegalStateException("stores beyond the credit: endId=" + endId + ", granted=" + line.granted
                    + ", stored=" + line.stored + ", storing=" + values.size());
        }
        line.stored += values.size();
        RemoteSide.End e = line.end;
        if (!e.lost) {
            links.send(e.peer, new Frame.Store(e.id, values), nowNs); // else they went with the home's old incarnation
            links.counters().add(Counters.Event.WRITES_AHEAD, values.size());
        }
        afterStores(line, nowNs);
    }

    /**
     * @return when the end's slots are taken back if its home stays silent (one peer timeout after
     *     the later of the home's last frame and its last CREDIT), or {@link Long#MAX_VALUE} when
     *     the binding holds none
     */
    private long creditLapsesAtNs(Line line, long nowNs) {
        if (!line.creditHeld) {
            return Long.MAX_VALUE;
        }
        long heardNs = links.session(line.end.peer, nowNs).lastHeardNs();
        return Math.max(heardNs, line.creditSinceNs) + links.config().peerTimeoutNs();
    }

    /** Takes back from the binding the slots it has not used: it writes under them no more. */
    private void takeBackCredit(Line line) {
        if (line.creditHeld) {
            line.creditHeld = false;
            line.granted -= remote.creditTakenBack(line.end.id);
        }
    }

    /** Sends what waited for every STORE under the end's remaining slots: REVOKED, a RETIRE. */
    private void afterStores(Line line, long nowNs) {
        if (line.stored < line.granted) {
            return;
        }
        RemoteSide.End e = line.end;
        if (line.revokeOwed) {
            line.revokeOwed = false;
            links.send(e.peer, new Frame.Revoked(e.id), nowNs);
        }
        draining.remove(e.id); // a retired end's last write came
        long retireId = line.retireAfterStores;
        if (retireId != 0) {
            line.retireAfterStores = 0;
            if (!e.lost) {
                links.send(e.peer, new Frame.Retire(retireId, e.id), nowNs); // also when a timeout ended it: resent
            }
        }
    }

    /**
     * The write-ahead end {@code e} retires: the binding gives back the slots it has not used,
     * and if writes under the rest are still to come, the end drains.
     *
     * @param retireId the retire's operation id
     * @return true if the retire's RETIRE waits for those writes (sent by this class once they
     *     came); false if it may be sent, or reported, now
     */
    boolean retire(RemoteSide.End e, long retireId) {
        Line line = lines.remove(e.id);
        takeBackCredit(line);
        if (line.stored >= line.granted) {
            return false;
        }
        // Writes under the credit are still on their way from the binding: they must find the
        // end (a lost one drops them), and a RETIRE follows them.
        draining.put(e.id, line);
        if (e.lost) {
            return false;
        }
        line.retireAfterStores = retireId;
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Frames from homes

    Rejection credited(String peer, Frame.Credit c, long nowNs) {
        Line line = lines.get(c.endId());
        if (line == null && draining.containsKey(c.endId())) {
            return null; // retired meanwhile: its RETIRE gives these back too
        }
        if (line == null || !line.end.peer.equals(peer) || line.revokeOwed) {
            return Rejection.UNKNOWN_REFERENCE; // no grant comes between a REVOKE and its REVOKED
        }
        if (!line.end.lost) {
            line.creditSinceNs = nowNs;
            if (c.slots() > 0) {
                line.granted += c.slots();
                line.creditHeld = true;
                remote.credited(line.end.id, c.slots());
            }
            remote.storedAhead(line.end.id, c.stored());
        }
        return null;
    }

    Rejection revokeAsked(String peer, Frame.Revoke r, long nowNs) {
        Line line = lines.get(r.endId());
        if (line == null && draining.containsKey(r.endId())) {
            return null; // its RETIRE, which follows every STORE, answers this
        }
        if (line == null || !line.end.peer.equals(peer)) {
            return Rejection.UNKNOWN_REFERENCE;
        }
        takeBackCredit(line);
        line.revokeOwed = true;
        afterStores(line, nowNs);
        return null;
    }

    // ------------------------------------------------------------------------------------------
    // Timers and peers

    /** Takes back the slots of ends whose home fell silent. */
    void tick(long nowNs) {
        for (Line line : lines.values()) {
            long lapseNs = creditLapsesAtNs(line, nowNs);
            if (lapseNs != Long.MAX_VALUE && nowNs - lapseNs >= 0) {
                takeBackCredit(line); // no more writes ahead into a home that fell silent
            }
        }
    }

    /** @return the earliest time a credit is taken back for silence, or {@link Long#MAX_VALUE} */
    long nextTimerNs(long nowNs) {
        long next = Long.MAX_VALUE;
        for (Line line : lines.values()) {
            next = Math.min(next, creditLapsesAtNs(line, nowNs));
        }
        return next;
    }

    /**
     * The open end {@code e} was lost to its home's restart: its slots went with the old
     * incarnation.
     */
    void endLost(RemoteSide.End e) {
        Line line = lines.get(e.id);
        if (line != null) {
            takeBackCredit(line);
            line.revokeOwed = false;
        }
    }

    /** The peer restarted: the ends that drain towards it are lost too. */
    void drainingLost(String peer) {
        for (Line line : draining.values()) {
            if (line.end.peer.equals(peer)) {
                line.end.lost = true; // its RETIRE is not sent: the restart retired the end (DONE)
            }
        }
    }
}
