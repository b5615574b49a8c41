package dev.parley.chaos;

import dev.parley.model.sim.History;
import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.History.Kind;
import dev.parley.model.sim.HistoryChecker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a real history with the simulator's checker: the recorded channel operations (kinds
 * {@code write} and {@code read} on a named channel; a write's value is the value written,
 * unique per channel, a DONE read's value the value it got) become a {@link History}, which
 * {@link HistoryChecker} judges under the same property names as the simulation:
 * read-was-written, read-at-most-once, done-write-read, not-done-delivered-nothing,
 * per-writer-order, bounded-by-timeout and resumes-after-heal (docs/SIMULATION.md). Two
 * checks of real runs are added, by these names:
 * <ul>
 *   <li><b>no-unexpected-exception</b>: no operation ended with an exception the contract
 *       does not name (outcome FAILED).</li>
 *   <li><b>traffic-resumes</b>: after every fault has ended and the settling time has passed,
 *       some write started then ended DONE.</li>
 * </ul>
 * A read that ended UNKNOWN may have been given a value it never returned (the contract's "at
 * most once"): one unread DONE write per such read is excused, as the simulator's history
 * records a buffer's head given to a reader whose outcome is unknown. Operations of other
 * kinds, or on no channel, are left out. Stateless; any thread may call it.
 */
public final class ChannelHistory {
    private ChannelHistory() {
    }

    /**
     * The anomalies of a history (empty when it is good), each {@code property: detail}.
     *
     * @param finished the finished operations ({@link Recorder#operations()})
     * @param running those still running at the end ({@link Recorder#running()}): a hang
     * @param faults the fault windows; operations started {@code settleNs} after the last one
     *     ended must not end UNKNOWN or UNREACHABLE, and some write started then must be DONE
     * @param slackNs how long past its deadline an operation may end: the peer timeout, as the
     *     protocol documents, plus the scheduling noise of a shared machine
     */
    public static List<String> check(List<Operation> finished, List<Operation> running, List<FaultWindow> faults,
                                     long slackNs, long settleNs) {
        return check(finished, running, faults, slackNs, settleNs, List.of());
    }

    /**
     * As {@link #check(List, List, List, long, long)}, with values that left their channel
     * without a reader (a buffer lost with its home's crash), which done-write-read excuses.
     */
    public static List<String> check(List<Operation> finished, List<Operation> running, List<FaultWindow> faults,
                                     long slackNs, long settleNs, List<History.Discard> discards) {
        List<String> anomalies = new ArrayList<>();
        History h = toHistory(finished, running, slackNs);
        List<History.Discard> all = new ArrayList<>(discards);
        all.addAll(takenByUnknownReads(finished, discards));
        for (History.Discard d : all) {
            h.discarded(d.channel(), d.value(), d.atNs(), d.why(), d.uncertain());
        }
        long resumeNs = resumeFrom(faults, settleNs);
        if (resumeNs != Long.MAX_VALUE) {
            h.resumeFrom(resumeNs);
        }
        for (HistoryChecker.Violation v : HistoryChecker.check(h)) {
            anomalies.add(v.toString());
        }
        for (Operation op : finished) {
            if (op.outcome() == Outcome.FAILED) {
                anomalies.add("no-unexpected-exception: " + op);
            }
        }
        if (resumeNs != Long.MAX_VALUE && finished.stream().noneMatch(op -> op.kind().equals("write")
                && op.outcome() == Outcome.DONE && op.startNs() >= resumeNs)) {
            anomalies.add("traffic-resumes: no write started after " + resumeNs / 1_000_000 + " ms (the last fault's"
                    + " end plus " + settleNs / 1_000_000 + " ms) ended DONE");
        }
        return anomalies;
    }

    /**
     * The values that reads ending UNKNOWN may have taken: a remote read whose outcome is
     * unknown may have been given a value (a buffer's head, or a writer's offer) that its
     * reader never learnt, which the contract allows. For each such read, in the order they
     * ended, the earliest DONE write on its channel that began before the read ended and that
     * no read got is excused as an uncertain discard; at most one value per read.
     */
    static List<History.Discard> takenByUnknownReads(List<Operation> finished, List<History.Discard> discards) {
        java.util.Set<String> accounted = new java.util.HashSet<>();
        for (Operation op : finished) {
            if (op.kind().equals("read") && op.outcome() == Outcome.DONE) {
                accounted.add(op.channel() + "\u0000" + op.value());
            }
        }
        discards.forEach(d -> accounted.add(d.channel() + "\u0000" + d.value()));
        List<Operation> unread = finished.stream().filter(op -> op.kind().equals("write")
                && op.outcome() == Outcome.DONE && !accounted.contains(op.channel() + "\u0000" + op.value()))
                .sorted(Comparator.comparingLong(Operation::startNs)).toList();
        List<Operation> unknownReads = finished.stream().filter(op -> op.kind().equals("read")
                && op.outcome() == Outcome.UNKNOWN).sorted(Comparator.comparingLong(Operation::endNs)).toList();
        List<History.Discard> out = new ArrayList<>();
        java.util.Set<Operation> excused = new java.util.HashSet<>();
        for (Operation r : unknownReads) {
            for (Operation w : unread) {
                if (w.channel().equals(r.channel()) && w.startNs() < r.endNs() && excused.add(w)) {
                    out.add(new History.Discard(w.channel(), w.value(), r.endNs(), "perhaps taken by the read of "
                            + r.process() + " that ended UNKNOWN at " + r.endNs() / 1_000_000 + " ms", true));
                    break;
                }
            }
        }
        return out;
    }

    /** When the network is healed and settled: the last fault's end plus {@code settleNs}; MAX_VALUE if none. */
    static long resumeFrom(List<FaultWindow> faults, long settleNs) {
        long lastEndNs = -1;
        for (FaultWindow f : faults) {
            if (!f.ended()) {
                return Long.MAX_VALUE;
            }
            lastEndNs = Math.max(lastEndNs, f.endNs());
        }
        return lastEndNs < 0 ? Long.MAX_VALUE : lastEndNs + settleNs;
    }

    /** The channel operations as the simulator's history, in the order they started. */
    public static History toHistory(List<Operation> finished, List<Operation> running, long slackNs) {
        List<Operation> ops = new ArrayList<>(finished);
        ops.addAll(running);
        ops.sort(Comparator.comparingLong(Operation::startNs));
        History h = new History(slackNs);
        for (Operation op : ops) {
            Kind kind = switch (op.kind()) {
                case "write" -> Kind.WRITE;
                case "read" -> Kind.READ;
                default -> null;
            };
            if (kind == null || op.channel().isEmpty()) {
                continue;
            }
            History.Op hop = h.begin(op.process(), op.channel(), kind, kind == Kind.WRITE ? op.value() : null,
                    op.deadlineNs() == Operation.NO_DEADLINE ? History.NO_DEADLINE : op.deadlineNs(), op.startNs());
            if (op.outcome() != null) {
                Ending ending = ending(op.outcome());
                h.end(hop, ending, kind == Kind.READ && ending == Ending.DONE ? op.value() : null, op.endNs());
            }
        }
        return h;
    }

    /**
     * The simulator's ending for an outcome. FAILED (an exception outside the contract) is taken
     * as UNKNOWN, which allows delivery at most once; no-unexpected-exception reports it.
     */
    static Ending ending(Outcome o) {
        return switch (o) {
            case DONE -> Ending.DONE;
            case NOT_DONE -> Ending.NOT_DONE;
            case UNKNOWN, FAILED -> Ending.UNKNOWN;
            case UNREACHABLE -> Ending.UNREACHABLE;
            case POISONED -> Ending.POISONED;
            case RETIRED -> Ending.RETIRED;
        };
    }
}
