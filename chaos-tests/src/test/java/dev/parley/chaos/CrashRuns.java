package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

/**
 * What every short-suite test of a home killed and restarted, then stopped, asks of its run:
 * the report written to target/chaos-report-short, no anomaly, the two faults recorded, two
 * starts of the home and no child left alive. Called by the test's thread.
 */
final class CrashRuns {
    /** The short suite's phases: calm 1 s, dead 0.5 s, stopped 6 s (the peer timeout is 5 s), calm 3 s. */
    static final CrashPhases PHASES = new CrashPhases(1_000, 500, 6_000, 3_000, 1_000);
    static final Path OUT = Path.of("target", "chaos-report-short");

    private CrashRuns() {
    }

    /** Writes and prints the report of a run with {@code seed} and asserts what every such run must show. */
    static void assertClean(ScenarioReport r, long seed) {
        ReportWriter.write(r, OUT);
        System.out.println(r.name() + " seed " + seed + ": " + r.outcomes() + " " + r.anomalies() + " " + r.notes());
        assertEquals(List.of(), r.anomalies(), "seed " + seed + ", report in " + OUT.toAbsolutePath());
        assertEquals(2, r.faults().size());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("(2 starts)")), r.notes().toString());
        assertEquals(0, ChildProcesses.liveCount());
    }
}
