package dev.parley.chaos;

/**
 * How a recorded operation ended, in the words of SEMANTICS.md section 5: done; not done
 * (withdrawn or timed out, nothing delivered); unknown (the peer became unreachable or
 * restarted at the moment of commit: delivered at most once); unreachable (nothing heard from
 * the peer before any commit: nothing delivered); poisoned or retired (nothing delivered by
 * this operation); or failed with another exception, which the contract does not allow. The
 * names match {@code dev.parley.model.sim.History.Ending}, FAILED apart. Any thread may use it.
 */
public enum Outcome {
    DONE,
    NOT_DONE,
    UNKNOWN,
    UNREACHABLE,
    POISONED,
    RETIRED,
    FAILED;

    /** The outcome an operation that threw {@code t} ended with. */
    public static Outcome of(Throwable t) {
        return switch (t) {
            case dev.parley.protocol.binding.OutcomeUnknownException e -> UNKNOWN;
            case dev.parley.protocol.binding.PeerUnreachableException e -> UNREACHABLE;
            case dev.parley.PoisonException e -> POISONED;
            case dev.parley.RetiredException e -> RETIRED;
            default -> FAILED;
        };
    }
}
