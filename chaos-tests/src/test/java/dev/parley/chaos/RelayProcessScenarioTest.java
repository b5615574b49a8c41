package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A relaying home in a child JVM (a rendezvous channel with no end there; plain, timed and
 * alternating writers on one node and readers on another), killed with SIGKILL under traffic
 * and restarted at the same address, then stopped with SIGSTOP for 5.5 s (the peer timeout
 * is 5 s); the plain and timed workers keep their ends throughout. Judged by the simulator's
 * history checker and the scenario's own checks, which must also flag a read dropped from
 * the real history. Report in target/chaos-report-short.
 */
class RelayProcessScenarioTest {
    private static final long SEED = 101L;
    /** Shorter than {@link CrashRuns#PHASES} (stopped 5.5 s, calm 2 s after), to keep the suite's time. */
    private static final CrashPhases PHASES = new CrashPhases(1_000, 500, 5_500, 2_000, 1_000);

    @Test
    void aKilledRelayingHomeLosesNoAcknowledgedWriteAndTheSameEndsCarryTrafficAfterItsRestart() throws Exception {
        ScenarioReport r = new RelayProcessScenario(SEED, PHASES, CrashRuns.OUT.resolve("logs")).run();
        CrashRuns.assertClean(r, SEED);
        for (FaultWindow f : r.faults()) {
            assertTrue(r.operations().stream().anyMatch(op -> op.kind().equals("write") && op.startNs() < f.endNs()
                    && op.endNs() > f.beganNs()), "some write met " + f.name());
        }
        assertADroppedReadIsFound(r);
    }

    /**
     * Drops one DONE read of the untimed reader after the restart from the real history:
     * done-write-read may excuse the unread write for a read that ended UNKNOWN, and
     * relay-done-write-read must name it.
     */
    private static void assertADroppedReadIsFound(ScenarioReport r) {
        List<Operation> ops = new ArrayList<>(r.operations());
        Operation dropped = ops.stream().filter(op -> op.process().equals("relay-r") && op.outcome() == Outcome.DONE
                && op.startNs() > r.faults().get(0).endNs()).findFirst().orElseThrow();
        ops.remove(dropped);
        List<String> found = RelayProcessScenario.judge(ops, List.of(), r.faults(), 1_000_000_000L);
        assertTrue(found.stream().anyMatch(a -> a.startsWith("relay-done-write-read: ")
                && a.contains("value=" + dropped.value() + ",")), dropped.value() + " named in " + found);
    }
}
