package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short version of the chaos suite run by {@code mvn -B test}: the harness's echo scenario
 * with 300 ms phases (about 6 s). Its report lands in target/chaos-report-short.
 */
class EchoScenarioTest {
    private static final long SEED = 6L;

    @Test
    void theEchoScenarioSurvivesEveryFaultAndResumesAfterEach() throws Exception {
        Path out = Path.of("target", "chaos-report-short");
        ScenarioReport r = new EchoScenario(SEED, 300, 60, out.resolve("logs")).run();
        ReportWriter.write(r, out);
        System.out.println("echo scenario seed " + SEED + ": " + r.outcomes() + " " + r.notes());
        assertEquals(java.util.List.of(), r.anomalies(), "seed " + SEED + ", report in " + out.toAbsolutePath());
        assertEquals(7, r.faults().size());
        assertTrue(r.outcomes().get("echo").get(Outcome.UNKNOWN) > 0, "the faults cost some requests");
        assertTrue(Files.exists(out.resolve("echo-harness.png")));
        assertEquals(0, ChildProcesses.liveCount());
    }
}
