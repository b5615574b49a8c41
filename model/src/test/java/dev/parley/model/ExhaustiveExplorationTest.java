package dev.parley.model;

import dev.parley.model.Model.Exploration;
import dev.parley.model.Program.Guard;
import dev.parley.model.Program.In;
import dev.parley.model.Program.Op;
import dev.parley.model.Program.Order;
import dev.parley.model.Program.Out;
import dev.parley.model.Program.Poison;
import dev.parley.model.Program.Read;
import dev.parley.model.Program.Retire;
import dev.parley.model.Program.Select;
import dev.parley.model.Program.Side;
import dev.parley.model.Program.Skip;
import dev.parley.model.Program.TimedRead;
import dev.parley.model.Program.TimedWrite;
import dev.parley.model.Program.Timeout;
import dev.parley.model.Program.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Explores every interleaving of many small programs in the model and checks every invariant in
 * every reachable state, so that the model is trusted before it judges the core. The bound of the
 * systematic part is {@code -Dparley.model.exhaustive.ops} (default 3: every program of up to 3
 * operations in up to 3 processes over 2 channels); the sampled part runs
 * {@code -Dparley.model.exhaustive.samples} (default 20) seeded programs of 3 processes with 4
 * operations each over 2 channels, from {@code -Dparley.model.seed} (default 1).
 */
class ExhaustiveExplorationTest {

    private static final int MAX_STATES = 2_000_000;

    /** The operation kinds of the systematic enumeration; a process's values come from its position. */
    static final List<BiFunction<Integer, Integer, Op>> ALPHABET = alphabet();

