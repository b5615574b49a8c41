package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.History.Kind;
import dev.parley.model.sim.History.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Judges a {@link History} of networked channel operations against SEMANTICS.md, section 5.
 * Stateless; any thread may call it. Values must be unique per channel (a writer names its
 * values), which is how a read is traced to its write.
 *
 * <h2>Properties, by name</h2>
 * <ul>
 *   <li><b>read-was-written</b>: every value read was written on that channel.</li>
 *   <li><b>read-at-most-once</b>: no value is read twice (this covers "an outcome-unknown
 *       write delivered at most once").</li>
 *   <li><b>done-write-read</b>: every DONE write was read (with read-at-most-once: exactly
 *       once), unless the history records it discarded (by a crash of its home, or a poison).
 *       A write ahead (DONE as it started, under a buffer slot its home had reserved for the
 *       writer's end, while its value was still on its way) is also excused if the history
 *       records its value lost in transit at or after the write began: its writer's node or its
 *       home crashed before the home stored the value ({@link History#lostInTransit}). Such a
 *       loss excuses nothing else: a plain write is DONE only once its home stored or delivered
 *       the value, so only a discard excuses it.</li>
 *   <li><b>not-done-delivered-nothing</b>: a write that ended NOT_DONE, UNREACHABLE,
 *       POISONED or RETIRED was never read; a read that is not DONE received no value, and a
 *       DONE read received one.</li>
 *   <li><b>per-writer-order</b>: the values of one writer on one channel are read in the
 *       order it wrote them: by each reader in that order (its reads ordered by the time they
 *       ended), and across readers no later value's read ended before an earlier value's read
 *       began. (Across readers the end times alone prove nothing: a reader on another node may
 *       record the end of a read it committed first later than another reader records its own.)
 *       A value whose delivery
 *       was uncertain (its write ended UNKNOWN, or the history records it discarded as given
 *       to a reader whose outcome is unknown) has no place in that order: the protocol
 *       allows it to arrive at most once, at no bounded time.</li>
 *   <li><b>bounded-by-timeout</b>: an operation with a deadline ended no later than the
 *       deadline plus the history's slack (the protocol's bound).</li>
 *   <li><b>resumes-after-heal</b>: an operation started at or after the history's resume
 *       time did not end UNKNOWN or UNREACHABLE, and an untimed one ended (DONE, POISONED or
 *       RETIRED).</li>
 * </ul>
 */
public final class HistoryChecker {

    /** One broken property, by name, with the operations that show it. */
    public record Violation(String property, String detail) {
        @Override
        public String toString() {
            return property + ": " + detail;
        }
    }

    private HistoryChecker() {
    }

    /** @return every violation found, in a stable order; empty when the history is good */
    public static List<Violation> check(History h) {
        List<Violation> out = new ArrayList<>();
        Map<String, Op> writes = new HashMap<>();
        for (Op op : h.ops()) {
            if (op.kind == Kind.WRITE && writes.put(op.channel + "\u0000" + op.value(), op) != null) {
                throw new IllegalArgumentException("value written twice on channel=" + op.channel + ": value="
                        + op.value() + "; values must be unique per channel");
            }
        }
        List<Op> reads = new ArrayList<>();
        for (Op op : h.ops()) {
            if (op.kind == Kind.READ) {
                readCarriesValueIffDone(op, out);
                if (op.ended() && op.value() != null) {
                    reads.add(op);
                }
            }
            boundedByTimeout(h, op, out);
            resumesAfterHeal(h, op, out);
        }
        reads.sort(Comparator.comparingLong(Op::endNs).thenComparingLong(o -> o.id));
        Map<String, Op> readerOf = new HashMap<>();
        Map<String, Long> lastSeqOf = new HashMap<>();
        Map<String, TreeMap<Long, Op>> ordered = new HashMap<>(); // per writer stream: its reads by sequence
        Map<Long, Long> seqOf = writerSequences(h);
        Set<String> uncertain = new HashSet<>();
        h.discards().stream().filter(History.Discard::uncertain)
                .forEach(d -> uncertain.add(d.channel() + "\u0000" + d.value()));
        for (Op r : reads) {
            String key = r.channel + "\u0000" + r.value();
            Op w = writes.get(key);
            if (w == null) {
                out.add(new Violation("read-was-written", "value '" + r.value() + "' read by " + r
                        + " was never written on " + r.channel));
                continue;
            }
            Op first = readerOf.putIfAbsent(key, r);
            if (first != null) {
                out.add(new Violation("read-at-most-once", "value '" + r.value() + "' read twice: " + first
                        + " and " + r + " (written by " + w + ")"));
            }
            if (w.ended() && !w.ending().mayHaveDelivered()) {
                out.add(new Violation("not-done-delivered-nothing", "write " + w + " was read by " + r));
            }
            if (w.ending() == Ending.UNKNOWN || uncertain.contains(key)) {
                continue;
            }
            String stream = w.channel + "\u0000" + w.process;
            long seq = seqOf.get(w.id);
            Long before = lastSeqOf.put(stream + "\u0000" + r.process, seq);
            if (before != null && before > seq) {
                out.add(new Violation("per-writer-order", "on " + w.channel + " write " + w
                        + " was read (by " + r + ") after a later write of " + w.process));
            }
            ordered.computeIfAbsent(stream, k -> new TreeMap<>()).put(seq, r);
        }
        for (TreeMap<Long, Op> bySeq : ordered.values()) {
            Op latestStart = null; // among the reads of earlier values, the one that began last
            for (Op r : bySeq.values()) {
                if (latestStart != null && r.endNs() < latestStart.startNs) {
                    out.add(new Violation("per-writer-order", "on " + r.channel + " read " + r + " of a later write"
                            + " ended before read " + latestStart + " of an earlier one began"));
                }
                if (latestStart == null || r.startNs > latestStart.startNs) {
                    latestStart = r;
                }
            }
        }
        Set<String> discarded = new HashSet<>();
        h.discards().forEach(d -> discarded.add(d.channel() + "\u0000" + d.value()));
        Map<String, History.Loss> lost = new HashMap<>();
        h.losses().forEach(l -> lost.merge(l.channel() + "\u0000" + l.value(), l,
                (a, b) -> a.atNs() >= b.atNs() ? a : b));
        for (Map.Entry<String, Op> e : writes.entrySet()) {
            Op w = e.getValue();
            if (!w.ended() || w.ending() != Ending.DONE || readerOf.containsKey(e.getKey())
                    || discarded.contains(e.getKey())) {
                continue;
            }
            History.Loss loss = lost.get(e.getKey());
            if (loss != null && w.ahead() && loss.atNs() >= w.startNs) {
                continue; // a write ahead whose writer's node or home crashed before its value arrived
            }
            String why = loss == null ? "" : w.ahead() ? " (its loss in transit was recorded before it began: " + loss
                    + ")" : " (a loss in transit excuses only a write ahead: " + loss + ")";
            out.add(new Violation("done-write-read", "write " + w + " is DONE but was never read" + why));
        }
        return out;
    }

    /** Numbers each writer's writes per channel in the order they started. */
    private static Map<Long, Long> writerSequences(History h) {
        Map<String, Long> next = new LinkedHashMap<>();
        Map<Long, Long> out = new HashMap<>();
        for (Op op : h.ops().stream().sorted(Comparator.comparingLong((Op o) -> o.startNs)
                .thenComparingLong(o -> o.id)).toList()) {
            if (op.kind == Kind.WRITE) {
                out.put(op.id, next.merge(op.channel + "\u0000" + op.process, 1L, Long::sum));
            }
        }
        return out;
    }

    private static void readCarriesValueIffDone(Op r, List<Violation> out) {
        if (r.ended() && (r.ending() == Ending.DONE) != (r.value() != null)) {
            out.add(new Violation("not-done-delivered-nothing", "read " + r + (r.value() == null
                    ? " is DONE without a value" : " carries a value but did not end DONE")));
        }
    }

    private static void boundedByTimeout(History h, Op op, List<Violation> out) {
        if (op.deadlineNs == History.NO_DEADLINE) {
            return;
        }
        long boundNs = op.deadlineNs + h.timeoutSlackNs();
        if (!op.ended() || op.endNs() > boundNs) {
            out.add(new Violation("bounded-by-timeout", op + " outlived its deadline plus slack="
                    + h.timeoutSlackNs() + " (bound " + boundNs + ")"));
        }
    }

    private static void resumesAfterHeal(History h, Op op, List<Violation> out) {
        if (op.startNs < h.resumeFromNs()) {
            return;
        }
        if (op.ended() && (op.ending() == Ending.UNKNOWN || op.ending() == Ending.UNREACHABLE)) {
            out.add(new Violation("resumes-after-heal", op + " started after the heal at " + h.resumeFromNs()
                    + " and still failed"));
        } else if (op.deadlineNs == History.NO_DEADLINE && (!op.ended() || op.ending() == Ending.NOT_DONE)) {
            out.add(new Violation("resumes-after-heal", op + " started after the heal at " + h.resumeFromNs()
                    + " and did not complete"));
        }
    }
}
