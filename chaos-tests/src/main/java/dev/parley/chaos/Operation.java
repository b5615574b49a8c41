package dev.parley.chaos;

/**
 * One recorded operation: which process did it, on which channel ("" for none), what kind
 * ("write", "read", ...), its value (for a read, the value it got), when it started and ended
 * and its deadline ({@link #NO_DEADLINE} for none) in ns since the recording began, and how it
 * ended ({@code failure} names the exception of an outcome other than DONE and NOT_DONE, else
 * null). Immutable; any thread may read it.
 */
public record Operation(String process, String channel, String kind, String value, long startNs, long endNs,
                        long deadlineNs, Outcome outcome, String failure) {
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    public long latencyNs() {
        return endNs - startNs;
    }
}
