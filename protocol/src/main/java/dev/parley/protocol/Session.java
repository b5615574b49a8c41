package dev.parley.protocol;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reliable layer towards one peer address: handshake with incarnation ids, sequence
 * numbers, cumulative acks, retransmission on an RTT-based timer, duplicate suppression and
 * in-order delivery, heartbeats. Not thread-safe: only its {@link ProtocolNode}'s thread
 * calls it.
 *
 * <h2>States and who moves them</h2>
 * <pre>
 *   NEW --first send or any HELLO (this node)--&gt; HANDSHAKING --a frame from the peer addressed
 *   to our incarnation (the peer)--&gt; ESTABLISHED --HELLO or HELLO_ACK from a newer incarnation
 *   of the peer (the peer restarted)--&gt; HANDSHAKING (everything of the old one dropped)
 * </pre>
 *
 * <h2>Implementation note</h2>
 * Invariants, by name:
 * <ul>
 *   <li><b>exactly-once-in-order</b>: within one pair of incarnations, the bodies of sequenced
 *       frames are delivered to the node in send order, each once; duplicates are counted
 *       and dropped, frames beyond the receive window are rejected and resent later.</li>
 *   <li><b>seq-monotonic</b>: sequence numbers start at 1 for each pair of incarnations and
 *       grow by one per frame; 64 bits do not wrap in practice (2^63 frames).</li>
 *   <li><b>one-peer-incarnation</b>: a session talks to one incarnation of its peer at a
 *       time.</li>
 *   <li><b>newer-incarnation-only</b>: it replaces that incarnation only by a greater one (a
 *       later start, see {@link Incarnations}); every incarnation below the current one is
 *       quarantined, whether it was replaced here or never heard before, and its frames,
 *       however late, are rejected.</li>
 *   <li><b>ack-means-delivered</b>: the cumulative ack this node sends is the highest
 *       sequence number it has delivered in order, never more.</li>
 *   <li><b>no-data-before-handshake</b>: sequenced frames are sent only once the peer has
 *       shown it knows this node's incarnation; until then they wait and HELLO is resent.</li>
 * </ul>
 * Each unacked frame is retransmitted, all of the unacked window at once, when the oldest
 * one has waited one retransmission timeout; the timeout then doubles (backoff) until an ack
 * advances.
 */
final class Session {

    /** The handshake states; see the class comment. */
    enum State { NEW, HANDSHAKING, ESTABLISHED }

    /** What the session tells its node. */
    interface Listener {
        /** A sequenced body arrived in order, once. */
        void delivered(Session session, Frame.Body body, long nowNs);

        /** The peer is a new incarnation: everything in flight with {@code oldIncarnation} is void. */
        void peerRestarted(Session session, long oldIncarnation, long nowNs);
    }

    /** Sends one frame to the session's peer. */
    interface Output {
        void emit(String peer, Frame frame);
    }

    private static final class Pending {
        final long seq;
        final Frame.Body body;
        long firstSentNs = -1;
        long lastSentNs = -1;
        boolean retransmitted;

        Pending(long seq, Frame.Body body) {
            this.seq = seq;
            this.body = body;
        }
    }

    private final String peer;
    private final long incarnation;
    private final ProtocolConfig config;
    private final Counters counters;
    private final Output output;
    private final Listener listener;
    private final RttEstimator rtt;
    private final Set<SeededBug> bugs;

    private State state = State.NEW;
    private long peerIncarnation;
    private long nextSeq = 1;
    private final ArrayDeque<Pending> outbound = new ArrayDeque<>();
    private long delivered;
    private final TreeMap<Long, Frame.Body> early = new TreeMap<>();
    private boolean ackOwed;
    private long lastHeardNs;
    private long lastSentNs;
    private long lastHelloNs = Long.MIN_VALUE;
    private int helloBackoffs;

    Session(String peer, long incarnation, ProtocolConfig config, Counters counters, Output output,
            Listener listener, Set<SeededBug> bugs, long nowNs) {
        this.bugs = bugs;
        this.peer = peer;
        this.incarnation = incarnation;
        this.config = config;
        this.counters = counters;
        this.output = output;
        this.listener = listener;
        this.rtt = new RttEstimator(config.initialRtoNs(), config.minRtoNs(), config.maxRtoNs());
        this.lastHeardNs = nowNs;
        this.lastSentNs = nowNs;
    }

    String peer() {
        return peer;
    }

    State state() {
        return state;
    }

    long peerIncarnation() {
        return peerIncarnation;
    }

    /** @return when anything valid was last heard from the peer (session creation before that) */
    long lastHeardNs() {
        return lastHeardNs;
    }

