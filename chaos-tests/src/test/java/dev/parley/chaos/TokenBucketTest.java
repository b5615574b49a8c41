package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBurstWithinTheBucketPassesWithoutWaiting() {
        TokenBucket bucket = new TokenBucket(10_000, 1_000, 0);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, bucket.reserve(100, 0), "datagram " + i + " of the first 1,000 bytes");
        }
        assertTrue(bucket.reserve(100, 0) > 0, "the 11th datagram at the same instant must wait");
    }

    @Test
    void bytesReleasedInAnyWindowStayWithinBurstPlusRateTimesWindow() {
        long rate = 10_000;
        long burst = 1_000;
        int size = 100;
        TokenBucket bucket = new TokenBucket(rate, burst, 0);
        int n = 1_000;
        long[] releaseNs = new long[n];
        for (int i = 0; i < n; i++) {           // 100 bytes offered every ms: ten times the rate
            long nowNs = i * MS;
            releaseNs[i] = nowNs + bucket.reserve(size, nowNs);
        }
        for (int i = 1; i < n; i++) {
            assertTrue(releaseNs[i] >= releaseNs[i - 1], "release order kept at datagram " + i);
        }
        for (long windowMs : new long[] {100, 1_000, 5_000}) {
            for (int first = 0; first < n; first += 97) {
                long endNs = releaseNs[first] + windowMs * MS;
                int count = 0;
                for (int j = first; j < n && releaseNs[j] < endNs; j++) {
                    count++;
                }
                long bound = (burst + rate * windowMs / 1_000) / size + 1;
                assertTrue(count <= bound, "window=" + windowMs + "ms from datagram " + first + ": " + count
                        + " released, bound " + bound);
            }
        }
        long last = releaseNs[n - 1];       // 100,000 bytes at 10,000 B/s after a 1,000-byte burst
        assertTrue(last >= 9_800 * MS && last <= 9_910 * MS, "last release at " + last / MS + " ms");
    }

    @Test
    void anIdleBucketRefillsOnlyUpToTheBurst() {
        TokenBucket bucket = new TokenBucket(1_000, 500, 0);
        assertEquals(0, bucket.reserve(500, 0));
        assertEquals(0, bucket.reserve(500, 60_000 * MS), "refilled after a minute");
        assertTrue(bucket.reserve(1, 60_000 * MS) > 0, "but not beyond the burst");
    }
}
