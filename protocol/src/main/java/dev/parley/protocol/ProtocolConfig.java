package dev.parley.protocol;

import java.time.Duration;

/**
 * The protocol's timing and size settings. Immutable; any thread may use it.
 *
 * @param peerTimeoutNs a peer from which nothing was heard this long is unreachable: its
 *     operations in flight end, and a held partner at the home is resolved; also how long past
 *     its deadline a timed operation (or a held timed partner) may wait for a commit under way
 * @param heartbeatIntervalNs an established session that sent nothing this long sends a
 *     heartbeat; must be well below {@code peerTimeoutNs}
 * @param initialRtoNs the retransmission timeout before any round trip was measured
 * @param minRtoNs the least retransmission timeout the RTT estimator may choose
 * @param maxRtoNs the greatest retransmission timeout, backoff included
 * @param sendWindow how many sequenced frames may be sent and not yet acknowledged
 * @param receiveWindow how far ahead of the next expected sequence number a frame is kept
 * @param lookupRetryNs how long a lookup waits before asking again for a channel not hosted yet
 * @param maxFrameBytes the largest frame, envelope and MAC included
 * @param creditWindow how many buffer slots a home reserves at most for one remote writer end
 *     that writes ahead (CREDIT); 0: a home grants none, and every remote buffered write waits
 *     for the home to store it
 */
public record ProtocolConfig(long peerTimeoutNs, long heartbeatIntervalNs, long initialRtoNs, long minRtoNs,
        long maxRtoNs, int sendWindow, int receiveWindow, long lookupRetryNs, int maxFrameBytes, int creditWindow) {

    public ProtocolConfig {
        positive("peerTimeoutNs", peerTimeoutNs);
        positive("heartbeatIntervalNs", heartbeatIntervalNs);
        positive("initialRtoNs", initialRtoNs);
        positive("minRtoNs", minRtoNs);
        positive("lookupRetryNs", lookupRetryNs);
        if (heartbeatIntervalNs * 2 > peerTimeoutNs) {
            throw new IllegalArgumentException("heartbeatIntervalNs=" + heartbeatIntervalNs
                    + " must be at most half of peerTimeoutNs=" + peerTimeoutNs);
        }
        if (minRtoNs > maxRtoNs || initialRtoNs < minRtoNs || initialRtoNs > maxRtoNs) {
            throw new IllegalArgumentException("need minRtoNs <= initialRtoNs <= maxRtoNs: minRtoNs=" + minRtoNs
                    + ", initialRtoNs=" + initialRtoNs + ", maxRtoNs=" + maxRtoNs);
        }
        if (sendWindow < 1 || receiveWindow < 1) {
            throw new IllegalArgumentException("windows must be positive: sendWindow=" + sendWindow
                    + ", receiveWindow=" + receiveWindow);
        }
        if (creditWindow < 0) {
            throw new IllegalArgumentException("creditWindow=" + creditWindow + " must not be negative");
        }
    }

    /** As the canonical constructor, with the default credit window ({@link #DEFAULT_CREDIT_WINDOW}). */
    public ProtocolConfig(long peerTimeoutNs, long heartbeatIntervalNs, long initialRtoNs, long minRtoNs,
            long maxRtoNs, int sendWindow, int receiveWindow, long lookupRetryNs, int maxFrameBytes) {
        this(peerTimeoutNs, heartbeatIntervalNs, initialRtoNs, minRtoNs, maxRtoNs, sendWindow, receiveWindow,
                lookupRetryNs, maxFrameBytes, DEFAULT_CREDIT_WINDOW);
    }

    /**
     * The default credit window: none beyond the channel's capacity, shared among the writer
     * ends that hold slots. A writer end writes ahead at most its slots' worth of messages per
     * round trip, so the capacity is what bounds its throughput: measured over loopback, a window
     * of 1,024 slots held one writer to about 2.5 million messages a second, the whole 4,096 of a
     * buffer to about 4 million (docs/NETWORK.md).
     */
    public static final int DEFAULT_CREDIT_WINDOW = Integer.MAX_VALUE;

    /**
     * @return when an operation with {@code deadlineNs} (or a hold of a partner with it) ends at
     *     the latest, one peer timeout after the deadline; {@link ProtocolNode#NO_DEADLINE} for none
     */
    long endByNs(long deadlineNs) {
        return deadlineNs == ProtocolNode.NO_DEADLINE ? ProtocolNode.NO_DEADLINE : deadlineNs + peerTimeoutNs;
    }

    /**
     * @return true once {@link #endByNs} of {@code deadlineNs} has come; never for no deadline.
     *     Compares the difference of two clock readings, so a far deadline does not overflow.
     */
    boolean pastEndBy(long deadlineNs, long nowNs) {
        return deadlineNs != ProtocolNode.NO_DEADLINE && nowNs - deadlineNs >= peerTimeoutNs;
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + "=" + value + " must be positive");
        }
    }

    /**
     * @return settings for a LAN or loopback: peer timeout 5 s, heartbeat 500 ms, RTO from
     *     1 ms to 1 s starting at 50 ms, windows of 1024 frames, lookups retried every 50 ms,
     *     frames up to 64 KiB (Aeron's limit for a 512 KiB term is term / 8), credits bounded only
     *     by the capacity's share
     */
    public static ProtocolConfig defaults() {
        return new ProtocolConfig(ms(5000), ms(500), ms(50), ms(1), ms(1000), 1024, 1024, ms(50), 64 * 1024);
    }

    /** @return these settings with another peer timeout and a heartbeat of a tenth of it */
    public ProtocolConfig withPeerTimeout(Duration timeout) {
        long ns = timeout.toNanos();
        return new ProtocolConfig(ns, Math.max(1, ns / 10), initialRtoNs, minRtoNs, maxRtoNs, sendWindow,
                receiveWindow, lookupRetryNs, maxFrameBytes, creditWindow);
    }

    /** @return these settings with another credit window (0: no writes ahead) */
    public ProtocolConfig withCreditWindow(int slots) {
        return new ProtocolConfig(peerTimeoutNs, heartbeatIntervalNs, initialRtoNs, minRtoNs, maxRtoNs, sendWindow,
                receiveWindow, lookupRetryNs, maxFrameBytes, slots);
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }
}
