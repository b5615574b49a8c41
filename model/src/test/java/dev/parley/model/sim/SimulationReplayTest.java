package dev.parley.model.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.SeededBug;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays one seed, as a failing run's message says: {@code -Dparley.sim.seed=N}, optionally
 * {@code -Dparley.sim.bugs=NO_DEDUP,...} and {@code -Dparley.sim.schedule='...'} (a printed
 * schedule; without it, the seed's own).
 */
@EnabledIfSystemProperty(named = "parley.sim.seed", matches = "-?\\d+")
class SimulationReplayTest {

    @Test
    void theGivenSeedPassesTheHistoryChecks() {
        long seed = Long.parseLong(System.getProperty("parley.sim.seed"));
        Set<SeededBug> bugs = bugs(System.getProperty("parley.sim.bugs", ""));
        String text = System.getProperty("parley.sim.schedule");
        FaultSchedule schedule = text == null ? Simulator.scheduleOf(seed) : FaultSchedule.parse(text);
        Simulator.Run run = Simulator.run(seed, schedule, bugs);
        System.out.println("seed " + seed + " schedule: " + schedule);
        System.out.println("stats: " + run.stats());
        if (Boolean.getBoolean("parley.sim.printHistory")) {
            run.history().ops().forEach(op -> System.out.println("history " + op));
        }
        run.violations().forEach(v -> System.out.println("violation " + v));
        assertTrue(run.violations().isEmpty(), () -> run.violations().size() + " violations, first: "
                + run.violations().get(0));
    }

    static Set<SeededBug> bugs(String list) {
        Set<SeededBug> out = EnumSet.noneOf(SeededBug.class);
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                out.add(SeededBug.valueOf(name.trim()));
            }
        }
        return out;
    }
}
