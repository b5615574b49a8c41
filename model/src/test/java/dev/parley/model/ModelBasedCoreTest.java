package dev.parley.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Model-based random testing of the real core: each seeded program runs on the core and in the
 * model, and the real outcome must be one the model allows; a failure shrinks to a minimal
 * program and prints its seed. Defaults: {@code -Dparley.model.programs=300} programs from
 * {@code -Dparley.model.seed=20261204} on; program {@code n} has seed {@code seed + n}, so
 * {@code -Dparley.model.seed=S -Dparley.model.programs=1} replays seed {@code S}.
 */
class ModelBasedCoreTest {

    static final long BASE_SEED = 20261204L;
    private static final int MAX_STATES = 200_000;
    private static final Duration QUIET = Duration.ofMillis(200);
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().name("model-v-", 0).factory();
    private static final ThreadFactory PLATFORM = Thread.ofPlatform().name("model-p-", 0).factory();

    /** Why a program fails against the model, or null when it passes. */
    static String mismatch(Program program, Set<Outcome> allowed, ThreadFactory threads) throws InterruptedException {
        return mismatch(CoreRunner.run(program, threads, QUIET, LIMIT), allowed);
    }

    static String mismatch(CoreRunner.Run run, Set<Outcome> allowed) {
        if (!run.problems().isEmpty()) {
            return "problems: " + run.problems() + "\nreal outcome:\n" + run.outcome();
        }
        if (!allowed.contains(run.outcome())) {
            return "real outcome not allowed by the model:\n" + run.outcome();
        }
        return null;
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.HOURS, threadMode = ThreadMode.SAME_THREAD)
    void theRealCoreOnlyShowsOutcomesTheModelAllows() throws InterruptedException {
        int programs = Integer.getInteger("parley.model.programs", 300);
        long seed = Long.getLong("parley.model.seed", BASE_SEED);
        int tooLarge = 0;
        int deadlocks = 0;
        Set<Outcome> seen = new HashSet<>();
        long startNs = System.nanoTime();
        for (int n = 0; n < programs; n++) {
            long programSeed = seed + n;
            Program program = Generator.program(programSeed);
            Set<Outcome> allowed;
            try {
                allowed = new Model(program).outcomes(MAX_STATES);
            } catch (IllegalStateException tooManyStates) {
                tooLarge++;
                continue;
            }
            ThreadFactory threads = n % 2 == 0 ? VIRTUAL : PLATFORM;
            CoreRunner.Run run = CoreRunner.run(program, threads, QUIET, LIMIT);
            String why = mismatch(run, allowed);
            if (why != null) {
                fail(report(programSeed, program, why, threads));
            }
            deadlocks += run.deadlocked() ? 1 : 0;
            seen.add(run.outcome());
        }
        System.out.printf("model-based testing of the core, seeds %d..%d: %d programs run, %d skipped "
                        + "(model over %d states), %d deadlocked, %d distinct real outcomes, %d ms%n",
                seed, seed + programs - 1, programs - tooLarge, tooLarge, MAX_STATES, deadlocks, seen.size(),
                (System.nanoTime() - startNs) / 1_000_000);
    }

    // Shrinks the failing program (a candidate fails if any of 3 runs fails) and describes it.
    private static String report(long seed, Program program, String why, ThreadFactory threads) {
        Shrinker.Shrunk shrunk = Shrinker.shrink(program, candidate -> {
            try {
                Set<Outcome> allowed = new Model(candidate).outcomes(MAX_STATES);
                for (int i = 0; i < 3; i++) {
                    if (mismatch(candidate, allowed, threads) != null) {
                        return true;
                    }
                }
                return false;
            } catch (IllegalStateException | InterruptedException e) {
                return false;
            }
        }, 300);
        String minimalWhy;
        Set<Outcome> allowed = new Model(shrunk.program()).outcomes(MAX_STATES);
        try {
            minimalWhy = mismatch(shrunk.program(), allowed, threads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            minimalWhy = "interrupted";
        }
        return "seed " + seed + " (replay: -Dparley.model.seed=" + seed + " -Dparley.model.programs=1)\n"
                + "program:\n" + program + "\n" + why
                + "\nminimal program after " + shrunk.attempts() + " attempts:\n" + shrunk.program()
                + "\nits last run: " + minimalWhy
                + "\nmodel allows:\n" + String.join("\n--\n", allowed.stream().map(Outcome::toString).toList());
    }
}
