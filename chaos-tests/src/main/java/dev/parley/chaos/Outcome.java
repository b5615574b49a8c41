package dev.parley.chaos;

/**
 * How a recorded operation ended, in the words of SEMANTICS.md section 5: done; not done
 * (withdrawn, nothing delivered); unknown (the peer became unreachable at the moment of
 * commit); or failed with another exception. Any thread may use it.
 */
public enum Outcome {
    DONE,
    NOT_DONE,
    UNKNOWN,
    FAILED
}
