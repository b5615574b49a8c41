package dev.parley.chaos;

/**
 * The phases of a scenario around one wire fault: calm for {@code calmMs}, the fault for its
 * duration, calm again for {@code afterMs}, of which the first {@code settleMs} may still see
 * failures while Aeron and the protocol recover. Immutable; any thread may use it.
 */
public record Phases(long calmMs, long afterMs, long settleMs) {
    public Phases {
        if (calmMs < 0 || settleMs < 0 || afterMs <= settleMs) {
            throw new IllegalArgumentException("need calmMs >= 0 and afterMs > settleMs >= 0: calmMs=" + calmMs
                    + ", afterMs=" + afterMs + ", settleMs=" + settleMs);
        }
    }

    /**
     * Runs the phases on the calling thread: sleeps, applies {@code fault} to every proxy of
     * the relay (those facing a channel's home are {@code home}, or all when it is null),
     * records its window, lifts it with a reset of the relay, and sleeps again.
     */
    void run(Recorder recorder, FaultRelay relay, WireFault fault, Proxy home) throws InterruptedException {
        Thread.sleep(calmMs);
        Recorder.Fault f = recorder.faultBegins(fault.name() + ": " + fault.describe());
        for (Proxy p : relay.proxies()) {
            fault.applyTo(p, home == null || p == home);
        }
        Thread.sleep(fault.durationMs());
        relay.reset();
        f.end();
        Thread.sleep(afterMs);
    }

    long settleNs() {
        return settleMs * 1_000_000;
    }

    /** In words, for the report. */
    String describe(WireFault fault) {
        return "calm " + calmMs + " ms, fault " + fault.durationMs() + " ms, calm " + afterMs
                + " ms (failures allowed for " + settleMs + " ms after the fault)";
    }
}
