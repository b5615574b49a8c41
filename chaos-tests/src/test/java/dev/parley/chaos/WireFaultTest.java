package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireFaultTest {
    @Test
    void aCombinationKeepsTheStrongerOfEachToxicAndTheLongerDuration() {
        WireFault f = WireFault.loss(0.05, 1_000).and(WireFault.latency(10, 5, 2_000)).and(WireFault.partition(3_000));
        assertEquals(0.05, f.loss());
        assertEquals(10, f.latencyMs());
        assertEquals(5, f.jitterMs());
        assertEquals(3_000, f.durationMs());
        assertEquals(WireFault.Cut.TWO_WAY, f.cut());
        assertEquals("loss-5_latency-10j5_partition-3s", f.canonicalName());
        assertTrue(f.describe().contains("two-way partition"), f.describe());
    }

    @Test
    void theSameSeedDrawsTheSameRandomFault() {
        for (long seed = 0; seed < 50; seed++) {
            WireFault a = WireFault.random(new Random(seed), 2_000);
            assertEquals(a, WireFault.random(new Random(seed), 2_000));
            assertEquals(a.canonicalName(), a.name());
        }
    }

    @Test
    void theMatrixNamesEveryCellOnceAndHoldsTheLongPartition() {
        List<WireFault> m = WireFault.matrix(1_000);
        assertEquals(m.size(), new HashSet<>(m.stream().map(WireFault::name).toList()).size());
        assertTrue(m.stream().anyMatch(f -> f.name().equals("partition-15s")));
    }

    @Test
    void aCombinationKeepsTheLowerBandwidthAndNamesItInKilobytes() {
        WireFault f = WireFault.bandwidth(40_000, 1_000).and(WireFault.loss(0.05, 1_000));
        assertEquals(40_000, f.bandwidthBytesPerSecond());
        assertEquals("loss-5_bandwidth-40kBps", f.canonicalName());
        assertEquals(8_000, f.and(WireFault.bandwidth(8_000, 1_000)).bandwidthBytesPerSecond());
        assertEquals("bandwidth-1500Bps", WireFault.bandwidth(1_500, 1_000).name());
        assertTrue(f.describe().contains("bandwidth 40000 B/s"), f.describe());
    }

    @Test
    void aBandwidthFaultLimitsBothDirectionsOfAProxy() throws Exception {
        try (FaultRelay relay = new FaultRelay(1)) {
            Proxy p = relay.createProxy("p", 0, new java.net.InetSocketAddress("127.0.0.1", 9));
            WireFault.bandwidth(20_000, 1_000).applyTo(p, true);
            for (ToxicDirection d : ToxicDirection.values()) {
                Bandwidth b = (Bandwidth) p.toxic("bandwidth-" + d.name().toLowerCase(java.util.Locale.ROOT));
                assertEquals(20_000, b.bytesPerSecond());
                assertEquals(d, b.direction());
            }
        }
    }

    @Test
    void aNameThatIsNoFileNameOrANegativeLatencyIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new WireFault("a/b", 1, 0, 0, 0, 0, 0, 0, WireFault.Cut.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> new WireFault("x", 1, 0, -1, 0, 0, 0, 0, WireFault.Cut.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> new WireFault("x", 1, 0, 0, 0, 0, 0, -1, WireFault.Cut.NONE));
    }
}