    /**
     * This node did not run for {@code lateNs}: that time is not the peer's silence (invariant
     * own-stall-is-not-silence of ProtocolNode).
     */
    void excuse(long lateNs, long nowNs) {
        lastHeardNs = Math.min(nowNs, lastHeardNs + lateNs);
    }

    /** @return sequenced frames sent or waiting to be sent, not yet acknowledged */
    int unacked() {
        return outbound.size();
    }

    long rtoNs() {
        return rtt.rtoNs();
    }

    // ------------------------------------------------------------------------------------------
    // Sending

    /** Queues a body for reliable, in-order delivery, and sends it now if the window allows. */
    void send(Frame.Body body, long nowNs) {
        long seq = nextSeq++;
        if (bugs.contains(SeededBug.WRAPPING_SEQUENCE)) {
            seq = (seq - 1) % 16 + 1;
        }
        outbound.add(new Pending(seq, body));
        if (state == State.NEW) {
            state = State.HANDSHAKING;
        }
        if (state == State.ESTABLISHED) {
            transmitUnsent(nowNs);
        } else {
            maybeHello(nowNs);
        }
    }

    private void transmitUnsent(long nowNs) {
        int n = 0;
        for (Pending p : outbound) {
            if (n++ >= config.sendWindow()) {
                break;
            }
            if (p.firstSentNs < 0) {
                transmit(p, nowNs);
            }
        }
    }

    private void transmit(Pending p, long nowNs) {
        if (p.firstSentNs < 0) {
            p.firstSentNs = nowNs;
        } else {
            p.retransmitted = true;
            counters.add(Counters.Event.FRAMES_RETRANSMITTED);
        }
        p.lastSentNs = nowNs;
        emit(new Frame(incarnation, peerIncarnation, p.seq, delivered, p.body), nowNs);
    }

    private void emit(Frame frame, long nowNs) {
        ackOwed = false; // every frame carries the cumulative ack
        lastSentNs = nowNs;
        counters.add(Counters.Event.FRAMES_SENT);
        output.emit(peer, frame);
    }

    private void emitControl(Frame.Body body, long nowNs) {
        emit(new Frame(incarnation, peerIncarnation, 0, delivered, body), nowNs);
    }

    private void maybeHello(long nowNs) {
        long wait = helloWaitNs();
        if (lastHelloNs == Long.MIN_VALUE || nowNs - lastHelloNs >= wait) {
            lastHelloNs = nowNs;
            if (helloBackoffs < 30) {
                helloBackoffs++;
            }
            counters.add(Counters.Event.HANDSHAKES_SENT);
            emitControl(new Frame.Hello(), nowNs);
        }
    }

    private long helloWaitNs() {
        long wait = config.initialRtoNs();
        for (int i = 1; i < helloBackoffs && wait < config.maxRtoNs(); i++) {
            wait *= 2;
        }
        return Math.min(wait, config.maxRtoNs());
    }

    /** Starts a handshake without data (a connect that has nothing to send yet). */
    void open(long nowNs) {
        if (state == State.NEW) {
            state = State.HANDSHAKING;
            maybeHello(nowNs);
        }
    }

