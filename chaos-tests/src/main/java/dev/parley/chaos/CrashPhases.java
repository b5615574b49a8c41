package dev.parley.chaos;

import java.time.Duration;

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
