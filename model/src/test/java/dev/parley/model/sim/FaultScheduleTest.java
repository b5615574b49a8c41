package dev.parley.model.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A fault schedule is data: generated from a seed, printed, parsed back and shrunk. */
class FaultScheduleTest {

    @Test
    void theSameSeedMakesTheSameSchedule() {
        assertEquals(Simulator.scheduleOf(17), Simulator.scheduleOf(17));
    }

    @Test
    void aPrintedScheduleParsesBackToItself() {
        for (long seed = 1; seed <= 200; seed++) {
            FaultSchedule s = Simulator.scheduleOf(seed);
            assertEquals(s, FaultSchedule.parse(s.toString()), "seed " + seed);
        }
    }

    @Test
    void everyTimedFaultEndsByTheHorizon() {
        for (long seed = 1; seed <= 200; seed++) {
            assertTrue(Simulator.scheduleOf(seed).endNs() <= Simulator.HORIZON_NS, "seed " + seed);
        }
    }

    @Test
    void shrinkCandidatesAreEachSmaller() {
        FaultSchedule s = Simulator.scheduleOf(6);
        assertTrue(s.faults().size() > 0, "seed 6 has timed faults: " + s);
        for (FaultSchedule smaller : s.shrinkCandidates()) {
            assertTrue(smaller.size() < s.size(), smaller + " is not smaller than " + s);
        }
    }

    @Test
    void anEntryThatIsNotUnderstoodIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FaultSchedule.parse("crash n0:7000 atMs=oops"));
        assertTrue(e.getMessage().contains("crash n0:7000 atMs=oops"), e.getMessage());
    }
}
