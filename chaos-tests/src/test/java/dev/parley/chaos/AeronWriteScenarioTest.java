package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two Parley nodes in two JVMs: 300 timed writes while the reader's JVM is paused for 1.5 s
 * and its media driver drops 5% of the data frames and 30% of the control frames (status
 * messages, NAKs) it sends and receives, checked by the history checker. The drivers' counters
 * must show NAKs lost both ways. Report in target/chaos-report-short.
 */
class AeronWriteScenarioTest {
    private static final long SEED = 61L;

    @Test
    void timedWritesAcrossAPausedReaderAreDeliveredOnceAndInOrder() throws Exception {
        Path out = Path.of("target", "chaos-report-short");
        ScenarioReport r = new AeronWriteScenario("aeron-control-loss-30", SEED, 300, 500, 1_500,
                new AeronWriteScenario.DriverLoss(0.05, 0.30), out.resolve("logs")).run();
        ReportWriter.write(r, out);
        System.out.println("aeron scenario seed " + SEED + ": " + r.outcomes() + " " + r.notes());
        assertEquals(List.of(), r.anomalies(), "seed " + SEED + ", report in " + out.toAbsolutePath());
        assertEquals(300, r.outcomes().get("write").values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(r.outcomes().get("write").get(Outcome.DONE) > 0, r.outcomes().toString());
        FaultWindow pause = r.faults().get(0);
        assertTrue(r.operations().stream().anyMatch(op -> op.kind().equals("write") && op.startNs() < pause.endNs()
                && op.endNs() > pause.beganNs()), "some write met the pause");
        assertEquals(0, ChildProcesses.liveCount());
        assertTrue(counter(r, "reader", "NAKs sent") > counter(r, "writer", "NAKs received"), r.notes().toString());
        assertTrue(counter(r, "writer", "NAKs sent") > counter(r, "reader", "NAKs received"), r.notes().toString());
    }

    @Test
    void eachLossRateSwitchesOnItsOwnGeneratorsWithTheirOwnSeeds() {
        assertEquals(List.of(), new AeronWriteScenario.DriverLoss(0, 0).jvmOptions(7));
        List<String> data = new AeronWriteScenario.DriverLoss(0.05, 0).jvmOptions(7);
        assertTrue(data.contains("-Daeron.debug.send.data.loss.seed=8") && data.stream().noneMatch(o
                -> o.contains("control")), data.toString());
        List<String> control = new AeronWriteScenario.DriverLoss(0, 0.3).jvmOptions(7);
        assertTrue(control.contains("-Daeron.debug.receive.control.loss.rate=0.3")
                && control.contains("-Daeron.debug.send.control.loss.seed=10") && control.stream().noneMatch(o
                -> o.contains(".data.")), control.toString());
        assertTrue(control.stream().anyMatch(o -> o.endsWith("DebugSendChannelEndpointSupplier")), control.toString());
    }

    /** A counter of the writer's or the reader's media driver, from the report's notes. */
    private static long counter(ScenarioReport r, String driver, String label) {
        String note = r.notes().stream().filter(n -> n.startsWith(driver + "'s media driver: {")).findFirst()
                .orElseThrow(() -> new AssertionError("no counters of the " + driver + "'s driver: " + r.notes()));
        Matcher m = Pattern.compile("[{ ]" + label + "=(\\d+)").matcher(note);
        assertTrue(m.find(), label + " in " + note);
        return Long.parseLong(m.group(1));
    }
}
