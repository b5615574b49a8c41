package dev.parley.model.spin;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs SPIN on every Promela model of the protocol in {@code src/spin} (see docs/SPIN.md):
 * each correct model must verify, for safety (assertions, invalid end states) and for
 * liveness under weak fairness, over its whole state space; each seeded-bug variant must be
 * caught; each witness claim must be refuted (so that no model is vacuous). Called by JUnit
 * on its own thread; every run works in a fresh temporary directory, removed afterwards, and
 * waits for {@code spin}, {@code gcc} and {@code pan} as child processes, each bounded by a
 * timeout.
 */
class SpinModelsTest {

    private static final Path SOURCES = Path.of(System.getProperty("parley.spin.dir", "src/spin"));
    private static final long STEP_TIMEOUT_S = 120;
    private static final Pattern ERRORS = Pattern.compile("errors: (\\d+)");
    private static final Pattern STORED = Pattern.compile("(\\d+) states, stored");

    /**
     * One model, in one configuration ({@code defines}, spin -D switches that are not bugs),
     * and what SPIN must say about it. {@code witnessDefines} are switches added for the
     * witness runs only (a model that sets its witnesses' flags only when asked, because
     * sticky flags would enlarge the searches that prove it).
     */
    private record Model(String file, List<String> defines, String liveness, List<String> witnesses,
            List<String> witnessDefines, List<List<String>> bugs) {

        Model(String file, String liveness, List<String> witnesses, List<List<String>> bugs) {
            this(file, List.of(), liveness, witnesses, List.of(), bugs);
        }

        Model(String file, List<String> defines, String liveness, List<String> witnesses,
                List<List<String>> bugs) {
            this(file, defines, liveness, witnesses, List.of(), bugs);
        }

        String name() {
            return defines.isEmpty() ? file : file + " -D" + String.join(" -D", defines);
        }

        List<String> with(List<String> bug) {
            List<String> all = new ArrayList<>(defines);
            all.addAll(bug);
            return all;
        }
    }

    private static final List<Model> MODELS = List.of(
            new Model("rendezvous_write.pml", "all_writes_end", List.of("witness_done", "witness_not_done"),
                    List.of(List.of("BUG_ONE_BIT_SEQ"), List.of("BUG_NO_DEDUP"), List.of("BUG_ACK_EARLY"),
                            List.of("BUG_NO_RETRANSMIT"), List.of("BUG_WITHDRAW_NO_CONFIRM"))),
            new Model("alternation_offer.pml", "all_end", List.of("witness_remote", "witness_local_then_read"),
                    List.of(List.of("BUG_TWO_GUARDS"),
                            List.of("BUG_ACCEPT_AFTER_WITHDRAW", "BUG_IGNORE_WITHDRAW_WHILE_PROPOSED"))),
            new Model("alternation_both.pml", "all_end",
                    List.of("witness_communicate", "witness_walk_away", "witness_busy_then_taken"),
                    List.of(List.of("BUG_COMMIT_WITHOUT_HELD"), List.of("BUG_PROPOSE_WITHOUT_HOLD"),
                            List.of("BUG_BUSY_KEEPS_HOLD"))),
            new Model("poison_retire.pml", "all_end",
                    List.of("witness_poisoned", "witness_retired", "witness_done_after_retire",
                            "witness_poison_applied"),
                    List.of(List.of("BUG_NO_TERMINATED"), List.of("BUG_DONE_ON_TERMINATED"),
                            List.of("BUG_RETIRE_PER_CHANNEL"), List.of("BUG_POISON_DONE_ON_SEND"))),
            new Model("restart.pml", "all_writes_end",
                    List.of("witness_unknown", "witness_taken_unknown", "witness_new_done"),
                    List.of(List.of("BUG_ACK_FROM_OLD_INCARNATION"), List.of("BUG_RESTART_NOT_DONE"),
                            List.of("BUG_RESTART_KEEPS_OPS"))),
            // both nodes may restart: the configuration in which SPIN found the bug that
            // BUG_ADOPT_ANY_INCARNATION puts back (docs/SPIN.md)
            new Model("restart.pml", List.of("TWO_RESTARTS"), "all_writes_end", List.of("witness_both_new_done"),
                    List.of(List.of("BUG_ADOPT_ANY_INCARNATION"))),
            new Model("relay.pml", "all_end",
                    List.of("witness_uncond_taken", "witness_cond_taken", "witness_release_then_taken",
                            "witness_left_during_hold", "witness_unknown"),
                    List.of(List.of("BUG_READER_FIRST"), List.of("BUG_NO_RELEASE"), List.of("BUG_IGNORE_RELEASE"),
                            List.of("BUG_READER_DEQUEUED"), List.of("BUG_WITHDRAW_WHILE_HELD"),
                            List.of("BUG_TAKEN_REQUEUES"))),
            // writes ahead (credits); its witnesses' flags are set only with WITNESS, so that the
            // searches proving the model stay small (docs/SPIN.md, model (g))
            new Model("credits.pml", List.of(), "all_end",
                    List.of("witness_counted_then_revoked", "witness_zero_credit", "witness_drain_after_poison",
                            "witness_late_store", "witness_retire_drains", "witness_stranded"),
                    List.of("WITNESS"),
                    List.of(List.of("BUG_REVOKED_BEFORE_STORES"), List.of("BUG_CREDIT_WHILE_REVOKING"),
                            List.of("BUG_LOCAL_INTO_RESERVED"), List.of("BUG_READERS_FAILED_WHILE_RESERVED"),
                            List.of("BUG_STORE_UNANSWERED"), List.of("BUG_RETIRE_BEFORE_STORES"),
                            List.of("BUG_LAPSED_STORES_DROPPED"))));

