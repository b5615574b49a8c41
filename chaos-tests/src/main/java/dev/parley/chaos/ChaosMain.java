package dev.parley.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The chaos suite's command line:
 * {@code bin/parley chaos [--minutes N] [--seed S] [--only NAME] [--out DIR]} runs the full
 * matrix, and {@code bin/parley chaos --soak [--minutes N] [--seed S]} the soak. Prints every
 * seed, writes one report per scenario and an index into DIR, and exits 1 if any scenario
 * found an anomaly. Runs on the main thread.
 *
 * <p>The matrix: the echo harness, the three Aeron scenarios ({@link #AERON_LOSSES}), every
 * {@link WireFault#matrix wire fault} (its non-partition faults last long enough that the whole
 * run takes about N minutes, at least 1 s each), the process scenarios (a buffered channel's
 * home in a child JVM killed and restarted, then stopped for 8 s, with workers taking fresh
 * ends and with workers keeping theirs; the same for a rendezvous and a buffered channel's home
 * with a local reader, {@link HomeReaderFaultScenario}, and for a home that relays between
 * remote ends, {@link RelayProcessScenario}), the writer-side process scenarios (the remote
 * writer as the channel's only writer end, and beside an idle writer end at the home) and the
 * three-node workload of {@link MultiNodeScenario} under the faults of
 * {@link WireFault#threeNodeMatrix}.
 * {@code --only NAME} runs only the scenarios whose name contains NAME, to replay one with its
 * {@code --seed}.
 *
 * <p>The soak repeats rounds until N minutes have passed, stopping at the first anomaly:
 * each round draws a fresh seed, prints it, and runs a scenario and faults drawn from that
 * seed ({@link #soakRound}); {@code --round SEED} replays one round.
 */
public final class ChaosMain {
    /** The wire scenarios' calm phases around the fault, and how long failures are allowed after it. */
    static final long CALM_MS = 500;
    static final long AFTER_MS = 3_000;
    static final long SETTLE_MS = 1_000;
    static final Phases PHASES = new Phases(CALM_MS, AFTER_MS, SETTLE_MS);
    /**
     * The Aeron scenarios by name: the loss generators of the reader's media driver drop data
     * frames alone, then control frames (status messages, NAKs) as well, then both heavily.
     */
    static final List<Map.Entry<String, AeronWriteScenario.DriverLoss>> AERON_LOSSES = List.of(
            Map.entry("aeron-writes", new AeronWriteScenario.DriverLoss(0.05, 0)),
            Map.entry("aeron-control-loss-30", new AeronWriteScenario.DriverLoss(0.05, 0.30)),
            Map.entry("aeron-loss-20", new AeronWriteScenario.DriverLoss(0.20, 0.20)));

    static final CrashPhases CRASH_PHASES = new CrashPhases(2_000, 1_000, 8_000, AFTER_MS, SETTLE_MS);
    /** The buffer of the channel in home-reader-buffered-kill-restart-pause. */
    static final int HOME_READER_CAPACITY = 4;

    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = 1;
        long seed = System.nanoTime();
        Long round = null;
        boolean soak = false;
        String only = "";
        Path out = Path.of("chaos-tests", "target", "chaos-report");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--minutes" -> minutes = Double.parseDouble(need(a, v));
                case "--seed" -> seed = Long.parseLong(need(a, v));
                case "--only" -> only = need(a, v);
                case "--out" -> out = Path.of(need(a, v));
                case "--round" -> round = Long.parseLong(need(a, v));
                case "--soak" -> {
                    soak = true;
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown argument " + a + "; usage: chaos [--minutes N]"
                        + " [--seed S] [--only NAME] [--out DIR] | chaos --soak [--minutes N] [--seed S] [--out DIR]"
                        + " | chaos --round SEED [--out DIR]");
            }
            i++;
        }
        if (!(minutes > 0)) {
            throw new IllegalArgumentException("--minutes must be positive: minutes=" + minutes);
        }
        List<ScenarioReport> reports = new ArrayList<>();
        if (round != null) {
            System.out.println("chaos: replaying soak round " + round + ", reports in " + out.toAbsolutePath());
            ScenarioReport r = soakRound(round, out.resolve("logs"));
            reports.add(run(withReplay(r, "bin/parley chaos --round " + round), out));
        } else if (soak) {
            soak(seed, minutes, out, reports);
        } else {
            matrix(seed, minutes, only, out, reports);
        }
        Path index = ReportWriter.writeIndex(reports, out);
        long failed = reports.stream().filter(r -> !r.passed()).count();
        System.out.println("chaos: " + (reports.size() - failed) + " passed, " + failed + " failed; " + index);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void matrix(long seed, double minutes, String only, Path out, List<ScenarioReport> reports)
            throws Exception {
        System.out.println("chaos: seed " + seed + " (replay with --seed " + seed + "), about " + minutes
                + " min, reports in " + out.toAbsolutePath());
        // Fixed costs: about 45 s for the harness and the three Aeron scenarios, 20 s for each of
        // the seven process scenarios, 5 s per wire or multi-node scenario (start, calm phases),
        // 51 s of partitions; the rest is shared by the other 21 faults.
        long fixedMs = 45_000 + 7 * 20_000 + 30 * 5_000 + 51_000;
        long faultMs = Math.max(1_000, (long) (minutes * 60_000 - fixedMs) / 21);
        long phaseMs = Math.max(100, Math.min(faultMs, 2_000) / 2);
        Path logs = out.resolve("logs");          // the child JVMs' logs, a folder per scenario
        runIf("echo-harness", only, seed, () -> new EchoScenario(seed, phaseMs, 60, logs.resolve("echo-harness"))
                .run(), out, reports);
        for (Map.Entry<String, AeronWriteScenario.DriverLoss> e : AERON_LOSSES) {
            runIf(e.getKey(), only, seed, () -> new AeronWriteScenario(e.getKey(), seed, 600, 500, 1_500, e.getValue(),
                    logs.resolve(e.getKey())).run(), out, reports);
        }
        for (boolean sameEnds : new boolean[] {false, true}) {
            String name = new ProcessFaultScenario(seed, CRASH_PHASES, logs, sameEnds).name();
            runIf(name, only, seed, () -> new ProcessFaultScenario(seed, CRASH_PHASES, logs.resolve(name), sameEnds)
                    .run(), out, reports);
        }
        for (int capacity : new int[] {0, HOME_READER_CAPACITY}) {
            String name = new HomeReaderFaultScenario(seed, CRASH_PHASES, logs, capacity).name();
            runIf(name, only, seed, () -> new HomeReaderFaultScenario(seed, CRASH_PHASES, logs.resolve(name),
                    capacity).run(), out, reports);
        }
        runIf(RelayProcessScenario.NAME, only, seed, () -> new RelayProcessScenario(seed, CRASH_PHASES,
                logs.resolve(RelayProcessScenario.NAME)).run(), out, reports);
        for (boolean homeWriter : new boolean[] {false, true}) {
            String name = new WriterFaultScenario(seed, CRASH_PHASES, logs, homeWriter).name();
            WriterFaultScenario s = new WriterFaultScenario(seed, CRASH_PHASES, logs.resolve(name), homeWriter);
            runIf(name, only, seed, s::run, out, reports);
        }
        for (WireFault f : WireFault.matrix(faultMs)) {
            WireFaultScenario s = new WireFaultScenario(seed, f, PHASES);
            runIf(s.name(), only, seed, s::run, out, reports);
        }
        for (WireFault f : WireFault.threeNodeMatrix(faultMs)) {
            MultiNodeScenario s = new MultiNodeScenario(seed, f, PHASES);
            runIf(s.name(), only, seed, s::run, out, reports);
        }
    }

    /** A scenario to run. */
    private interface Scenario {
        ScenarioReport run() throws Exception;
    }

    /** Runs the scenario if its name contains {@code only}, and adds its report with its replay command. */
    private static void runIf(String name, String only, long seed, Scenario s, Path out, List<ScenarioReport> reports)
            throws Exception {
        if (name.contains(only)) {
            reports.add(run(withReplay(s.run(), "bin/parley chaos --seed " + seed + " --only " + name), out));
        }
    }

    private static void soak(long seed, double minutes, Path out, List<ScenarioReport> reports) throws Exception {
        long endNs = System.nanoTime() + (long) (minutes * 60e9);
        Random seeds = new Random(seed);
        System.out.println("chaos: soak for " + minutes + " min from seed " + seed + ", reports in "
                + out.toAbsolutePath());
        for (int i = 1; System.nanoTime() < endNs; i++) {
            long roundSeed = seeds.nextLong();
            System.out.println("chaos: soak round " + i + ", seed " + roundSeed + " (replay with --round " + roundSeed
                    + ")");
            ScenarioReport r = run(withReplay(soakRound(roundSeed, out.resolve("logs")), "bin/parley chaos --round "
                    + roundSeed), out);
            reports.add(r);
            if (!r.passed()) {
                System.out.println("chaos: soak stops at the first anomaly; replay with --round " + roundSeed);
                return;
            }
        }
    }

    /**
     * One soak round, drawn from the round's seed: in 5 of 8 rounds the two-node scenario under
     * a random combination of wire faults, in 2 of 8 the three-node workload under one, in 1
     * of 8 the process scenario with a random pause of 6 to 10 s. Its report is named
     * {@code soak-<seed in base 36>-<scenario>}.
     */
    static ScenarioReport soakRound(long roundSeed, Path logs) throws Exception {
        Random r = new Random(roundSeed);
        int kind = r.nextInt(8);
        WireFault f = WireFault.random(r, 1_000L * (1 + r.nextInt(5)));
        ScenarioReport report;
        if (kind == 0) {
            report = new ProcessFaultScenario(roundSeed, new CrashPhases(1_000 + r.nextInt(2_000), r.nextInt(2_000),
                    6_000 + r.nextInt(4_001), AFTER_MS, SETTLE_MS), logs).run();
        } else if (kind <= 2) {
            report = new MultiNodeScenario(roundSeed, f, PHASES).run();
        } else {
            report = new WireFaultScenario(roundSeed, f, PHASES).run();
        }
        return new ScenarioReport("soak-" + Long.toUnsignedString(roundSeed, 36) + "-" + report.name(), roundSeed,
                report.parameters(), report.operations(), report.faults(), report.anomalies(), report.notes());
    }

    /** The report with its replay command among the parameters. */
    static ScenarioReport withReplay(ScenarioReport r, String command) {
        java.util.Map<String, String> p = new java.util.HashMap<>(r.parameters());
        p.put("replay", command);
        return new ScenarioReport(r.name(), r.seed(), p, r.operations(), r.faults(), r.anomalies(), r.notes());
    }

    private static ScenarioReport run(ScenarioReport r, Path out) {
        Path md = ReportWriter.write(r, out);
        System.out.println("chaos: " + r.name() + " seed " + r.seed() + " " + (r.passed() ? "pass" : "FAIL "
                + r.anomalies()) + ", " + r.operations().size() + " operations; " + md);
        return r;
    }

    private static String need(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }
}
