package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A writer node in a child JVM behind the relay, killed with SIGKILL under traffic and
 * restarted at the same address, then stopped with SIGSTOP for 6 s (the peer timeout is 5 s);
 * the channel's home and its reader are in this JVM, and the remote writer is the channel's
 * only writer end: the home abandons the dead incarnation's end, so the channel must not
 * retire. Judged by the simulator's history checker; report in target/chaos-report-short.
 */
class WriterFaultScenarioTest {
    private static final long SEED = 89L;

    @Test
    void aKilledRestartedAndStoppedWriterLosesNothingAcknowledgedAndTheReaderGoesOn() throws Exception {
        Path out = Path.of("target", "chaos-report-short");
        ScenarioReport r = new WriterFaultScenario(SEED, new CrashPhases(1_000, 500, 6_000, 3_000, 1_000),
                out.resolve("logs"), false).run();
        ReportWriter.write(r, out);
        System.out.println(r.name() + " seed " + SEED + ": " + r.outcomes() + " " + r.anomalies() + " " + r.notes());
        assertEquals(List.of(), r.anomalies(), "seed " + SEED + ", report in " + out.toAbsolutePath());
        assertTrue(r.operations().stream().noneMatch(op -> op.outcome() == Outcome.RETIRED),
                "a crash of the only writer's node is not a retire: " + r.outcomes());
        long incarnations = r.operations().stream().filter(op -> op.kind().equals("write") && op.outcome()
                == Outcome.DONE).map(op -> op.process()).distinct().count();
        assertEquals(2, incarnations, "both starts of the writer wrote: " + r.outcomes());
        FaultWindow pause = r.faults().get(1);
        assertTrue(r.operations().stream().anyMatch(op -> op.kind().equals("read") && op.outcome() == Outcome.DONE
                && op.startNs() > pause.endNs()), "the reader read after the pause");
        assertEquals(0, ChildProcesses.liveCount());
    }
}
