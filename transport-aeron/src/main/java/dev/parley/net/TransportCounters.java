package dev.parley.net;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a node's transport counted about Aeron itself (the protocol's own counts are
 * {@link Node#counters()}). Written by the node's threads; read from any thread.
 */
public final class TransportCounters {

    /** The counted events. */
    public enum Event {
        /** a frame accepted by a publication */
        FRAMES_OFFERED,
        /** a frame lost because the peer's image was not connected (nothing listens, or not yet) */
        LOST_NOT_CONNECTED,
        /** an offer refused by back-pressure or an admin action; the frame waited in a backlog */
        BACK_PRESSURED,
        /** a frame dropped from a full backlog; the protocol retransmits it */
        BACKLOG_DROPPED,
        /** a publication found closed or at its maximum position, replaced by a new one */
        PUBLICATIONS_RECREATED,
        /** a datagram too short to hold the sender's address, dropped */
        MALFORMED_ENVELOPES
    }

    private final AtomicLongArray events = new AtomicLongArray(Event.values().length);

    void add(Event event) {
        events.incrementAndGet(event.ordinal());
    }

    /** @return how often {@code event} happened */
    public long get(Event event) {
        return events.get(event.ordinal());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TransportCounters[");
        for (Event e : Event.values()) {
            s.append(e).append('=').append(get(e)).append(", ");
        }
        s.setLength(s.length() - 2);
        return s.append(']').toString();
    }
}
