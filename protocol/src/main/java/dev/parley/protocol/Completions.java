package dev.parley.protocol;

/**
 * The one way out of the state machine for every operation of this node's remote ends (an
 * offer, a poison or a retire): counted under its outcome, then reported to the binding
 * ({@link RemoteEnds#completed}). Its callers, {@link RemoteSide} and
 * {@link RemoteEndActions}, see to it that each operation comes here exactly once (invariant
 * completed-once). Not thread-safe: only its node's thread calls it.
 */
final class Completions {

    private final Counters counters;
    private final RemoteEnds remote;

    Completions(Counters counters, RemoteEnds remote) {
        this.counters = counters;
        this.remote = remote;
    }

    /** Counts and reports an operation's outcome; its caller makes sure it happens once. */
    void report(long opId, Outcome outcome, byte[] value) {
        counters.add(switch (outcome) {
            case DONE -> Counters.Event.OPERATIONS_DONE;
            case NOT_DONE -> Counters.Event.OPERATIONS_NOT_DONE;
            case OUTCOME_UNKNOWN -> Counters.Event.OPERATIONS_OUTCOME_UNKNOWN;
            case PEER_UNREACHABLE -> Counters.Event.OPERATIONS_PEER_UNREACHABLE;
            case POISONED, RETIRED -> Counters.Event.OPERATIONS_TERMINATED;
        });
        remote.completed(opId, outcome, value);
    }
}
