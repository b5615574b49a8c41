package dev.parley.chaos;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one direction of a {@link Proxy}: datagrams received, sent (copies included),
 * dropped, duplicated (extra copies made) and delayed (sent later than received, holds
 * included), and the bytes received. Updated by the relay's threads; any thread may read them at any time.
 */
public final class DirectionCounters {
    final LongAdder in = new LongAdder();
    final LongAdder out = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder duplicated = new LongAdder();
    final LongAdder delayed = new LongAdder();
    final LongAdder bytesIn = new LongAdder();

    public long in() {
        return in.sum();
    }

    public long out() {
        return out.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    public long duplicated() {
        return duplicated.sum();
    }

    public long delayed() {
        return delayed.sum();
    }

    /** The bytes of the datagrams received (their payloads, as the relay saw them). */
    public long bytesIn() {
        return bytesIn.sum();
    }

    @Override
    public String toString() {
        return "in=" + in() + ", out=" + out() + ", dropped=" + dropped() + ", duplicated=" + duplicated()
                + ", delayed=" + delayed()
                + ", bytesIn=" + bytesIn();
    }
}
