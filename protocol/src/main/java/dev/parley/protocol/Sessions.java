package dev.parley.protocol;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One node's sessions, one per peer address, each opened on first use and kept for the
 * node's life; the acks owed while acks are deferred; and, as {@link Links}, what the node's
 * two sides need from it: sending, sessions, settings, counters and seeded bugs. Not
 * thread-safe: only its node's thread calls it.
 *
 * <p>A session hands what it delivers, and a peer's restart, to the listener given here (the
 * node's dispatch to {@link RemoteSide} and {@link HomeSide}); its frames go out encoded by
 * the node's codec through the node's network.
 */
final class Sessions implements Links {

    private final long incarnation;
    private final ProtocolConfig config;
    private final Counters counters;
    private final FrameCodec codec;
    private final Network network;
    private final Session.Listener listener;
    private final Set<SeededBug> bugs;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    /** With deferred acks: the sessions that received since the last {@link #flushAcks}. */
    private final Set<Session> acksOwed = new LinkedHashSet<>();
    private boolean deferAcks;

    Sessions(long incarnation, ProtocolConfig config, Counters counters, FrameCodec codec, Network network,
            Session.Listener listener, Set<SeededBug> bugs) {
        this.incarnation = incarnation;
        this.config = config;
        this.counters = counters;
        this.codec = codec;
        this.network = network;
        this.listener = listener;
        this.bugs = bugs;
    }

    @Override
    public void send(String peer, Frame.Body body, long nowNs) {
        session(peer, nowNs).send(body, nowNs);
    }

    @Override
    public Session session(String peer, long nowNs) {
        return sessions.computeIfAbsent(peer, p -> new Session(p, incarnation, config, counters,
                (to, frame) -> network.send(to, codec.encode(frame)), listener, bugs, nowNs));
    }

    @Override
    public ProtocolConfig config() {
        return config;
    }

    @Override
    public Counters counters() {
        return counters;
    }

    @Override
    public boolean bug(SeededBug bug) {
        return bugs.contains(bug);
    }

    // ------------------------------------------------------------------------------------------
    // Acks

    /** From now on {@link #received} owes the ack instead of sending it; see ProtocolNode.deferAcks. */
    void deferAcks() {
        deferAcks = true;
    }

    /** Acks what {@code s} just received: at once, or at the next {@link #flushAcks} if deferred. */
    void received(Session s, long nowNs) {
        if (deferAcks) {
            acksOwed.add(s);
        } else {
            s.flushAck(nowNs);
        }
    }

    /** @return true if a session received since the last {@link #flushAcks} (acks deferred) */
    boolean owesAcks() {
        return !acksOwed.isEmpty();
    }

    /** Sends a bare ACK from each session that owes one and whose ack no other frame carried. */
    void flushAcks(long nowNs) {
        for (Session s : acksOwed) {
            s.flushAck(nowNs);
        }
        acksOwed.clear();
    }

    // ------------------------------------------------------------------------------------------
    // All sessions

    /** @return sequenced frames sent or queued to any peer and not yet acknowledged */
    int unacked() {
        int sum = 0;
        for (Session s : sessions.values()) {
            sum += s.unacked();
        }
        return sum;
    }

    /** Runs every session's timers: retransmission, handshake, heartbeats. */
    void tick(long nowNs) {
        for (Session s : sessions.values().toArray(new Session[0])) {
            s.tick(nowNs);
        }
    }

    /** @return the earliest timer of any session, or {@link Long#MAX_VALUE} */
    long nextTimerNs() {
        long next = Long.MAX_VALUE;
        for (Session s : sessions.values()) {
            next = Math.min(next, s.nextTimerNs());
        }
        return next;
    }

    /** Moves every session's last-heard time forward by the node's own lateness; see NodeCalls. */
    void excuse(long lateNs, long nowNs) {
        for (Session s : sessions.values()) {
            s.excuse(lateNs, nowNs);
        }
    }

    /** @return the handshake state with {@code peer}, or null if there is no session */
    Session.State state(String peer) {
        Session s = sessions.get(peer);
        return s == null ? null : s.state();
    }
}
