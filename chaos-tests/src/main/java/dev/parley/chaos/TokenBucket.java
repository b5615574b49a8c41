package dev.parley.chaos;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket of bytes that refills at a rate up to a burst size, and tells how long a
 * datagram must wait before it may be sent. Not thread-safe: the relay uses one from its
 * receiving thread only; time comes from the caller, so tests drive it with a fake clock.
 *
 * <p>Implementation note. Invariant TOKENS_BOUNDED: {@code tokens <= burstBytes}. A datagram
 * larger than the tokens on hand borrows them (tokens go negative) and waits until the refill
 * would have paid the debt back, so that the bytes released by any window of length {@code w}
 * never exceed {@code burstBytes + rate * w} plus one datagram (invariant RATE_BOUND).
 */
final class TokenBucket {
    private long bytesPerSecond;
    private long burstBytes;
    private double tokens;
    private long lastNs;

    TokenBucket(long bytesPerSecond, long burstBytes, long nowNs) {
        reconfigure(bytesPerSecond, burstBytes);
        this.tokens = burstBytes;
        this.lastNs = nowNs;
    }

    static void checkRate(long bytesPerSecond, long burstBytes) {
        if (bytesPerSecond < 1 || burstBytes < 1) {
            throw new IllegalArgumentException("rate and burst must be positive: bytesPerSecond=" + bytesPerSecond
                    + ", burstBytes=" + burstBytes);
        }
    }

    void reconfigure(long bytesPerSecond, long burstBytes) {
        checkRate(bytesPerSecond, burstBytes);
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.tokens = Math.min(tokens, burstBytes);
    }

    /** Takes {@code bytes} tokens at {@code nowNs} and returns how long, in ns, the datagram must wait. */
    long reserve(int bytes, long nowNs) {
        refill(nowNs);
        tokens -= bytes;
        if (tokens >= 0) {
            return 0;
        }
        return (long) Math.ceil(-tokens * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond);
    }

    private void refill(long nowNs) {
        long elapsedNs = nowNs - lastNs;
        if (elapsedNs > 0) {
            tokens = Math.min(burstBytes, tokens + (double) elapsedNs * bytesPerSecond / TimeUnit.SECONDS.toNanos(1));
            lastNs = nowNs;
        }
    }
}
