package dev.parley.model.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The simulation of the real protocol over a faulty network passes its history checks. */
class SimulationTest {

    static final int CI_SEEDS = Integer.getInteger("parley.sim.ciSeeds", 2000);

    @Test
    void everySeedOfTheCiBudgetPassesTheHistoryChecks() {
        Map<String, Long> stats = new TreeMap<>();
        long start = System.nanoTime();
        long virtualNs = 0;
        for (long seed = 1; seed <= CI_SEEDS; seed++) {
            Simulator.Run r = Simulator.run(seed, Set.of());
            if (seed % 500 == 0) {
                System.out.println("seed " + seed + " at " + (System.nanoTime() - start) / 1_000_000 + " ms");
            }
            if (r.failed()) {
                Simulator.Run shrunk = SimCampaign.shrink(r, Set.of());
                throw new AssertionError(SimCampaign.describe(r, shrunk, Set.of()));
            }
            r.stats().forEach((k, v) -> stats.merge(k, v, Long::sum));
            virtualNs += r.virtualNs();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("simulation: %d seeds in %.1f s (%.0f seeds/s), %.0f virtual s%n", CI_SEEDS, seconds,
                CI_SEEDS / seconds, virtualNs / 1e9);
        System.out.println("simulation stats: " + stats);
        // The runs exercise what the checks are about: faults, restarts, and every ending.
        for (String k : List.of("FRAMES_RETRANSMITTED", "DUPLICATES_DROPPED", "PEER_RESTARTS", "ops.WRITE.DONE",
                "ops.WRITE.NOT_DONE", "ops.WRITE.UNKNOWN", "ops.READ.UNREACHABLE", "ops.READ.POISONED",
                "ops.READ.RETIRED", "rejected.STALE_INCARNATION", "askHold.HELD", "askHold.BUSY", "askHold.FINAL",
                "answer.ACCEPT", "answer.DECLINE", "answer.UNKNOWN",
                // writes ahead: stored (several in one STORE too), revoked, lapsed (stored late),
                // handed over late, and revokes and retires that had to wait for them
                "ops.WRITE.AHEAD", "WRITES_AHEAD", "STORES_RECEIVED", "CREDITS_REVOKED", "credit.released",
                "store.late", "store.batched", "writeAhead.delayedStore", "creditTakenBack.beforeStores",
                "retire.beforeStores")) {
            assertTrue(stats.getOrDefault(k, 0L) > 0, k + " never happened: " + stats);
        }
        assertEquals(0L, stats.getOrDefault("ops.READ.RUNNING", 0L) + stats.getOrDefault("ops.WRITE.RUNNING", 0L));
    }

    @Test
    void aSeedReplaysExactly() {
        Simulator.Run a = Simulator.run(725, Set.of());
        Simulator.Run b = Simulator.run(725, Set.of());
        assertEquals(a.history().ops().toString(), b.history().ops().toString());
        assertEquals(a.stats(), b.stats());
    }

    @Test
    void aPrintedScheduleReplaysTheSameRun() {
        Simulator.Run a = Simulator.run(659, Set.of());
        Simulator.Run b = Simulator.run(659, FaultSchedule.parse(a.schedule().toString()), Set.of());
        assertEquals(a.history().ops().toString(), b.history().ops().toString());
    }
}
