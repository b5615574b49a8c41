package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rendezvous channel's home in a child JVM, with a local reader that prints every read,
 * killed with SIGKILL under heavy traffic and restarted at the same address, then stopped
 * with SIGSTOP for 6 s (the peer timeout is 5 s); the writers are remote ends in this JVM.
 * Judged by the simulator's history checker and the scenario's own checks, which must also
 * flag a read dropped from the real history. Report in target/chaos-report-short.
 */
class HomeReaderFaultScenarioTest {
    private static final long SEED = 97L;

    @Test
    void aKilledHomeLosesNoAcknowledgedWriteAndItsRestartedReaderGetsTheTrafficBack() throws Exception {
        ScenarioReport r = new HomeReaderFaultScenario(SEED, CrashRuns.PHASES, CrashRuns.OUT.resolve("logs")).run();
        CrashRuns.assertClean(r, SEED);
        List<String> readers = r.operations().stream().filter(op -> op.kind().equals("read")
                && op.outcome() == Outcome.DONE).map(Operation::process).distinct().toList();
        assertEquals(2, readers.size(), "both starts of the home read: " + readers);
        assertLostReadsAreFound(r, readers);
    }

    /**
     * Drops one DONE read of each start in turn from the real history: in the second start no
     * cut read can excuse it (done-write-read); in the first, ChannelHistory would let the read
     * cut by the kill excuse it, and lost-only-by-the-cut-read must not.
     */
    private static void assertLostReadsAreFound(ScenarioReport r, List<String> readers) {
        for (String reader : readers) {
            List<Operation> ops = new ArrayList<>(r.operations());
            Operation dropped = ops.stream().filter(op -> op.process().equals(reader) && op.outcome()
                    == Outcome.DONE).skip(20).findFirst().orElseThrow();
            ops.remove(dropped);
            List<String> found = HomeReaderFaultScenario.judge(ops, List.of(), r.faults(), 1_000_000_000L);
            assertTrue(!found.isEmpty() && found.stream().allMatch(a -> a.startsWith("done-write-read: ")
                    || a.startsWith("lost-only-by-the-cut-read: ")), reader + ": " + found);
            String v = dropped.value();
            assertTrue(found.stream().anyMatch(a -> a.contains("'" + v + "'") || a.contains("value=" + v + ",")),
                    v + " named in " + found);
        }
    }
}
