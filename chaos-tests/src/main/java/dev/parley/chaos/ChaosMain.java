package dev.parley.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The chaos suite's command line: {@code bin/parley chaos [--minutes N] [--seed S] [--out DIR]}.
 * Runs every scenario, scaled so the whole run lasts about N minutes (default 1), prints the
 * seed first, writes one report per scenario and an index into DIR, and exits 1 if any
 * scenario found an anomaly. Runs on the main thread.
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = 1;
        long seed = System.nanoTime();
        Path out = Path.of("chaos-tests", "target", "chaos-report");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--minutes" -> minutes = Double.parseDouble(need(a, v));
                case "--seed" -> seed = Long.parseLong(need(a, v));
                case "--out" -> out = Path.of(need(a, v));
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + "; usage: chaos [--minutes N] [--seed S] [--out DIR]");
            }
            i++;
        }
        if (!(minutes > 0)) {
            throw new IllegalArgumentException("--minutes must be positive: minutes=" + minutes);
        }
        System.out.println("chaos: seed " + seed + " (replay with --seed " + seed + "), about " + minutes
                + " min, reports in " + out.toAbsolutePath());
        // The echo scenario has about 17 phases; the Aeron one writes 5 ms apart (3,000 writes a minute).
        long phaseMs = Math.max(100, (long) (minutes * 60_000 / 34));
        List<ScenarioReport> reports = new ArrayList<>();
        reports.add(run(new EchoScenario(seed, phaseMs, 60, out.resolve("logs")).run(), out));
        int writes = (int) Math.max(300, minutes * 6_000);
        ScenarioReport aeron = new AeronWriteScenario(seed, writes, 500, 1_500, 0.05, out.resolve("logs")).run();
        reports.add(run(aeron, out));
        int relayedWrites = (int) Math.max(150, minutes * 1_500);
        reports.add(run(new RelayedWriteScenario(seed, relayedWrites, 500, 1_000).run(), out));
        Path index = ReportWriter.writeIndex(reports, out);
        long failed = reports.stream().filter(r -> !r.passed()).count();
        System.out.println("chaos: " + (reports.size() - failed) + " passed, " + failed + " failed; " + index);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static ScenarioReport run(ScenarioReport r, Path out) {
        Path md = ReportWriter.write(r, out);
        System.out.println("chaos: " + r.name() + " " + (r.passed() ? "pass" : "FAIL " + r.anomalies()) + ", "
                + r.operations().size() + " operations; " + md);
        return r;
    }

    private static String need(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }
}
