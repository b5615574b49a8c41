package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two Parley nodes in two JVMs: 300 timed writes while the reader's JVM is paused for 1.5 s
 * and its media driver drops 5% of the data frames it sends and receives, checked by
 * the history checker. Report in target/chaos-report-short.
 */
class AeronWriteScenarioTest {
    private static final long SEED = 61L;

    @Test
    void timedWritesAcrossAPausedReaderAreDeliveredOnceAndInOrder() throws Exception {
        Path out = Path.of("target", "chaos-report-short");
        ScenarioReport r = new AeronWriteScenario(SEED, 300, 500, 1_500, 0.05, out.resolve("logs")).run();
        ReportWriter.write(r, out);
        System.out.println("aeron scenario seed " + SEED + ": " + r.outcomes() + " " + r.notes());
        assertEquals(List.of(), r.anomalies(), "seed " + SEED + ", report in " + out.toAbsolutePath());
        assertEquals(300, r.outcomes().get("write").values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(r.outcomes().get("write").get(Outcome.DONE) > 0, r.outcomes().toString());
        FaultWindow pause = r.faults().get(0);
        assertTrue(r.operations().stream().anyMatch(op -> op.kind().equals("write") && op.startNs() < pause.endNs()
                && op.endNs() > pause.beganNs()), "some write met the pause");
        assertEquals(0, ChildProcesses.liveCount());
    }
}
