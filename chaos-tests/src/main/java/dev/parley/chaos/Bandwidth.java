package dev.parley.chaos;

import java.util.SplittableRandom;

/**
 * Limits a direction to a rate in bytes per second with a token bucket (burst in bytes):
 * datagrams beyond the rate wait, in order, until the bucket allows them; none is dropped.
 * Any thread may change the rate while traffic flows.
 */
public final class Bandwidth extends Toxic {
    private volatile long bytesPerSecond;
    private volatile long burstBytes;
    private TokenBucket bucket; // touched only by the proxy's receiving thread

    Bandwidth(String name, ToxicDirection direction, double toxicity, long bytesPerSecond, long burstBytes,
              Proxy proxy) {
        super(name, direction, toxicity, proxy);
        setRate(bytesPerSecond, burstBytes);
    }

    public Bandwidth setRate(long bytesPerSecond, long burstBytes) {
        TokenBucket.checkRate(bytesPerSecond, burstBytes);
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        return this;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    @Override
    void apply(Fate fate, int length, long nowNs, SplittableRandom random) {
        if (bucket == null) {
            bucket = new TokenBucket(bytesPerSecond, burstBytes, nowNs);
        } else {
            bucket.reconfigure(bytesPerSecond, burstBytes);
        }
        fate.delayNs += bucket.reserve(length, nowNs);
    }

    @Override
    public String describe() {
        return "rate=" + bytesPerSecond + "B/s, burst=" + burstBytes + "B";
    }
}
