package dev.parley.model.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.SeededBug;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A campaign counts its seeds, stops at a failure, and shrinks it to a smaller failing schedule. */
class SimCampaignTest {

    @Test
    void aCampaignOverGoodSeedsRunsThemAllAndFindsNothing() {
        SimCampaign.Result r = SimCampaign.run(100, 20, Long.MAX_VALUE, Set.of());
        assertNull(r.failure(), () -> String.valueOf(r.failure().violations()));
        assertEquals(20, r.seedsRun());
    }

    @Test
    void aFailureIsShrunkToASmallerScheduleThatStillFailsAndReplaysFromItsCommand() {
        Set<SeededBug> bugs = Set.of(SeededBug.WITHDRAW_WITHOUT_CONFIRMATION);
        SimCampaign.Result r = SimCampaign.run(1, 50, Long.MAX_VALUE, bugs);
        assertNotNull(r.failure(), "the bug is found in 50 seeds");
        Simulator.Run shrunk = SimCampaign.shrink(r.failure(), bugs, 40);
        assertTrue(shrunk.failed());
        assertTrue(shrunk.schedule().size() < r.failure().schedule().size(), () -> "not smaller: " + shrunk.schedule()
                + " from " + r.failure().schedule());
        String command = SimCampaign.replayCommand(shrunk.seed(), shrunk.schedule(), bugs);
        String printed = command.substring(command.indexOf("-Dparley.sim.schedule=") + 22, command.length() - 1);
        Simulator.Run replayed = Simulator.run(shrunk.seed(), FaultSchedule.parse(printed), bugs);
        assertEquals(shrunk.violations(), replayed.violations(), "the printed command replays the shrunk run");
        assertTrue(command.contains("-Dparley.sim.bugs=WITHDRAW_WITHOUT_CONFIRMATION"), command);
    }
}