    @TestFactory
    Stream<DynamicTest> everyModelVerifiesAndEverySeededBugIsCaught() {
        requireSpin();
        List<DynamicTest> tests = new ArrayList<>();
        for (Model m : MODELS) {
            tests.add(DynamicTest.dynamicTest(m.name() + " verifies (safety, liveness) and is not vacuous",
                    () -> verifies(m)));
            for (List<String> bug : m.bugs()) {
                tests.add(DynamicTest.dynamicTest(m.name() + " with " + String.join("+", bug) + " is caught",
                        () -> caught(m, bug)));
            }
        }
        return tests.stream();
    }

    private static void verifies(Model m) throws Exception {
        try (Work w = new Work(m.file(), m.defines())) {
            String safety = w.pan(false, "-m200000");
            assertClean(m.name() + " safety", safety);
            String live = w.pan(true, "-a", "-f", "-m200000", "-N", m.liveness());
            assertClean(m.name() + " liveness " + m.liveness(), live);
            if (m.witnessDefines().isEmpty()) {
                witnessesRefuted(m, w);
            }
        }
        if (!m.witnessDefines().isEmpty()) {
            try (Work w = new Work(m.file(), m.with(m.witnessDefines()))) {
                witnessesRefuted(m, w);
            }
        }
    }

    private static void witnessesRefuted(Model m, Work w) throws Exception {
        for (String witness : m.witnesses()) {
            String out = w.pan(true, "-a", "-m200000", "-N", witness);
            assertTrue(errors(out) > 0, m.name() + ": witness claim " + witness
                    + " was not refuted, so the model never reaches what it names:\n" + out);
        }
    }

    private static void caught(Model m, List<String> bug) throws Exception {
        try (Work w = new Work(m.file(), m.with(bug))) {
            String safety = w.pan(false, "-m200000");
            if (errors(safety) > 0) {
                return;
            }
            String live = w.pan(true, "-a", "-f", "-m200000", "-N", m.liveness());
            assertTrue(errors(live) > 0, m.name() + " with " + bug + " was not caught.\nsafety:\n" + safety
                    + "\nliveness:\n" + live);
        }
    }

    private static void assertClean(String what, String out) {
        assertTrue(out.contains("errors: 0"), what + " found errors:\n" + out);
        assertTrue(!out.contains("search depth too small"), what + " was truncated by the depth bound:\n" + out);
        Matcher stored = STORED.matcher(out);
        assertTrue(stored.find() && Long.parseLong(stored.group(1)) > 0, what + " explored nothing:\n" + out);
    }

    private static int errors(String out) {
        Matcher e = ERRORS.matcher(out);
        if (!e.find()) {
            fail("pan printed no error count:\n" + out);
        }
        return Integer.parseInt(e.group(1));
    }

    private static void requireSpin() {
        try {
            Process p = new ProcessBuilder("spin", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("spin -V did not run cleanly; install SPIN with: apt-get install -y spin");
            }
        } catch (IOException e) {
            fail("SPIN is not installed (" + e.getMessage() + "); install it with: apt-get install -y spin");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while looking for spin");
        }
    }

    /** A temporary directory holding the model sources, the generated verifier and its output. */
    private static final class Work implements AutoCloseable {
        private final Path dir;
        private final String file;
        private final List<String> defines;
        private boolean generated;

        Work(String file, List<String> switches) throws IOException {
            this.dir = Files.createTempDirectory("parley-spin-");
            this.file = file;
            this.defines = switches.stream().map(b -> "-D" + b).toList();
            try (Stream<Path> sources = Files.list(SOURCES)) {
                for (Path p : sources.filter(p -> p.toString().endsWith(".pml")).toList()) {
                    Files.copy(p, dir.resolve(p.getFileName()));
                }
            }
        }

        /** Runs pan with or without the model's LTL claims compiled in, and returns its output. */
        String pan(boolean withClaims, String... args) throws Exception {
            if (!generated) {
                List<String> spin = new ArrayList<>(List.of("spin"));
                spin.addAll(defines);
                spin.addAll(List.of("-a", file));
                run(spin);
                generated = true;
            }
            String binary = withClaims ? "pan-claims" : "pan-safety";
            // compiled once, when first needed; -O0: gcc at -O1 takes ~8 s on pan.c, more than
            // the faster search saves on these state spaces (measured 2026-12-04, docs/SPIN.md)
            if (!Files.exists(dir.resolve(binary))) {
                run(List.of("gcc", "-O0", "-w", withClaims ? "-DNFAIR=3" : "-DNOCLAIM", "-o", binary, "pan.c"));
            }
            List<String> cmd = new ArrayList<>(List.of("./" + binary, "-w22"));
            cmd.addAll(List.of(args));
            return run(cmd);
        }

        private String run(List<String> cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(STEP_TIMEOUT_S, TimeUnit.SECONDS)) {
                    fail(String.join(" ", cmd) + " took longer than " + STEP_TIMEOUT_S + " s in " + dir);
                }
                if (p.exitValue() != 0) {
                    fail(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + out);
                }
                return out;
            } finally {
                p.destroyForcibly();
            }
        }

        @Override
        public void close() throws IOException {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
