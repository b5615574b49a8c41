package dev.parley.chaos;

/**
 * When a fault was in force, in ns since the recording began; {@code endNs} is -1 for a
 * fault never lifted. Immutable; any thread may read it.
 */
public record FaultWindow(String name, long beganNs, long endNs) {
    public boolean ended() {
        return endNs >= 0;
    }
}
