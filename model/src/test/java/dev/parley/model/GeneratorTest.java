package dev.parley.model;

import dev.parley.model.Program.Op;
import dev.parley.model.Program.Select;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator is deterministic per seed and, over a few hundred seeds, uses every kind. */
class GeneratorTest {

    @Test
    void theSameSeedGivesTheSameProgram() {
        assertEquals(Generator.program(42), Generator.program(42));
    }

    @Test
    void aFewHundredSeedsUseEveryOperationGuardOrderAndChannelKind() {
        Set<String> kinds = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            Program program = Generator.program(seed);
            program.capacities().forEach(c -> kinds.add(c == 0 ? "rendezvous" : "buffered"));
            for (List<Op> ops : program.processes()) {
                for (Op op : ops) {
                    kinds.add(op.getClass().getSimpleName());
                    if (op instanceof Select s) {
                        kinds.add(s.order().name());
                        s.guards().forEach(g -> kinds.add(g.getClass().getSimpleName() + (g.enabled() ? "" : "!")));
                    }
                }
            }
        }
        Set<String> all = Set.of("rendezvous", "buffered", "Write", "Read", "TimedWrite", "TimedRead", "Select",
                "Poison", "Retire", "ARBITRARY", "PRI", "FAIR", "In", "Out", "Timeout", "Skip", "In!", "Out!",
                "Timeout!", "Skip!");
        assertTrue(kinds.containsAll(all), () -> "missing " + all.stream().filter(k -> !kinds.contains(k)).toList());
    }
}
