package dev.parley.chaos;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Holds a datagram back and sends it right after the next datagram of the same direction, so
 * that the two swap places; a held datagram with no successor is sent after {@code maxHoldMs}.
 * At most one datagram per direction is held at a time. Any thread may change it while traffic
 * flows.
 */
public final class Reorder extends Toxic {
    private volatile long maxHoldNs;

    Reorder(String name, ToxicDirection direction, double toxicity, long maxHoldMs, Proxy proxy) {
        super(name, direction, toxicity, proxy);
        setMaxHold(maxHoldMs);
    }

    public Reorder setMaxHold(long maxHoldMs) {
        if (maxHoldMs < 1) {
            throw new IllegalArgumentException("maxHoldMs must be at least 1: maxHoldMs=" + maxHoldMs);
        }
        maxHoldNs = TimeUnit.MILLISECONDS.toNanos(maxHoldMs);
        return this;
    }

    long maxHoldNs() {
        return maxHoldNs;
    }

    @Override
    void apply(Fate fate, int length, long nowNs, SplittableRandom random) {
        fate.held = true;
        fate.holdBy = this;
    }

    @Override
    public String describe() {
        return "maxHold=" + TimeUnit.NANOSECONDS.toMillis(maxHoldNs) + "ms";
    }
}