    /** Sends the ack now if one is owed and no other frame carried it. */
    void flushAck(long nowNs) {
        if (ackOwed && state == State.ESTABLISHED) {
            emitControl(new Frame.Ack(), nowNs);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Timers

    /** Resends what is due: handshake, unacked frames, heartbeat. */
    void tick(long nowNs) {
        if (state == State.HANDSHAKING) {
            maybeHello(nowNs);
            return;
        }
        if (state != State.ESTABLISHED) {
            return;
        }
        Pending oldest = outbound.peekFirst();
        if (oldest != null && oldest.lastSentNs >= 0 && nowNs - oldest.lastSentNs >= rtt.rtoNs()) {
            int n = 0;
            for (Pending p : outbound) {
                if (n++ >= config.sendWindow() || p.lastSentNs < 0) {
                    break;
                }
                transmit(p, nowNs);
            }
            rtt.backoff();
        }
        if (nowNs - lastSentNs >= config.heartbeatIntervalNs()) {
            counters.add(Counters.Event.HEARTBEATS_SENT);
            emitControl(new Frame.Heartbeat(), nowNs);
        }
    }

    /** @return the earliest time at which {@link #tick} has something to do */
    long nextTimerNs() {
        if (state == State.HANDSHAKING) {
            return lastHelloNs == Long.MIN_VALUE ? Long.MIN_VALUE : lastHelloNs + helloWaitNs();
        }
        if (state != State.ESTABLISHED) {
            return Long.MAX_VALUE;
        }
        long next = lastSentNs + config.heartbeatIntervalNs();
        Pending oldest = outbound.peekFirst();
        if (oldest != null && oldest.lastSentNs >= 0) {
            next = Math.min(next, oldest.lastSentNs + rtt.rtoNs());
        }
        return next;
    }

    // ------------------------------------------------------------------------------------------
    // Receiving

    /**
     * Takes one authenticated, decoded frame from the peer's address.
     *
     * @return null if accepted (its body, when sequenced and new, was delivered), or why not
     */
    Rejection receive(Frame frame, long nowNs) {
        FrameType type = frame.body().type();
        boolean handshake = type == FrameType.HELLO || type == FrameType.HELLO_ACK;

        // Phase 1: whose frame is it? (invariant newer-incarnation-only; 0 is no incarnation)
        if (frame.from() < peerIncarnation || frame.from() <= 0) {
            return Rejection.QUARANTINED;
        }
        boolean staleAccepted = bugs.contains(SeededBug.ACK_FROM_OLD_INCARNATION);
        if (type != FrameType.HELLO && frame.to() != incarnation && !staleAccepted) {
            maybeHello(nowNs); // the peer talks to an earlier life of this node: tell it who we are
            return Rejection.STALE_INCARNATION;
        }
        if (frame.from() > peerIncarnation) { // the first incarnation heard of, or a newer one: a restart
            if (!handshake) {
                maybeHello(nowNs);
                return Rejection.UNKNOWN_INCARNATION;
            }
            adopt(frame.from(), nowNs);
        }

        // Phase 2: the peer is alive and, if it addressed us, knows us.
        lastHeardNs = nowNs;
        if (frame.to() == incarnation && state != State.ESTABLISHED) {
            state = State.ESTABLISHED;
            helloBackoffs = 0;
            transmitUnsent(nowNs);
        }
        if (frame.to() == incarnation || staleAccepted) {
            acknowledged(frame.ack(), nowNs);
        }

        // Phase 3: what it says.
        switch (type) {
            case HELLO -> emitControl(new Frame.HelloAck(), nowNs);
            case HELLO_ACK, HEARTBEAT, ACK -> { }
            default -> {
                return receiveSequenced(frame, nowNs);
            }
        }
        return null;
    }

    /** Takes {@code newIncarnation}, greater than the current one: the current one is quarantined now. */
    private void adopt(long newIncarnation, long nowNs) {
        long old = peerIncarnation;
        if (old != 0) {
            counters.add(Counters.Event.PEER_RESTARTS);
        }
        peerIncarnation = newIncarnation;
        state = State.HANDSHAKING;
        if (old == 0) {
            return; // the first incarnation heard of: what waits in outbound was never sent, and is for it
        }
        nextSeq = 1;
        outbound.clear();
        delivered = 0;
        early.clear();
        ackOwed = false;
        helloBackoffs = 0;
        lastHelloNs = Long.MIN_VALUE;
        listener.peerRestarted(this, old, nowNs);
    }

    private void acknowledged(long ack, long nowNs) {
        boolean advanced = false;
        Pending sample = null;
        while (!outbound.isEmpty() && outbound.peekFirst().seq <= ack && outbound.peekFirst().lastSentNs >= 0) {
            Pending p = outbound.pollFirst();
            advanced = true;
            if (!p.retransmitted) {
                sample = p;
            }
        }
        if (sample != null) {
            rtt.sample(nowNs - sample.firstSentNs);
        } else if (advanced) {
            rtt.resetBackoff();
        }
        if (advanced) {
            transmitUnsent(nowNs);
        }
    }

    private Rejection receiveSequenced(Frame frame, long nowNs) {
        long seq = frame.seq();
        if (seq <= delivered || early.containsKey(seq)) {
            if (bugs.contains(SeededBug.NO_DEDUP)) {
                listener.delivered(this, frame.body(), nowNs);
            }
            counters.add(Counters.Event.DUPLICATES_DROPPED);
            ackOwed = true; // our ack may have been lost: repeat it
            return null;
        }
        if (seq - delivered > config.receiveWindow()) {
            return Rejection.BEYOND_WINDOW;
        }
        ackOwed = true;
        if (seq != delivered + 1) {
            early.put(seq, frame.body());
            return null;
        }
        delivered = seq;
        listener.delivered(this, frame.body(), nowNs);
        Iterator<java.util.Map.Entry<Long, Frame.Body>> it = early.entrySet().iterator();
        while (it.hasNext()) {
            var next = it.next();
            if (next.getKey() != delivered + 1) {
                break;
            }
            it.remove();
            delivered = next.getKey();
            listener.delivered(this, next.getValue(), nowNs);
        }
        return null;
    }

    @Override
    public String toString() {
        return "Session[peer=" + peer + ", state=" + state + ", peerIncarnation=" + peerIncarnation
                + ", nextSeq=" + nextSeq + ", delivered=" + delivered + ", unacked=" + outbound.size() + "]";
    }
}
