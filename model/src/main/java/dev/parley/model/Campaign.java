package dev.parley.model;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

/**
 * Model-based random testing of the core: runs seeded programs on the real core and in the
 * model, and stops at the first program whose real run shows an outcome the model does not
 * allow (or a problem the runner saw), shrunk to a minimal program. Program {@code n} of a
 * campaign from {@code seed} has seed {@code seed + n}, and even programs run on virtual
 * threads, odd ones on platform threads. Call from one thread; it blocks for the whole campaign.
 */
public final class Campaign {

    /** Programs whose model has more states than this are skipped (and counted). */
    public static final int MAX_STATES = 200_000;
    /** How long a run must stay parked and unchanged to count as deadlocked. */
    public static final Duration QUIET = Duration.ofMillis(200);
    /** How long a run may take before it is reported as hung (an unexpected quiet run: half). */
    public static final Duration LIMIT = Duration.ofSeconds(10);
    /** How many candidates the shrinker tries at most. */
    public static final int SHRINK_ATTEMPTS = 300;

    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().name("model-v-", 0).factory();
    private static final ThreadFactory PLATFORM = Thread.ofPlatform().name("model-p-", 0).factory();

    private Campaign() {
    }

    /**
     * The first failing program of a campaign.
     *
     * @param seed its seed
     * @param program the program as generated
     * @param why what went wrong in its run
     * @param minimal the program after shrinking
     * @param minimalWhy what went wrong in the last run of the minimal program (null if it passed then)
     * @param allowed the outcomes the model allows for the minimal program
     */
    public record Failure(long seed, Program program, String why, Program minimal, String minimalWhy,
                          Set<Outcome> allowed) {
        /** @return the failure in a readable form, with the command that replays it */
        public String report() {
            return "seed " + seed + " (replay: -Dparley.model.seed=" + seed + " -Dparley.model.programs=1)\n"
                    + "program:\n" + program + "\n" + why
                    + "\nminimal program:\n" + minimal
                    + "\nits last run: " + minimalWhy
                    + "\nmodel allows:\n" + String.join("\n--\n", allowed.stream().map(Outcome::toString).toList());
        }
    }

    /**
     * @param run programs run on the core
     * @param skipped programs skipped because their model was too large
     * @param deadlocked runs the watchdog found deadlocked
     * @param distinctOutcomes distinct real outcomes seen
     * @param elapsedMs wall-clock time of the campaign
     * @param failure the first failure, or null when every program passed
     */
    public record Summary(int run, int skipped, int deadlocked, int distinctOutcomes, long elapsedMs,
                          Failure failure) {}

    /**
     * @param seed the seed of the first program
     * @param programs how many programs to generate
     * @return what the campaign saw, stopping at the first failure
     * @throws InterruptedException if the calling thread is interrupted
     */
    public static Summary run(long seed, int programs) throws InterruptedException {
        int run = 0;
        int skipped = 0;
        int deadlocked = 0;
        Set<Outcome> seen = new HashSet<>();
        long startNs = System.nanoTime();
        for (int n = 0; n < programs; n++) {
            Program program = Generator.program(seed + n);
            Set<Outcome> allowed;
            try {
                allowed = new Model(program).outcomes(MAX_STATES);
            } catch (IllegalStateException tooManyStates) {
                skipped++;
                continue;
            }
            ThreadFactory threads = n % 2 == 0 ? VIRTUAL : PLATFORM;
            CoreRunner.Run real = runOnCore(program, threads, allowed);
            run++;
            deadlocked += real.deadlocked() ? 1 : 0;
            seen.add(real.outcome());
            String why = mismatch(real, allowed);
            if (why != null) {
                Failure failure = shrink(seed + n, program, why, threads);
                return new Summary(run, skipped, deadlocked, seen.size(), elapsedMs(startNs), failure);
            }
        }
        return new Summary(run, skipped, deadlocked, seen.size(), elapsedMs(startNs), null);
    }

    /** @return why the run does not agree with the model, or null when it does */
    public static String mismatch(CoreRunner.Run run, Set<Outcome> allowed) {
        if (!run.problems().isEmpty()) {
            return "problems: " + run.problems() + "\nreal outcome:\n" + run.outcome();
        }
        if (!allowed.contains(run.outcome())) {
            return "real outcome not allowed by the model:\n" + run.outcome();
        }
        return null;
    }

    // A candidate fails if any of 3 runs of it fails, so a flaky failure still shrinks.
    private static Failure shrink(long seed, Program program, String why, ThreadFactory threads)
            throws InterruptedException {
        Shrinker.Shrunk shrunk = Shrinker.shrink(program, candidate -> {
            try {
                Set<Outcome> allowed = new Model(candidate).outcomes(MAX_STATES);
                for (int i = 0; i < 3; i++) {
                    if (mismatch(runOnCore(candidate, threads, allowed), allowed) != null) {
                        return true;
                    }
                }
                return false;
            } catch (IllegalStateException tooManyStates) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, SHRINK_ATTEMPTS);
        Set<Outcome> allowed = new Model(shrunk.program()).outcomes(MAX_STATES);
        String minimalWhy = mismatch(runOnCore(shrunk.program(), threads, allowed), allowed);
        return new Failure(seed, program, why, shrunk.program(), minimalWhy, allowed);
    }

    /** @return one run of {@code program} on the core, watched with the model's outcomes as expected */
    public static CoreRunner.Run runOnCore(Program program, ThreadFactory threads, Set<Outcome> allowed)
            throws InterruptedException {
        return CoreRunner.run(program, threads, QUIET, LIMIT, allowed::contains);
    }

    private static long elapsedMs(long startNs) {
        return (System.nanoTime() - startNs) / 1_000_000;
    }
}
