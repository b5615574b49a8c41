package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two Parley nodes in this JVM, each behind its own proxy and advertising it: 150 timed writes
 * under 5% loss, latency with jitter and 5% duplication on both proxies both ways, and a 1 s
 * two-way partition of both, checked by DeliveryCheck. Report in target/chaos-report-short.
 */
class RelayedWriteScenarioTest {
    private static final long SEED = 71L;

    @Test
    void timedWritesThroughFaultyProxiesAndAPartitionAreDeliveredOnceAndInOrder() throws Exception {
        Path out = Path.of("target", "chaos-report-short");
        ScenarioReport r = new RelayedWriteScenario(SEED, 150, 500, 1_000).run();
        ReportWriter.write(r, out);
        System.out.println("relayed scenario seed " + SEED + ": " + r.outcomes() + " " + r.notes());
        assertEquals(List.of(), r.anomalies(), "seed " + SEED + ", report in " + out.toAbsolutePath());
        assertEquals(150, r.outcomes().get("write").values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(r.outcomes().get("write").get(Outcome.DONE) > 0, r.outcomes().toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("proxy to-reader UPSTREAM") && !n.contains("in=0,")),
                r.notes().toString());
        FaultWindow cut = r.faults().get(0);
        assertTrue(r.operations().stream().anyMatch(op -> op.kind().equals("write") && op.startNs() < cut.endNs()
                && op.endNs() > cut.beganNs()), "some write met the partition");
    }
}
