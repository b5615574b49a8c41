package dev.parley.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * Records a scenario's history: every operation with its process, channel, kind, value, start
 * and end time, deadline and outcome, and the windows of every fault. Thread-safe: the
 * scenario's processes record from their own threads at once; each {@link Pending} is finished
 * by the thread that began it, exactly once. Time comes from an injected clock in ns.
 * {@link ChannelHistory} turns the channel operations into the simulator's history and checks
 * them with its checker.
 */
public final class Recorder {
    private final LongSupplier clockNs;
    private final long originNs;
    private final long originEpochNs = epochNs();
    private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FaultWindow> faults = new ConcurrentLinkedQueue<>();
    private final Set<Pending> running = ConcurrentHashMap.newKeySet();

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
    public void importOperation(String process, String channel, String kind, String value, long startEpochNs,
                                long endEpochNs, Outcome outcome) {
        importOperation(process, channel, kind, value, startEpochNs, endEpochNs, -1, outcome);
    }

    /** As {@link #importOperation(String, String, String, String, long, long, Outcome)}, with a deadline (-1: none). */
    public void importOperation(String process, String channel, String kind, String value, long startEpochNs,
                                long endEpochNs, long deadlineEpochNs, Outcome outcome) {
        long deadlineNs = deadlineEpochNs < 0 ? Operation.NO_DEADLINE : deadlineEpochNs - originEpochNs;
        operations.add(new Operation(process, channel, kind, value, startEpochNs - originEpochNs,
                endEpochNs - originEpochNs, deadlineNs, outcome, null));
    }

    /** Wall-clock ns since the epoch, for operations recorded in another JVM. */
    public static long epochNs() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Starts recording an operation on no channel and without a deadline (the echo's requests). */
    public Pending begin(String process, String kind, String value) {
        return begin(process, "", kind, value, null);
    }

    /**
     * Starts recording an operation; finish it with one of the returned object's methods.
     *
     * @param value the value written, or null for a read
     * @param timeout the operation's timeout, or null for an untimed one
     */
    public Pending begin(String process, String channel, String kind, String value, java.time.Duration timeout) {
        long startNs = nowNs();
        long deadlineNs = timeout == null ? Operation.NO_DEADLINE : startNs + timeout.toNanos();
        Pending p = new Pending(process, channel, kind, value, startNs, deadlineNs);
        running.add(p);
        return p;
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

    /**
     * The operations begun and not finished yet, with end time -1 and no outcome: at the end
     * of a scenario, the ones that hang.
     */
    public List<Operation> running() {
        List<Operation> all = new ArrayList<>();
        for (Pending p : running) {
            all.add(new Operation(p.process, p.channel, p.kind, p.value, p.startNs, -1, p.deadlineNs, null, null));
        }
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
        private final String channel;
        private final String kind;
        private final String value;
        private final long startNs;
        private final long deadlineNs;
        private volatile boolean finished;

        private Pending(String process, String channel, String kind, String value, long startNs, long deadlineNs) {
            this.process = process;
            this.channel = channel;
            this.kind = kind;
            this.value = value;
            this.startNs = startNs;
            this.deadlineNs = deadlineNs;
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

        /** Ended by {@code cause}: UNKNOWN, UNREACHABLE, POISONED, RETIRED or FAILED ({@link Outcome#of}). */
        public void threw(Throwable cause) {
            finish(value, Outcome.of(cause), describe(cause));
        }

        private void finish(String v, Outcome outcome, String failure) {
            if (finished) {
                throw new IllegalStateException("operation already finished: process=" + process + ", kind=" + kind
                        + ", value=" + value);
            }
            finished = true;
            operations.add(new Operation(process, channel, kind, v, startNs, nowNs(), deadlineNs, outcome, failure));
            running.remove(this);
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
