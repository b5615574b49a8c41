package dev.parley.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every {@link ChannelBenchmarks} benchmark once per virtual-thread carrier setting, each in
 * forked JVMs, and prints the ratio table ({@link RatioTable}). Run from a command line; it blocks
 * until the last fork has ended. Started by {@code bin/parley bench}; see docs/BENCHMARKS.md.
 *
 * <p>Virtual thread scheduler parallelism is read once per JVM, so each setting is a separate
 * JMH run whose forks get {@code -Djdk.virtualThreadScheduler.parallelism=N} appended; the setting
 * {@code default} appends nothing (the JDK then uses one carrier per available processor). The
 * launching JVM must itself not set that flag, because forks inherit its options.
 */
public final class BenchMain {

    private static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    /**
     * What to run.
     *
     * @param forks JMH forks per benchmark and setting
     * @param warmups warm-up iterations per fork
     * @param iterations measured iterations per fork
     * @param seconds length of each iteration
     * @param carriers the carrier settings: numbers, or {@code default}
     * @param only a regular expression on the benchmark method names
     * @param results a directory for JMH's JSON results, or null
     */
    record Settings(int forks, int warmups, int iterations, int seconds, List<String> carriers, String only,
                    Path results) {

        static final String USAGE = """
                usage: bin/parley bench [--forks=1] [--warmup=3] [--iterations=8] [--time=1] \
                [--carriers=1,default] [--only=REGEX] [--results=DIR]
                  --forks       JMH forks per benchmark and carrier setting
                  --warmup      warm-up iterations per fork
                  --iterations  measured iterations per fork
                  --time        seconds per iteration
                  --carriers    virtual-thread scheduler parallelism per run: numbers or 'default'
                  --only        regular expression found in the benchmark names, e.g. 'Parley' or 'commstime'
                  --results     directory for JMH's JSON results (one file per carrier setting)""";

        /**
         * @throws IllegalArgumentException for an unknown option or a bad value, naming it
         */
        static Settings parse(String... args) {
            Settings s = new Settings(1, 3, 8, 1, List.of("1", "default"), ".*", null);
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("argument='" + arg + "' is not of the form --name=value");
                }
                String name = arg.substring(2, eq);
                String value = arg.substring(eq + 1);
                s = switch (name) {
                    case "forks" -> s.with(positive(name, value), s.warmups, s.iterations, s.seconds, s.carriers);
                    case "warmup" -> s.with(s.forks, atLeast(name, value, 0), s.iterations, s.seconds, s.carriers);
                    case "iterations" -> s.with(s.forks, s.warmups, positive(name, value), s.seconds, s.carriers);
                    case "time" -> s.with(s.forks, s.warmups, s.iterations, positive(name, value), s.carriers);
                    case "carriers" -> s.with(s.forks, s.warmups, s.iterations, s.seconds, carriers(value));
                    case "only" -> new Settings(s.forks, s.warmups, s.iterations, s.seconds, s.carriers, value, s.results);
                    case "results" -> new Settings(s.forks, s.warmups, s.iterations, s.seconds, s.carriers, s.only,
                            Path.of(value));
                    default -> throw new IllegalArgumentException("option=--" + name + " is unknown\n" + USAGE);
                };
            }
            return s;
        }

        private Settings with(int forks, int warmups, int iterations, int seconds, List<String> carriers) {
            return new Settings(forks, warmups, iterations, seconds, carriers, only, results);
        }

        private static int positive(String name, String value) {
            return atLeast(name, value, 1);
        }

        private static int atLeast(String name, String value, int min) {
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
            }
            if (n < min) {
                throw new IllegalArgumentException(name + "=" + value + " must be at least " + min);
            }
            return n;
        }

        private static List<String> carriers(String value) {
            List<String> list = new ArrayList<>();
            for (String c : value.split(",")) {
                String t = c.trim();
                if (!t.equals("default")) {
                    positive("carriers", t);
                }
                list.add(t);
            }
            return List.copyOf(list);
        }
    }

    private BenchMain() {
    }

    /**
     * @param args options as in {@link Settings#USAGE}
     * @throws RunnerException if JMH cannot run a benchmark
     */
    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("parley bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (System.getProperty(PARALLELISM) != null) {
            throw new IllegalStateException(PARALLELISM + "=" + System.getProperty(PARALLELISM)
                    + " is set on the launching JVM; forks would inherit it: use --carriers instead");
        }
        if (settings.results() != null) {
            Files.createDirectories(settings.results());
        }
        RatioTable table = new RatioTable();
        for (String carriers : settings.carriers()) {
            String label = carriers.equals("default")
                    ? "default(" + Runtime.getRuntime().availableProcessors() + ")" : carriers;
            for (RunResult result : new Runner(options(settings, carriers)).run()) {
                String benchmark = result.getParams().getBenchmark();
                String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                Statistics iterations = result.getPrimaryResult().getStatistics();
                table.add(label, method, new RatioTable.Score(iterations.getPercentile(50),
                        iterations.getMin(), iterations.getMax()));
            }
        }
        System.out.println();
        System.out.println("Parley benchmarks: JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name")
                + "), " + Runtime.getRuntime().availableProcessors() + " processors; " + settings.forks()
                + " fork(s) x " + settings.iterations() + " x " + settings.seconds() + " s after "
                + settings.warmups() + " warm-up(s); carriers = virtual-thread scheduler parallelism");
        System.out.println(table.render());
    }

    private static org.openjdk.jmh.runner.options.Options options(Settings settings, String carriers) {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .include(ChannelBenchmarks.class.getName() + "\\.[^.]*(?:" + settings.only() + ")[^.]*$")
                .forks(settings.forks())
                .warmupIterations(settings.warmups())
                .measurementIterations(settings.iterations())
                .warmupTime(TimeValue.seconds(settings.seconds()))
                .measurementTime(TimeValue.seconds(settings.seconds()));
        if (!carriers.equals("default")) {
            builder.jvmArgsAppend("-D" + PARALLELISM + "=" + carriers);
        }
        if (settings.results() != null) {
            builder.resultFormat(ResultFormatType.JSON)
                    .result(settings.results().resolve("jmh-carriers-" + carriers + ".json").toString());
        }
        return builder.build();
    }
}