    private static List<BiFunction<Integer, Integer, Op>> alphabet() {
        List<BiFunction<Integer, Integer, Op>> kinds = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int ch = c;
            kinds.add((p, i) -> new Write(ch, value(p, i)));
            kinds.add((p, i) -> new Read(ch));
            kinds.add((p, i) -> new TimedWrite(ch, value(p, i), 5));
            kinds.add((p, i) -> new TimedRead(ch, 5));
            for (Side side : Side.values()) {
                kinds.add((p, i) -> new Poison(ch, side));
                kinds.add((p, i) -> new Retire(ch, side));
            }
        }
        kinds.add((p, i) -> select(Order.PRI, new In(0, true), new In(1, true)));
        kinds.add((p, i) -> select(Order.ARBITRARY, new In(0, true), new Out(1, value(p, i), true)));
        kinds.add((p, i) -> select(Order.FAIR, new Out(0, value(p, i), true), new In(1, true)));
        kinds.add((p, i) -> select(Order.PRI, new In(0, true), new Skip(true)));
        kinds.add((p, i) -> select(Order.FAIR, new Out(1, value(p, i), true), new Timeout(5, true)));
        kinds.add((p, i) -> select(Order.ARBITRARY, new In(1, false), new Out(0, value(p, i), true), new Skip(false)));
        return kinds;
    }

    private static int value(int process, int index) {
        return 10 * (process + 1) + index;
    }

    private static Select select(Order order, Guard... guards) {
        return new Select(order, List.of(guards));
    }

    private static final List<List<Integer>> CHANNEL_KINDS = List.of(List.of(0, 0), List.of(0, 1), List.of(1, 2));

    /** Counts over many explorations. */
    static final class Tally {
        long programs;
        long states;
        long steps;
        long outcomes;
        int largest;

        void add(Program program) {
            Model model = new Model(program);
            Exploration seen = model.explore(MAX_STATES, (state, next) -> {
                List<String> violations = Invariants.check(model, state, next);
                assertTrue(violations.isEmpty(), () -> violations + "\nin " + state + "\nof\n" + program);
            });
            programs++;
            states += seen.states();
            steps += seen.steps();
            outcomes += seen.outcomes().size();
            largest = Math.max(largest, seen.states());
            assertTrue(!seen.outcomes().isEmpty(), () -> "no terminal state for\n" + program);
        }

        @Override
        public String toString() {
            return programs + " programs, " + states + " states, " + steps + " steps, " + outcomes
                    + " outcomes, largest " + largest + " states";
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 6, unit = TimeUnit.HOURS, threadMode = ThreadMode.SAME_THREAD)
    void everyInvariantHoldsInEveryStateOfEveryProgramUpToTheBound() {
        int maxOps = Integer.getInteger("parley.model.exhaustive.ops", 3);
        Tally tally = new Tally();
        long startNs = System.nanoTime();
        for (List<Integer> capacities : CHANNEL_KINDS) {
            for (int ops = 1; ops <= maxOps; ops++) {
                for (List<Integer> sizes : splits(ops, 3)) {
                    enumerate(capacities, sizes, new ArrayList<>(), tally);
                }
            }
        }
        System.out.printf("exhaustive, up to %d operations in up to 3 processes, 2 channels: %s in %d ms%n",
                maxOps, tally, (System.nanoTime() - startNs) / 1_000_000);
        assertTrue(tally.programs > 0);
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 6, unit = TimeUnit.HOURS, threadMode = ThreadMode.SAME_THREAD)
    void everyInvariantHoldsInEveryStateOfSampledProgramsOfThreeProcessesWithFourOperations() {
        int samples = Integer.getInteger("parley.model.exhaustive.samples", 20);
        long seed = Long.getLong("parley.model.seed", 1L);
        Random random = new Random(seed);
        Tally tally = new Tally();
        long startNs = System.nanoTime();
        for (int n = 0; n < samples; n++) {
            List<Integer> capacities = CHANNEL_KINDS.get(random.nextInt(CHANNEL_KINDS.size()));
            List<List<Op>> processes = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                List<Op> ops = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ops.add(ALPHABET.get(random.nextInt(ALPHABET.size())).apply(p, i));
                }
                processes.add(ops);
            }
            tally.add(new Program(capacities, processes));
        }
        System.out.printf("sampled, seed %d, 3 processes x 4 operations, 2 channels: %s in %d ms%n",
                seed, tally, (System.nanoTime() - startNs) / 1_000_000);
        assertEquals(samples, tally.programs);
    }

    // Every program with these process sizes; processes of equal size come in non-decreasing order.
    private static void enumerate(List<Integer> capacities, List<Integer> sizes, List<List<Integer>> chosen,
                                  Tally tally) {
        int p = chosen.size();
        if (p == sizes.size()) {
            List<List<Op>> processes = new ArrayList<>();
            for (int q = 0; q < chosen.size(); q++) {
                List<Op> ops = new ArrayList<>();
                for (int i = 0; i < chosen.get(q).size(); i++) {
                    ops.add(ALPHABET.get(chosen.get(q).get(i)).apply(q, i));
                }
                processes.add(ops);
            }
            tally.add(new Program(capacities, processes));
            return;
        }
        for (List<Integer> word : words(sizes.get(p))) {
            if (p > 0 && sizes.get(p).equals(sizes.get(p - 1)) && compare(word, chosen.get(p - 1)) < 0) {
                continue;
            }
            chosen.add(word);
            enumerate(capacities, sizes, chosen, tally);
            chosen.remove(chosen.size() - 1);
        }
    }

    private static List<List<Integer>> words(int length) {
        List<List<Integer>> words = new ArrayList<>();
        words.add(List.of());
        for (int i = 0; i < length; i++) {
            List<List<Integer>> longer = new ArrayList<>();
            for (List<Integer> w : words) {
                for (int k = 0; k < ALPHABET.size(); k++) {
                    List<Integer> next = new ArrayList<>(w);
                    next.add(k);
                    longer.add(next);
                }
            }
            words = longer;
        }
        return words;
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    // The sizes of up to maxProcesses non-empty processes, non-increasing, that add up to total.
    static List<List<Integer>> splits(int total, int maxProcesses) {
        List<List<Integer>> splits = new ArrayList<>();
        split(total, total, maxProcesses, new ArrayList<>(), splits);
        return splits;
    }

    private static void split(int left, int max, int slots, List<Integer> prefix, List<List<Integer>> out) {
        if (left == 0) {
            out.add(List.copyOf(prefix));
            return;
        }
        if (slots == 0) {
            return;
        }
        for (int size = Math.min(left, max); size >= 1; size--) {
            prefix.add(size);
            split(left - size, size, slots - 1, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    @Test
    void theSplitsOfThreeOperationsAreThreeOnesTwoPlusOneAndThree() {
        assertEquals(List.of(List.of(3), List.of(2, 1), List.of(1, 1, 1)), splits(3, 3));
    }
}
