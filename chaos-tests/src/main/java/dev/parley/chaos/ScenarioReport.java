package dev.parley.chaos;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one scenario did and found: its name, seed, parameters, the operations tried, the
 * faults and when each was in force, the anomalies the checker found (there must be none)
 * and free-form notes such as relay counters. Immutable once made; any thread may read it.
 */
public record ScenarioReport(String name, long seed, Map<String, String> parameters, List<Operation> operations,
                             List<FaultWindow> faults, List<String> anomalies, List<String> notes) {
    public ScenarioReport {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a scenario name must be usable as a file name: name=" + name);
        }
        parameters = Map.copyOf(parameters);
        operations = List.copyOf(operations);
        faults = List.copyOf(faults);
        anomalies = List.copyOf(anomalies);
        notes = List.copyOf(notes);
    }

    public boolean passed() {
        return anomalies.isEmpty();
    }

    /** Counts of outcomes per kind of operation, kinds in alphabetical order. */
    public Map<String, Map<Outcome, Integer>> outcomes() {
        Map<String, Map<Outcome, Integer>> byKind = new TreeMap<>();
        for (Operation op : operations) {
            byKind.computeIfAbsent(op.kind(), k -> {
                Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
                for (Outcome o : Outcome.values()) {
                    m.put(o, 0);
                }
                return m;
            }).merge(op.outcome(), 1, Integer::sum);
        }
        return byKind;
    }

    /** A histogram of DONE operations' latencies of one kind, in microseconds. */
    public Histogram latencyUs(String kind) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (Operation op : operations) {
            if (op.kind().equals(kind) && op.outcome() == Outcome.DONE) {
                h.recordValue(Math.max(0, Math.min(op.latencyNs() / 1_000, h.getHighestTrackableValue())));
            }
        }
        return h;
    }

    /** The end of the history: the last operation's or fault's end, in ns since the start. */
    public long durationNs() {
        long end = 0;
        for (Operation op : operations) {
            end = Math.max(end, op.endNs());
        }
        for (FaultWindow f : faults) {
            end = Math.max(end, Math.max(f.beganNs(), f.endNs()));
        }
        return end;
    }
}
