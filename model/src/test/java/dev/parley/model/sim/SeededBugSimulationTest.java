package dev.parley.model.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.SeededBug;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proof that the simulation bites: with each of the protocol's seeded bugs switched on, some
 * seed of the CI budget fails the checks. The seed, the shrunk schedule and the replay
 * commands are printed.
 */
class SeededBugSimulationTest {

    @ParameterizedTest
    @EnumSource(SeededBug.class)
    void eachSeededProtocolBugIsFoundWithinTheCiSeedBudget(SeededBug bug) {
        Set<SeededBug> bugs = Set.of(bug);
        SimCampaign.Result result = SimCampaign.run(1, SimulationTest.CI_SEEDS, Long.MAX_VALUE, bugs);
        assertNotNull(result.failure(), bug + " was not found in " + result.seedsRun() + " seeds");
        Simulator.Run shrunk = SimCampaign.shrink(result.failure(), bugs, 60);
        assertTrue(shrunk.failed(), "the shrunk run still fails");
        assertTrue(shrunk.schedule().size() <= result.failure().schedule().size(), "shrinking never grows");
        System.out.println("seeded bug " + bug + " found at seed " + result.failure().seed() + " after "
                + result.seedsRun() + " seeds\n" + SimCampaign.describe(result.failure(), shrunk, bugs));
        assertFalse(Simulator.run(result.failure().seed(), Set.of()).failed(),
                "the same seed passes without the bug, so the bug is what it found");
    }
}
