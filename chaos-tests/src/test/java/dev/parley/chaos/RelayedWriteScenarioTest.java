package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two Parley nodes in this JVM, each behind its own proxy and advertising it: 150 timed writes
 * under 5% loss, latency with jitter and 5% duplication on both proxies both ways, and a 1 s
 * two-way partition of both, checked by the simulator's history checker (which must also flag anomalies planted in
 * the real history). Report in target/chaos-report-short.
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
        assertPlantedAnomaliesAreFound(r);
    }

    /** The real history with one read dropped, then with one read doubled: the checker must notice. */
    private static void assertPlantedAnomaliesAreFound(ScenarioReport r) {
        List<Operation> ops = new java.util.ArrayList<>(r.operations());
        Operation read = ops.stream().filter(op -> op.kind().equals("read") && op.outcome() == Outcome.DONE)
                .skip(ops.size() / 4).findFirst().orElseThrow();
        List<Operation> lost = ops.stream().filter(op -> op != read).toList();
        List<String> found = ChannelHistory.check(lost, List.of(), r.faults(), AeronWriteScenario.SLACK_NS,
                AeronWriteScenario.SETTLE_NS);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("done-write-read: "), found.toString());
        ops.add(new Operation("r2", read.channel(), "read", read.value(), read.endNs(), read.endNs() + 1,
                Operation.NO_DEADLINE, Outcome.DONE, null));
        found = ChannelHistory.check(ops, List.of(), r.faults(), AeronWriteScenario.SLACK_NS,
                AeronWriteScenario.SETTLE_NS);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("read-at-most-once: "), found.toString());
    }
}
