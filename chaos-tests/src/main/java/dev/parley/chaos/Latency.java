package dev.parley.chaos;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Delays a datagram by a latency plus or minus a uniform jitter (never below zero), as
 * Toxiproxy's latency toxic does; a jitter larger than the gap between datagrams reorders them.
 * Any thread may change it while traffic flows.
 */
public final class Latency extends Toxic {
    private volatile long latencyNs;
    private volatile long jitterNs;

    Latency(String name, ToxicDirection direction, double toxicity, long latencyMs, long jitterMs, Proxy proxy) {
        super(name, direction, toxicity, proxy);
        setLatency(latencyMs);
        setJitter(jitterMs);
    }

    public Latency setLatency(long latencyMs) {
        latencyNs = TimeUnit.MILLISECONDS.toNanos(checkNonNegative("latencyMs", latencyMs));
        return this;
    }

    public Latency setJitter(long jitterMs) {
        jitterNs = TimeUnit.MILLISECONDS.toNanos(checkNonNegative("jitterMs", jitterMs));
        return this;
    }

    public long latencyMs() {
        return TimeUnit.NANOSECONDS.toMillis(latencyNs);
    }

    public long jitterMs() {
        return TimeUnit.NANOSECONDS.toMillis(jitterNs);
    }

    @Override
    void apply(Fate fate, int length, long nowNs, SplittableRandom random) {
        long jitter = jitterNs;
        long offsetNs = jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1);
        fate.delayNs += Math.max(0, latencyNs + offsetNs);
    }

    @Override
    public String describe() {
        return "latency=" + latencyMs() + "ms, jitter=" + jitterMs() + "ms";
    }
}
