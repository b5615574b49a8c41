package dev.parley.bench;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
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
 * Runs every {@link ChannelBenchmarks} benchmark once per virtual-thread carrier setting (and per
 * round), each in forked JVMs, and prints the ratio table ({@link RatioTable}). Run from a command line; it blocks
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
     * @param rounds how many times the whole set runs, interleaved, before iterations are pooled
     * @param forks JMH forks per benchmark, setting and round
     * @param warmups warm-up iterations per fork
     * @param iterations measured iterations per fork
     * @param seconds length of each iteration
     * @param carriers the carrier settings: numbers, or {@code default}
     * @param only a regular expression found in the benchmark method names
     * @param results a directory for JMH's JSON results, or null
     */
    record Settings(int rounds, int forks, int warmups, int iterations, int seconds, List<String> carriers,
                    String only, Path results) {

        static final String USAGE = """
                usage: bin/parley bench [--rounds=1] [--forks=1] [--warmup=3] [--iterations=8] [--time=1] \
                [--carriers=1,default] [--only=REGEX] [--results=DIR]
                  --rounds      run everything this many times in turn, then pool the iterations
                                (spreads the drift of a shared machine over Parley and baselines alike)
                  --forks       JMH forks per benchmark, carrier setting and round
                  --warmup      warm-up iterations per fork
                  --iterations  measured iterations per fork
                  --time        seconds per iteration
                  --carriers    virtual-thread scheduler parallelism per run: numbers or 'default'
                  --only        regular expression found in the benchmark names, e.g. 'Parley' or 'commstime'
                  --results     directory for JMH's JSON results (one file per carrier setting and round)""";

        /**
         * @throws IllegalArgumentException for an unknown option or a bad value, naming it
         */
        static Settings parse(String... args) {
            int rounds = 1;
            int forks = 1;
            int warmups = 3;
            int iterations = 8;
            int seconds = 1;
            List<String> carriers = List.of("1", "default");
            String only = ".*";
            Path results = null;
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("argument='" + arg + "' is not of the form --name=value");
                }
                String name = arg.substring(2, eq);
                String value = arg.substring(eq + 1);
                switch (name) {
                    case "rounds" -> rounds = positive(name, value);
                    case "forks" -> forks = positive(name, value);
                    case "warmup" -> warmups = atLeast(name, value, 0);
                    case "iterations" -> iterations = positive(name, value);
                    case "time" -> seconds = positive(name, value);
                    case "carriers" -> carriers = carriers(value);
                    case "only" -> only = value;
                    case "results" -> results = Path.of(value);
                    default -> throw new IllegalArgumentException("option=--" + name + " is unknown\n" + USAGE);
                }
            }
            return new Settings(rounds, forks, warmups, iterations, seconds, carriers, only, results);
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
        for (int round = 1; round <= settings.rounds(); round++) {
            for (String carriers : settings.carriers()) {
                String label = carriers.equals("default")
                        ? "default(" + Runtime.getRuntime().availableProcessors() + ")" : carriers;
                for (RunResult result : new Runner(options(settings, carriers, round)).run()) {
                    String benchmark = result.getParams().getBenchmark();
                    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                    for (BenchmarkResult fork : result.getBenchmarkResults()) {
                        for (IterationResult iteration : fork.getIterationResults()) {
                            table.add(label, method, iteration.getPrimaryResult().getScore());
                        }
                    }
                }
            }
        }
        System.out.println();
        System.out.println("Parley benchmarks: JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name")
                + "), " + Runtime.getRuntime().availableProcessors() + " processors; " + settings.rounds()
                + " round(s) x " + settings.forks() + " fork(s) x " + settings.iterations() + " x "
                + settings.seconds() + " s after " + settings.warmups()
                + " warm-up(s) per benchmark; carriers = virtual-thread scheduler parallelism");
        System.out.println(table.render());
    }

    private static org.openjdk.jmh.runner.options.Options options(Settings settings, String carriers, int round) {
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
                    .result(settings.results().resolve("jmh-carriers-" + carriers + "-round-" + round + ".json")
                            .toString());
        }
        return builder.build();
    }
}
