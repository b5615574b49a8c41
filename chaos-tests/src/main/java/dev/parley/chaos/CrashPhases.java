package dev.parley.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The phases of a process-fault scenario: calm for {@code calmMs}; SIGKILL of the victim's
 * JVM, dead for {@code deadMs}, restart at the same address; calm again; SIGSTOP for
 * {@code pauseMs} (longer than the peer timeout), SIGCONT; calm for {@code afterMs}, of which
 * the first {@code settleMs} may still see failures. Immutable; any thread may use it.
 */
public record CrashPhases(long calmMs, long deadMs, long pauseMs, long afterMs, long settleMs) {
    private static final Duration START = Duration.ofSeconds(60);

    /** When the victim was found dead after SIGKILL, and when it was stopped and continued. */
    record Marks(long killedNs, long killedEpochNs, long pausedFromEpochNs, long pausedToEpochNs) {
    }

    public CrashPhases {
        if (calmMs < 1 || deadMs < 0 || pauseMs <= WireFaultScenario.PEER_TIMEOUT_MS || afterMs <= settleMs
                || settleMs < 0) {
            throw new IllegalArgumentException("need calmMs >= 1, deadMs >= 0, pauseMs > the peer timeout "
                    + WireFaultScenario.PEER_TIMEOUT_MS + " ms, afterMs > settleMs >= 0: calmMs=" + calmMs + ", deadMs="
                    + deadMs + ", pauseMs=" + pauseMs + ", afterMs=" + afterMs + ", settleMs=" + settleMs);
        }
    }

    /** Runs the phases on the calling thread against {@code victim} (named {@code who} in the fault windows). */
    Marks run(Recorder recorder, NodeProcess victim, String who) throws InterruptedException {
        Thread.sleep(calmMs);
        Recorder.Fault crash = recorder.faultBegins(who + " killed (SIGKILL) under traffic, restarted at the same"
                + " address after " + deadMs + " ms");
        victim.kill();
        long killedNs = recorder.nowNs();          // it is gone: what it held is lost
        long killedEpochNs = Recorder.epochNs();
        Thread.sleep(deadMs);
        victim.restart();
        victim.awaitReady(START);
        crash.end();
        Thread.sleep(calmMs);
        Recorder.Fault stop = recorder.faultBegins(who + " stopped (SIGSTOP) " + pauseMs + " ms, longer than the"
                + " peer timeout");
        long pausedFromEpochNs = Recorder.epochNs();
        victim.pause();
        Thread.sleep(pauseMs);
        victim.resume();
        long pausedToEpochNs = Recorder.epochNs();
        stop.end();
        Thread.sleep(afterMs);
        return new Marks(killedNs, killedEpochNs, pausedFromEpochNs, pausedToEpochNs);
    }

    /**
     * resumes-after-restart: some operation of {@code kind} by one of {@code processes} (any
     * process if null), begun after the victim was back and ended before the stop, is DONE.
     * {@code faults} are the crash's window and the stop's, in order, as {@link #run} records them.
     */
    static List<String> resumedAfterRestart(List<Operation> history, List<FaultWindow> faults, String kind,
                                            Set<String> processes) {
        FaultWindow crash = faults.get(0);
        FaultWindow stop = faults.get(1);
        boolean resumed = history.stream().anyMatch(op -> op.kind().equals(kind) && op.outcome() == Outcome.DONE
                && (processes == null || processes.contains(op.process())) && op.startNs() >= crash.endNs()
                && op.endNs() <= stop.beganNs());
        return resumed ? List.of() : List.of("resumes-after-restart: no " + kind + (processes == null ? ""
                : " of " + new java.util.TreeSet<>(processes)) + " begun after the restart (" + crash.endNs()
                / 1_000_000 + " ms) and ended before the stop (" + stop.beganNs() / 1_000_000 + " ms) was DONE");
    }

    long settleNs() {
        return settleMs * 1_000_000;
    }

    /** In words, for the report, with what follows the last calm phase. */
    String describe(String then) {
        return "calm " + calmMs + " ms, SIGKILL, dead " + deadMs + " ms, restart, calm " + calmMs + " ms, SIGSTOP "
                + pauseMs + " ms, SIGCONT, calm " + afterMs + " ms (failures allowed for " + settleMs + " ms), "
                + then;
    }
}
