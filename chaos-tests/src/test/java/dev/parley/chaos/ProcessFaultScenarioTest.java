package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A buffered channel's home in a child JVM behind the relay, killed with SIGKILL under heavy
 * traffic and restarted at the same address, then stopped with SIGSTOP for 6 s (the peer
 * timeout is 5 s) and continued; writers and reader are remote ends in this JVM. Judged by the
 * simulator's history checker; report in target/chaos-report-short.
 */
class ProcessFaultScenarioTest {
    private static final long SEED = 83L;

    @Test
    void aKilledAndRestartedAndAStoppedHomeLoseOnlyWhatTheContractAllowsAndTrafficResumes() throws Exception {
        Path out = Path.of("target", "chaos-report-short");
        ScenarioReport r = new ProcessFaultScenario(SEED, new CrashPhases(1_000, 500, 6_000, 3_000, 1_000),
                out.resolve("logs")).run();
        ReportWriter.write(r, out);
        System.out.println(r.name() + " seed " + SEED + ": " + r.outcomes() + " " + r.anomalies() + " " + r.notes());
        if (!r.passed()) {              // the operations around the stop, where values were lost before
            FaultWindow stop = r.faults().get(1);
            r.operations().stream().filter(op -> op.endNs() > stop.beganNs() - 50_000_000L
                    && op.startNs() < stop.endNs() + 500_000_000L).forEach(op -> System.out.println("near the stop: "
                    + op));
        }
        assertEquals(List.of(), r.anomalies(), "seed " + SEED + ", report in " + out.toAbsolutePath());
        assertEquals(2, r.faults().size());
        for (FaultWindow f : r.faults()) {
            assertTrue(r.operations().stream().anyMatch(op -> op.kind().equals("write") && op.startNs() < f.endNs()
                    && op.endNs() > f.beganNs()), "some write met " + f.name());
        }
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("(2 starts)")), r.notes().toString());
        assertEquals(0, ChildProcesses.liveCount());
    }
}
