package dev.parley.chaos;

/**
 * One recorded operation: which process did it, what kind ("write", "read", ...), its value
 * (for a read, the value it got), when it started and ended in ns since the recording began,
 * and how it ended ({@code failure} names the exception of a FAILED or UNKNOWN outcome, else
 * null). Immutable; any thread may read it.
 */
public record Operation(String process, String kind, String value, long startNs, long endNs, Outcome outcome,
                        String failure) {
    public long latencyNs() {
        return endNs - startNs;
    }
}
