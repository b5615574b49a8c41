package dev.parley.model;

import dev.parley.model.Program.Op;
import dev.parley.model.Program.Poison;
import dev.parley.model.Program.Read;
import dev.parley.model.Program.Side;
import dev.parley.model.Program.Write;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shrinker reduces a known-failing predicate to its minimum. */
class ShrinkerTest {

    @Test
    void aProgramFailingWhenAnyProcessReadsAndAnotherPoisonsShrinksToThoseTwoOperations() {
        Predicate<Program> fails = p -> {
            List<List<Op>> procs = p.processes();
            for (int a = 0; a < procs.size(); a++) {
                for (int b = 0; b < procs.size(); b++) {
                    if (a != b && procs.get(a).stream().anyMatch(Read.class::isInstance)
                            && procs.get(b).stream().anyMatch(Poison.class::isInstance)) {
                        return true;
                    }
                }
            }
            return false;
        };
        long failingSeed = -1;
        for (long seed = 0; failingSeed < 0; seed++) {
            Program p = Generator.program(seed);
            if (fails.test(p) && p.processes().stream().mapToInt(List::size).sum() >= 6) {
                failingSeed = seed;
            }
        }
        Shrinker.Shrunk shrunk = Shrinker.shrink(Generator.program(failingSeed), fails, 10_000);
        List<List<Op>> procs = shrunk.program().processes();
        assertEquals(2, procs.size(), shrunk.program()::toString);
        assertEquals(1, procs.get(0).size() * procs.get(1).size(), shrunk.program()::toString);
        assertTrue(fails.test(shrunk.program()));
    }

    @Test
    void valuesShrinkToTheSmallestThatStillFails() {
        Program big = new Program(List.of(2, 0), List.of(
                List.of(new Write(0, 40), new Write(1, 17)), List.of(new Read(0), new Poison(1, Side.READER))));
        Predicate<Program> fails = p -> p.processes().stream().flatMap(List::stream)
                .anyMatch(op -> op instanceof Write w && w.value() >= 5);
        Shrinker.Shrunk shrunk = Shrinker.shrink(big, fails, 10_000);
        assertEquals(new Program(List.of(0), List.of(List.of(new Write(0, 5)))), shrunk.program());
    }

    @Test
    void theShrinkerStopsAfterItsAttemptBudget() {
        Program big = Generator.program(7);
        Shrinker.Shrunk shrunk = Shrinker.shrink(big, p -> true, 3);
        assertEquals(3, shrunk.attempts());
    }
}
