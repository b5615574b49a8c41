package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short suite's cells of the scenario matrix ({@link WireFault#shortSuite()}): two Parley
 * nodes in this JVM, each behind its own proxy, two writers and a reader, under each fault for
 * 1 s between calm phases, judged by the simulator's history checker (which must also flag
 * anomalies planted in the real history). Reports in target/chaos-report-short.
 */
class WireFaultScenarioTest {
    private static final long SEED = 71L;

    @Test
    void everyFaultOfTheShortMatrixLosesNothingDuplicatesNothingAndTrafficResumes() throws Exception {
        Path out = Path.of("target", "chaos-report-short");
        List<String> failed = new ArrayList<>();
        ScenarioReport first = null;
        for (WireFault fault : WireFault.shortSuite()) {
            ScenarioReport r = new WireFaultScenario(SEED, fault, new Phases(300, 1_500, 500)).run();
            ReportWriter.write(r, out);
            System.out.println(r.name() + " seed " + SEED + ": " + r.outcomes() + " " + r.anomalies());
            if (!r.passed()) {
                failed.add(r.name() + " " + r.anomalies());
            }
            assertTrue(r.outcomes().get("write").get(Outcome.DONE) > 100, r.outcomes().toString());
            assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("proxy to-reader UPSTREAM")
                    && !n.contains("in=0,")), r.notes().toString());
            FaultWindow f = r.faults().get(0);
            assertTrue(r.operations().stream().anyMatch(op -> op.kind().equals("write") && op.startNs() < f.endNs()
                    && op.endNs() > f.beganNs()), "some write met the fault in " + r.name());
            first = first == null ? r : first;
        }
        assertEquals(List.of(), failed, "seed " + SEED + ", reports in " + out.toAbsolutePath());
        assertPlantedAnomaliesAreFound(first);
    }

    /** The real history with one read dropped, then with one read doubled: the checker must notice. */
    private static void assertPlantedAnomaliesAreFound(ScenarioReport r) {
        List<Operation> ops = new ArrayList<>(r.operations());
        Operation read = ops.stream().filter(op -> op.kind().equals("read") && op.outcome() == Outcome.DONE
                && op.value().startsWith("w1:")).skip(50).findFirst().orElseThrow();
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
