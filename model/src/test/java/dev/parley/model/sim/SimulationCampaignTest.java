package dev.parley.model.sim;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parley.protocol.SeededBug;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A long campaign, run only when asked (see docs/SIMULATION.md):
 * {@code -Dparley.sim.seeds=N} and/or {@code -Dparley.sim.minutes=M}, from
 * {@code -Dparley.sim.firstSeed} (default 1,000,000, past the CI seeds), on
 * {@code -Dparley.sim.threads} threads (default 1), optionally with
 * {@code -Dparley.sim.bugs=...}. It stops at the first failing seed, shrinks it and prints the
 * replay commands.
 */
@EnabledIfSystemProperty(named = "parley.sim.campaign", matches = "true")
class SimulationCampaignTest {

    @Test
    @Timeout(value = 7, unit = TimeUnit.DAYS)
    void everySeedOfTheCampaignPassesTheHistoryChecks() throws Exception {
        long seeds = Long.getLong("parley.sim.seeds", Long.MAX_VALUE);
        double minutes = Double.parseDouble(System.getProperty("parley.sim.minutes", seeds == Long.MAX_VALUE
                ? "1" : "1e9"));
        long first = Long.getLong("parley.sim.firstSeed", 1_000_000L);
        int threads = Integer.getInteger("parley.sim.threads", 1);
        Set<SeededBug> bugs = SimulationReplayTest.bugs(System.getProperty("parley.sim.bugs", ""));
        // A budget, not an end time: nanoTime() plus a huge budget would overflow into the past.
        long budgetNs = (long) Math.min(minutes * 60e9, Long.MAX_VALUE);
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong(first);
        AtomicLong done = new AtomicLong();
        AtomicReference<Simulator.Run> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    long seed;
                    while (failure.get() == null && System.nanoTime() - start < budgetNs
                            && (seed = next.getAndIncrement()) - first < seeds) {
                        Simulator.Run r = Simulator.run(seed, bugs);
                        if (r.failed()) {
                            failure.compareAndSet(null, r);
                        }
                        if (done.incrementAndGet() % 10_000 == 0) {
                            System.out.printf("campaign: %d seeds, %.0f seeds/s%n", done.get(),
                                    done.get() / ((System.nanoTime() - start) / 1e9));
                        }
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("campaign: %d seeds from %d in %.1f s (%.0f seeds/s on %d threads)%n", done.get(), first,
                seconds, done.get() / seconds, threads);
        Simulator.Run failed = failure.get();
        String report = failed == null ? null : SimCampaign.describe(failed, SimCampaign.shrink(failed, bugs), bugs);
        assertNull(report, report);
    }
}
