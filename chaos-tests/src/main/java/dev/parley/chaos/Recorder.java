package dev.parley.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Records a scenario's history: every operation with its process, kind, value, start and end
 * time and outcome, and the windows of every fault. Thread-safe: the scenario's processes
 * record from their own threads at once; each {@link Pending} is finished by the thread that
 * began it, exactly once. Time comes from an injected clock in ns.
 */
public final class Recorder {
    private final LongSupplier clockNs;
    private final long originNs;
    private final long originEpochNs = epochNs();
    private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FaultWindow> faults = new ConcurrentLinkedQueue<>();

    public Recorder(LongSupplier clockNs) {
        this.clockNs = clockNs;
        this.originNs = clockNs.getAsLong();
    }

    public Recorder() {
        this(System::nanoTime);
    }

    /** Now, in ns since the recording began. */
    public long nowNs() {
        return clockNs.getAsLong() - originNs;
    }

    /**
     * Adds an operation recorded by another JVM, whose times are wall-clock ns since the epoch;
     * they are moved onto this recording's time line (as precise as the two clocks agree).
     */
    public void importOperation(String process, String kind, String value, long startEpochNs, long endEpochNs,
                                Outcome outcome) {
        operations.add(new Operation(process, kind, value, startEpochNs - originEpochNs, endEpochNs - originEpochNs,
                outcome, null));
    }

    /** Wall-clock ns since the epoch, for operations recorded in another JVM. */
    public static long epochNs() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Starts recording an operation; finish it with one of the returned object's methods. */
    public Pending begin(String process, String kind, String value) {
        return new Pending(process, kind, value, nowNs());
    }

    /** Marks a fault as in force from now until {@link Fault#end()}. */
    public Fault faultBegins(String name) {
        return new Fault(name, nowNs());
    }

    /** The operations finished so far, by start time. */
    public List<Operation> operations() {
        List<Operation> all = new ArrayList<>(operations);
        all.sort(Comparator.comparingLong(Operation::startNs));
        return all;
    }

    /** The faults recorded so far (ended or not, by start time). */
    public List<FaultWindow> faults() {
        List<FaultWindow> all = new ArrayList<>(faults);
        all.sort(Comparator.comparingLong(FaultWindow::beganNs));
        return all;
    }

    /** An operation under way. Not thread-safe: finished once, by the thread that began it. */
    public final class Pending {
        private final String process;
        private final String kind;
        private final String value;
        private final long startNs;
        private boolean finished;

        private Pending(String process, String kind, String value, long startNs) {
            this.process = process;
            this.kind = kind;
            this.value = value;
            this.startNs = startNs;
        }

        public void done() {
            finish(value, Outcome.DONE, null);
        }

        /** Done, with the value the operation got (a read's value). */
        public void done(String got) {
            finish(got, Outcome.DONE, null);
        }

        public void notDone() {
            finish(value, Outcome.NOT_DONE, null);
        }

        public void unknown(Throwable cause) {
            finish(value, Outcome.UNKNOWN, describe(cause));
        }

        public void failed(Throwable cause) {
            finish(value, Outcome.FAILED, describe(cause));
        }

        private void finish(String v, Outcome outcome, String failure) {
            if (finished) {
                throw new IllegalStateException("operation already finished: process=" + process + ", kind=" + kind
                        + ", value=" + value);
            }
            finished = true;
            operations.add(new Operation(process, kind, v, startNs, nowNs(), outcome, failure));
        }
    }

    /** A fault in force; {@link #end()} records when it was lifted. */
    public final class Fault {
        private final String name;
        private final long beganNs;
        private boolean ended;

        private Fault(String name, long beganNs) {
            this.name = name;
            this.beganNs = beganNs;
        }

        public void end() {
            if (!ended) {
                ended = true;
                faults.add(new FaultWindow(name, beganNs, nowNs()));
            }
        }

        /** Records the fault as never lifted (for a report written while it is still in force). */
        public void leaveOpen() {
            if (!ended) {
                ended = true;
                faults.add(new FaultWindow(name, beganNs, -1));
            }
        }
    }

    private static String describe(Throwable t) {
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
