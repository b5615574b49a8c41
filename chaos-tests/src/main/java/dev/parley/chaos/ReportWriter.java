package dev.parley.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Writes a scenario's report as {@code <name>.md}, {@code <name>.json} and {@code <name>.png}
 * (latency and throughput over time, fault windows marked) into a directory, and an index of
 * several scenarios. Stateless; any thread may call it.
 */
public final class ReportWriter {
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    private ReportWriter() {
    }

    /** Writes the three files of one scenario and returns the Markdown file's path. */
    public static Path write(ScenarioReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            Path md = dir.resolve(report.name() + ".md");
            Files.writeString(md, markdown(report), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(report.name() + ".json"), json(report), StandardCharsets.UTF_8);
            TimelinePlot.write(report, dir.resolve(report.name() + ".png"));
            return md;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report of " + report.name() + " into " + dir, e);
        }
    }

    /** Writes {@code index.md}: one line per scenario with its verdict. */
    public static Path writeIndex(List<ScenarioReport> reports, Path dir) {
        StringBuilder b = new StringBuilder("# Chaos run\n\n| scenario | seed | operations | anomalies | verdict |\n"
                + "|---|---|---|---|---|\n");
        for (ScenarioReport r : reports) {
            b.append("| [").append(r.name()).append("](").append(r.name()).append(".md) | ").append(r.seed())
                    .append(" | ").append(r.operations().size()).append(" | ").append(r.anomalies().size())
                    .append(" | ").append(r.passed() ? "pass" : "FAIL").append(" |\n");
        }
        try {
            Files.createDirectories(dir);
            Path index = dir.resolve("index.md");
            Files.writeString(index, b.toString(), StandardCharsets.UTF_8);
            return index;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the index into " + dir, e);
        }
    }

    static String markdown(ScenarioReport r) {
        StringBuilder b = new StringBuilder();
        b.append("# Scenario ").append(r.name()).append("\n\n");
        String replay = r.parameters().getOrDefault("replay", "--seed " + r.seed());
        b.append("Verdict: **").append(r.passed() ? "pass" : "FAIL").append("**. Seed: `").append(r.seed())
                .append("` (replay with `").append(replay).append("`). Duration: ")
                .append(ms(r.durationNs())).append(" ms.\n\n");
        b.append("## Parameters\n\n");
        new TreeMap<>(r.parameters()).forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        b.append("\n## Operations\n\n| kind | tried | ");
        for (Outcome o : Outcome.values()) {
            b.append(o).append(" | ");
        }
        b.append("\n|---|---|").append("---|".repeat(Outcome.values().length)).append('\n');
        for (Map.Entry<String, Map<Outcome, Integer>> e : r.outcomes().entrySet()) {
            int tried = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            b.append("| ").append(e.getKey()).append(" | ").append(tried).append(" | ");
            for (Outcome o : Outcome.values()) {
                b.append(e.getValue().get(o)).append(" | ");
            }
            b.append('\n');
        }
        b.append("\n## Latency of DONE operations (ms)\n\n| kind | count | p50 | p90 | p99 | p99.9 | max |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (String kind : r.outcomes().keySet()) {
            Histogram h = r.latencyUs(kind);
            b.append("| ").append(kind).append(" | ").append(h.getTotalCount()).append(" | ");
            for (double p : PERCENTILES) {
                b.append(h.getTotalCount() == 0 ? "-" : fmt(h.getValueAtPercentile(p) / 1_000.0)).append(" | ");
            }
            b.append('\n');
        }
        b.append("\n## Faults\n\n");
        if (r.faults().isEmpty()) {
            b.append("None.\n");
        }
        for (FaultWindow f : r.faults()) {
            b.append("- ").append(f.name()).append(": from ").append(ms(f.beganNs())).append(" ms to ")
                    .append(f.ended() ? ms(f.endNs()) + " ms" : "the end").append('\n');
        }
        b.append("\n## Anomalies\n\n");
        if (r.anomalies().isEmpty()) {
            b.append("None.\n");
        }
        r.anomalies().forEach(a -> b.append("- ").append(a).append('\n'));
        if (!r.notes().isEmpty()) {
            b.append("\n## Notes\n\n");
            r.notes().forEach(n -> b.append("- ").append(n).append('\n'));
        }
        b.append("\n![latency and throughput over time](").append(r.name()).append(".png)\n");
        return b.toString();
    }

    static String json(ScenarioReport r) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"name\": ").append(quote(r.name())).append(",\n");
        b.append("  \"seed\": ").append(r.seed()).append(",\n");
        b.append("  \"passed\": ").append(r.passed()).append(",\n");
        b.append("  \"durationMs\": ").append(ms(r.durationNs())).append(",\n");
        b.append("  \"parameters\": {");
        appendJoined(b, new TreeMap<>(r.parameters()).entrySet().stream()
                .map(e -> quote(e.getKey()) + ": " + quote(e.getValue())).toList(), ", ");
        b.append("},\n  \"outcomes\": {");
        appendJoined(b, r.outcomes().entrySet().stream().map(e -> quote(e.getKey()) + ": {" + String.join(", ",
                e.getValue().entrySet().stream().map(o -> quote(o.getKey().name()) + ": " + o.getValue()).toList())
                + "}").toList(), ", ");
        b.append("},\n  \"latencyMs\": {");
        appendJoined(b, r.outcomes().keySet().stream().map(kind -> quote(kind) + ": " + percentiles(r.latencyUs(kind)))
                .toList(), ", ");
        b.append("},\n  \"faults\": [");
        appendJoined(b, r.faults().stream().map(f -> "{\"name\": " + quote(f.name()) + ", \"beganMs\": "
                + ms(f.beganNs()) + ", \"endedMs\": " + (f.ended() ? ms(f.endNs()) : "null") + "}").toList(), ", ");
        b.append("],\n  \"anomalies\": [");
        appendJoined(b, r.anomalies().stream().map(ReportWriter::quote).toList(), ", ");
        b.append("],\n  \"notes\": [");
        appendJoined(b, r.notes().stream().map(ReportWriter::quote).toList(), ", ");
        b.append("]\n}\n");
        return b.toString();
    }

    private static String percentiles(Histogram h) {
        StringBuilder b = new StringBuilder("{\"count\": ").append(h.getTotalCount());
        for (double p : PERCENTILES) {
            String label = p == 100 ? "max" : "p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p));
            b.append(", ").append(quote(label)).append(": ")
                    .append(h.getTotalCount() == 0 ? "null" : fmt(h.getValueAtPercentile(p) / 1_000.0));
        }
        return b.append('}').toString();
    }

    private static void appendJoined(StringBuilder b, List<String> items, String separator) {
        b.append(String.join(separator, items));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String ms(long ns) {
        return fmt(ns / 1_000_000.0);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
