package dev.parley.protocol;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a protocol node counted: frames sent and retransmitted, duplicates dropped, frames
 * rejected by reason, operations ended by outcome. Counters, not logs: an adapter exports
 * them however it likes. Written by the node's one thread; read from any thread.
 */
public final class Counters {

    /** The counted events other than rejections. */
    public enum Event {
        FRAMES_SENT,
        FRAMES_RECEIVED,
        FRAMES_RETRANSMITTED,
        DUPLICATES_DROPPED,
        HANDSHAKES_SENT,
        HEARTBEATS_SENT,
        PEER_RESTARTS,
        OPERATIONS_DONE,
        OPERATIONS_NOT_DONE,
        OPERATIONS_OUTCOME_UNKNOWN,
        OPERATIONS_PEER_UNREACHABLE,
        OPERATIONS_TERMINATED,
        /** This node was called late for its timers (it was stopped or paused); see ProtocolNode. */
        STALLS_EXCUSED,
        /** Writes this node's writer ends made ahead, under slots their homes reserved (STORE sent). */
        WRITES_AHEAD,
        /** Writes ahead that this node's channels stored (STORE received). */
        STORES_RECEIVED,
        /** Times this node's channels asked a writer end for its reserved slots back (REVOKE sent). */
        CREDITS_REVOKED,
        /**
         * Writes ahead that this node's channels stored after their writer's slots had lapsed (it
         * was silent for the peer timeout): stored all the same, but a writer-side poison or retire
         * made meanwhile may have told the readers already (docs/NETWORK.md, writes ahead).
         */
        LATE_STORES
    }

    private final AtomicLongArray events = new AtomicLongArray(Event.values().length);
    private final AtomicLongArray rejections = new AtomicLongArray(Rejection.values().length);

    void add(Event event) {
        events.incrementAndGet(event.ordinal());
    }

    void add(Event event, long times) {
        events.addAndGet(event.ordinal(), times);
    }

    void reject(Rejection reason) {
        rejections.incrementAndGet(reason.ordinal());
    }

    /** @return how often {@code event} happened */
    public long get(Event event) {
        return events.get(event.ordinal());
    }

    /** @return how many frames were rejected for {@code reason} */
    public long rejected(Rejection reason) {
        return rejections.get(reason.ordinal());
    }

    /** @return how many frames were rejected for any reason */
    public long rejectedTotal() {
        long sum = 0;
        for (int i = 0; i < rejections.length(); i++) {
            sum += rejections.get(i);
        }
        return sum;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Counters[");
        for (Event e : Event.values()) {
            s.append(e).append('=').append(get(e)).append(", ");
        }
        for (Rejection r : Rejection.values()) {
            long n = rejected(r);
            if (n > 0) {
                s.append("rejected.").append(r).append('=').append(n).append(", ");
            }
        }
        s.setLength(s.length() - 2);
        return s.append(']').toString();
    }
}
