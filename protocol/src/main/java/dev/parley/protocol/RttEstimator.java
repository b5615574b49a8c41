package dev.parley.protocol;

/**
 * A smoothed round-trip time estimator with exponential backoff, in the manner of TCP's
 * (gains of 1/8 for the mean and 1/4 for the deviation). Not thread-safe: one session's.
 *
 * <h2>Implementation note</h2>
 * Invariant <b>rto-bounded</b>: {@link #rtoNs()} is always within [minRtoNs, maxRtoNs].
 * Samples are taken only from frames sent once (Karn's rule), because the ack of a
 * retransmitted frame cannot say which transmission it answers. A fresh sample ends any
 * backoff.
 */
final class RttEstimator {

    private final long minRtoNs;
    private final long maxRtoNs;
    private long srttNs = -1;
    private long rttVarNs;
    private long baseRtoNs;
    private int backoffs;

    RttEstimator(long initialRtoNs, long minRtoNs, long maxRtoNs) {
        this.minRtoNs = minRtoNs;
        this.maxRtoNs = maxRtoNs;
        this.baseRtoNs = initialRtoNs;
    }

    /** Takes one round-trip sample and ends any backoff. */
    void sample(long rttNs) {
        long r = Math.max(0, rttNs);
        if (srttNs < 0) {
            srttNs = r;
            rttVarNs = r / 2;
        } else {
            rttVarNs = (3 * rttVarNs + Math.abs(srttNs - r)) / 4;
            srttNs = (7 * srttNs + r) / 8;
        }
        baseRtoNs = clamp(srttNs + Math.max(minRtoNs, 4 * rttVarNs));
        backoffs = 0;
    }

    /** Doubles the timeout after a retransmission, up to the maximum. */
    void backoff() {
        if (backoffs < 30) {
            backoffs++;
        }
    }

    /** Ends the backoff without a sample (the peer acknowledged new data). */
    void resetBackoff() {
        backoffs = 0;
    }

    /** @return the current retransmission timeout, backoff included */
    long rtoNs() {
        long rto = baseRtoNs;
        for (int i = 0; i < backoffs && rto < maxRtoNs; i++) {
            rto *= 2;
        }
        return clamp(rto);
    }

    /** @return the smoothed round-trip time, or -1 before the first sample */
    long srttNs() {
        return srttNs;
    }

    private long clamp(long ns) {
        return Math.min(maxRtoNs, Math.max(minRtoNs, ns));
    }
}
