package dev.parley.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Model-based random testing of the real core ({@link Campaign}): each seeded program runs on
 * the core and in the model, and the real outcome must be one the model allows; a failure
 * shrinks to a minimal program and prints its seed. Defaults: {@code -Dparley.model.programs=300}
 * programs from {@code -Dparley.model.seed=20261204} on; program {@code n} has seed
 * {@code seed + n}, so {@code -Dparley.model.seed=S -Dparley.model.programs=1} replays seed S.
 */
class ModelBasedCoreTest {

    @Test
    @Timeout(value = 12, unit = TimeUnit.HOURS, threadMode = ThreadMode.SAME_THREAD)
    void theRealCoreOnlyShowsOutcomesTheModelAllows() throws InterruptedException {
        int programs = Integer.getInteger("parley.model.programs", 300);
        long seed = Long.getLong("parley.model.seed", 20261204L);
        Campaign.Summary summary = Campaign.run(seed, programs);
        System.out.printf("model-based testing of the core, seeds %d..%d: %d programs run, %d skipped "
                        + "(model over %d states), %d deadlocked, %d distinct real outcomes, %d ms%n",
                seed, seed + programs - 1, summary.run(), summary.skipped(), Campaign.MAX_STATES,
                summary.deadlocked(), summary.distinctOutcomes(), summary.elapsedMs());
        assertNull(summary.failure(), () -> summary.failure().report());
        assertEquals(programs, summary.run() + summary.skipped());
    }
}
