package dev.parley.bench;

import dev.parley.bench.Shape.Implementation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects benchmark scores per carrier setting and prints them side by side with the ratios the
 * goals are stated in: Parley / SynchronousQueue, Parley / Exchanger (same run, same setting) and
 * Parley / Go (Go recorded elsewhere, see {@link Shape#GO_SOURCE}). Used by one thread.
 */
final class RatioTable {

    /** Goal: Parley / SynchronousQueue at most this. */
    static final double SYNCHRONOUS_QUEUE_GOAL = 1.0;
    /** Goal: Parley / Go at most this. */
    static final double GO_GOAL = 2.0;

    /**
     * One benchmark's figure. The median of the measured iterations is used rather than the mean,
     * because on a shared machine single iterations are sometimes several times slower.
     *
     * @param ns median nanoseconds per communication over the measured iterations
     * @param minNs the fastest iteration
     * @param maxNs the slowest iteration
     */
    record Score(double ns, double minNs, double maxNs) {
        /** @param iterationsNs the measured iterations, at least one */
        static Score of(List<Double> iterationsNs) {
            double[] sorted = iterationsNs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Score(median, sorted[0], sorted[n - 1]);
        }

        String format() {
            return fmt("%.0f [%.0f-%.0f]", ns, minNs, maxNs);
        }

        boolean overlaps(Score other) {
            return minNs <= other.maxNs && other.minNs <= maxNs;
        }
    }

    private final Map<String, Map<String, List<Double>>> byCarriers = new LinkedHashMap<>();

    /**
     * @param carriers the carrier setting the iteration was measured with, as printed
     * @param method the {@link ChannelBenchmarks} method
     * @param iterationNs one measured iteration's ns per communication
     */
    void add(String carriers, String method, double iterationNs) {
        byCarriers.computeIfAbsent(carriers, k -> new LinkedHashMap<>())
                .computeIfAbsent(method, k -> new ArrayList<>())
                .add(iterationNs);
    }

    /** @return the table and the goal verdicts, ready to print */
    String render() {
        StringBuilder out = new StringBuilder();
        String row = "%-11s %-17s %-16s %-17s %-16s %-6s %-6s %-8s %-9s%n";
        out.append("ns per channel communication: median [fastest-slowest] of the measured iterations;"
                + " ratios of medians; lower is better\n\n");
        out.append(fmt(row, "carriers", "shape", "Parley", "SynchronousQueue", "Exchanger",
                "P/SQ", "P/Ex", "Go*", "P/Go*"));
        List<String> sqVerdicts = new ArrayList<>();
        List<String> goVerdicts = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Double>>> entry : byCarriers.entrySet()) {
            String carriers = entry.getKey();
            Map<String, Score> scores = new LinkedHashMap<>();
            entry.getValue().forEach((method, iterations) -> scores.put(method, Score.of(iterations)));
            for (Shape shape : Shape.values()) {
                Score parley = scores.get(shape.method(Implementation.PARLEY));
                if (parley == null) {
                    continue;
                }
                Score sq = scores.get(shape.method(Implementation.SYNCHRONOUS_QUEUE));
                Score ex = scores.get(shape.method(Implementation.EXCHANGER));
                String sqRatio = ratio(parley, sq);
                if (sq == null && shape == Shape.SELECT_PING_PONG) {
                    Score sqPingPong = scores.get(Shape.PING_PONG.method(Implementation.SYNCHRONOUS_QUEUE));
                    sqRatio = sqPingPong == null ? "-" : ratio(parley, sqPingPong) + "†";
                } else if (sq != null) {
                    sqVerdicts.add(verdict(carriers, shape, parley.ns() / sq.ns(), SYNCHRONOUS_QUEUE_GOAL)
                            + (parley.overlaps(sq) ? " (iteration ranges overlap: within this run's noise)" : ""));
                }
                String go = shape.goLowNs() == shape.goHighNs() ? fmt("%.0f", shape.goLowNs())
                        : fmt("%.0f-%.0f", shape.goLowNs(), shape.goHighNs());
                String goRatio = shape.goLowNs() == shape.goHighNs() ? fmt("%.2f", parley.ns() / shape.goLowNs())
                        : fmt("%.2f-%.2f", parley.ns() / shape.goHighNs(), parley.ns() / shape.goLowNs());
                goVerdicts.add(verdict(carriers, shape, parley.ns() / shape.goLowNs(), GO_GOAL));
                out.append(fmt(row, carriers, shape.label(), parley.format(), sq == null ? "-" : sq.format(),
                        ex == null ? "-" : ex.format(), sqRatio, ratio(parley, ex), go, goRatio));
            }
        }
        out.append("\n* ").append(Shape.GO_SOURCE).append(".\n");
        out.append("† select ping-pong has no java.util.concurrent counterpart: compared with SynchronousQueue"
                + " ping-pong at the same setting.\n");
        out.append(fmt("%nGoal: Parley / SynchronousQueue <= %.2f at the same carrier setting%n",
                SYNCHRONOUS_QUEUE_GOAL));
        sqVerdicts.forEach(v -> out.append("  ").append(v).append('\n'));
        out.append(fmt("Goal: Parley / Go <= %.2f (against Go's fastest recorded figure)%n", GO_GOAL));
        goVerdicts.forEach(v -> out.append("  ").append(v).append('\n'));
        return out.toString();
    }

    private static String ratio(Score parley, Score other) {
        return other == null ? "-" : fmt("%.2f", parley.ns() / other.ns());
    }

    private static String verdict(String carriers, Shape shape, double ratio, double goal) {
        return fmt("%-12s %-17s %.2f  %s", carriers, shape.label(), ratio, ratio <= goal ? "met" : "MISSED");
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
