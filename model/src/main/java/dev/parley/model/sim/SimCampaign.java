package dev.parley.model.sim;

import dev.parley.protocol.SeededBug;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs many seeds of the {@link Simulator}, stops at the first failing one, shrinks its fault
 * schedule and says how to replay it. Stateless; one thread per call (the runs it makes are
 * independent, so callers may run several calls on several threads).
 */
public final class SimCampaign {

    /** The most shrink steps tried for one failure; each step is one run. */
    static final int MAX_SHRINK_RUNS = 300;

    /** A campaign's result: how many seeds ran, how long, and the first failure if any. */
    public record Result(long seedsRun, long elapsedNs, Simulator.Run failure) {
        public double seedsPerSecond() {
            return seedsRun / (elapsedNs / 1e9);
        }
    }

    private SimCampaign() {
    }

    /**
     * Runs seeds {@code firstSeed}, {@code firstSeed + 1}, ... until {@code maxSeeds} have run,
     * {@code maxNanos} of wall-clock time have passed, or a seed fails.
     */
    public static Result run(long firstSeed, long maxSeeds, long maxNanos, Set<SeededBug> bugs) {
        long start = System.nanoTime();
        long n = 0;
        while (n < maxSeeds && System.nanoTime() - start < maxNanos) {
            Simulator.Run r = Simulator.run(firstSeed + n, bugs);
            n++;
            if (r.failed()) {
                return new Result(n, System.nanoTime() - start, r);
            }
        }
        return new Result(n, System.nanoTime() - start, null);
    }

    /**
     * Shrinks a failing run's schedule: drops timed faults and calms links, one at a time,
     * keeping each change under which the same seed still fails, until no change does.
     *
     * @return the smallest failing run found (the given one if nothing smaller fails)
     */
    public static Simulator.Run shrink(Simulator.Run failing, Set<SeededBug> bugs) {
        return shrink(failing, bugs, MAX_SHRINK_RUNS);
    }

    /** As {@link #shrink(Simulator.Run, Set)}, with at most {@code maxRuns} runs. */
    public static Simulator.Run shrink(Simulator.Run failing, Set<SeededBug> bugs, int maxRuns) {
        Simulator.Run best = failing;
        int runs = 0;
        boolean smaller = true;
        while (smaller && runs < maxRuns) {
            smaller = false;
            for (FaultSchedule candidate : best.schedule().shrinkCandidates()) {
                if (++runs > maxRuns) {
                    break;
                }
                Simulator.Run r = Simulator.run(best.seed(), candidate, bugs);
                if (r.failed()) {
                    best = r;
                    smaller = true;
                    break;
                }
            }
        }
        return best;
    }

    /** @return a shell command that replays {@code seed} under {@code schedule} exactly */
    public static String replayCommand(long seed, FaultSchedule schedule, Set<SeededBug> bugs) {
        String bugList = bugs.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
        return "mvn -q -B -pl model -am test -Dtest=SimulationReplayTest -Dsurefire.failIfNoSpecifiedTests=false"
                + (Simulator.LOSS_AFTER_HEAL ? " -Dparley.sim.lossAfterHeal=true" : "")
                + (Workload.POISON_BUFFERED ? " -Dparley.sim.poisonBuffered=true" : "")
                + " -Dparley.sim.seed=" + seed + (bugList.isEmpty() ? "" : " -Dparley.sim.bugs=" + bugList)
                + " '-Dparley.sim.schedule=" + schedule + "'";
    }

    /** @return a report of a failure and its shrunk form, with both replay commands */
    public static String describe(Simulator.Run failing, Simulator.Run shrunk, Set<SeededBug> bugs) {
        StringBuilder out = new StringBuilder();
        out.append("seed ").append(failing.seed()).append(" failed").append(bugs.isEmpty() ? "" : " with " + bugs)
                .append(": ").append(first(failing.violations())).append('\n')
                .append("  replay: ").append(replayCommand(failing.seed(), failing.schedule(), bugs)).append('\n')
                .append("  shrunk schedule (").append(shrunk.schedule().faults().size()).append(" faults, was ")
                .append(failing.schedule().faults().size()).append("): ").append(shrunk.schedule()).append('\n')
                .append("  shrunk violations: ").append(first(shrunk.violations())).append('\n')
                .append("  replay shrunk: ").append(replayCommand(shrunk.seed(), shrunk.schedule(), bugs));
        return out.toString();
    }

    private static String first(List<String> violations) {
        return violations.size() <= 3 ? violations.toString()
                : violations.subList(0, 3) + " and " + (violations.size() - 3) + " more";
    }
}
