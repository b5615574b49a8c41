package dev.parley.model;

import dev.parley.model.Program.Signal;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What can be observed of one whole run of a {@link Program}: for each process, the result of
 * each operation it completed, and how it ended. The model computes the set of outcomes it
 * allows; a real run produces one, which must be in that set. Immutable; any thread.
 *
 * @param processes one entry per process, in program order
 */
public record Outcome(List<ProcessOutcome> processes) {

    public Outcome {
        processes = List.copyOf(processes);
    }

    /** How a process ended. */
    public enum Ending {
        /** All its operations completed. */
        FINISHED,
        /** A poison or retire escaped it (its last result is a {@link Threw}); its ends were signalled. */
        STOPPED,
        /** It waits forever in the operation after its last result. */
        BLOCKED
    }

    /**
     * @param results one per completed operation, in order
     * @param ending how the process ended
     */
    public record ProcessOutcome(List<Result> results, Ending ending) {
        public ProcessOutcome {
            results = List.copyOf(results);
        }

        @Override
        public String toString() {
            return results.stream().map(Object::toString).collect(Collectors.joining(", ", "[", "] ")) + ending;
        }
    }

    /** The observable result of one operation. */
    public sealed interface Result permits Wrote, Received, TimedOut, Fired, Threw, Done {}

    /** A write (plain or timed) delivered or stored its message. */
    public record Wrote() implements Result {
        @Override
        public String toString() {
            return "wrote";
        }
    }

    /** A read (plain or timed) returned {@code value}. */
    public record Received(int value) implements Result {
        @Override
        public String toString() {
            return "got " + value;
        }
    }

    /** A timed read or write ran out of time: nothing was delivered. */
    public record TimedOut() implements Result {
        @Override
        public String toString() {
            return "timed out";
        }
    }

    /**
     * A selection fired guard {@code guard}; {@code value} is what an input guard read, otherwise null.
     */
    public record Fired(int guard, Integer value) implements Result {
        @Override
        public String toString() {
            return "fired " + guard + (value == null ? "" : " got " + value);
        }
    }

    /** The operation threw {@code PoisonException} or {@code RetiredException}. */
    public record Threw(Signal signal) implements Result {
        @Override
        public String toString() {
            return "threw " + signal;
        }
    }

    /** A poison or retire operation returned. */
    public record Done() implements Result {
        @Override
        public String toString() {
            return "done";
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < processes.size(); p++) {
            text.append(p == 0 ? "" : "\n").append("  p").append(p).append(": ").append(processes.get(p));
        }
        return text.toString();
    }
}
