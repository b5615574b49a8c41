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
    void aNameThatIsNoFileNameOrANegativeLatencyIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new WireFault("a/b", 1, 0, 0, 0, 0, 0, WireFault.Cut.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> new WireFault("x", 1, 0, -1, 0, 0, 0, WireFault.Cut.NONE));
    }
}
