package dev.parley.model;

import dev.parley.model.Program.Poison;
import dev.parley.model.Program.Read;
import dev.parley.model.Program.Side;
import dev.parley.model.Program.Write;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner reports what the core did, finds deadlocks, and leaves no thread behind. */
class CoreRunnerTest {

    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ThreadFactory recording = task -> {
        Thread thread = Thread.ofVirtual().unstarted(task);
        threads.add(thread);
        return thread;
    };

    private CoreRunner.Run run(Program program) throws InterruptedException {
        return CoreRunner.run(program, recording, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    @Test
    void aRendezvousRunsToTheOutcomeTheModelPredicts() throws InterruptedException {
        Program program = new Program(List.of(0), List.of(List.of(new Write(0, 7)), List.of(new Read(0))));
        CoreRunner.Run run = run(program);
        assertEquals(List.of(), run.problems());
        assertFalse(run.deadlocked());
        assertEquals(new Model(program).outcomes(1000), java.util.Set.of(run.outcome()));
    }

    @Test
    void aDeadlockedRunIsReportedBlockedAndItsThreadsEnd() throws InterruptedException {
        Program program = new Program(List.of(0, 0), List.of(List.of(new Read(0)), List.of(new Read(1))));
        CoreRunner.Run run = run(program);
        assertTrue(run.deadlocked());
        assertEquals(List.of(), run.problems());
        assertEquals("  p0: [] BLOCKED\n  p1: [] BLOCKED", run.outcome().toString());
        assertEquals(2, threads.size());
        assertTrue(threads.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void aPoisonThatEscapesStopsTheProcessAndReachesItsNeighbour() throws InterruptedException {
        Program program = new Program(List.of(0, 0), List.of(
                List.of(new Poison(0, Side.WRITER)), List.of(new Read(0), new Write(1, 1)), List.of(new Read(1))));
        CoreRunner.Run run = run(program);
        assertEquals(List.of(), run.problems());
        assertEquals("  p0: [done] FINISHED\n  p1: [threw POISON] STOPPED\n  p2: [threw POISON] STOPPED",
                run.outcome().toString());
    }

    @Test
    void anUnwatchedRunOnPlatformThreadsGivesTheSameOutcome() {
        Program program = new Program(List.of(1), List.of(List.of(new Write(0, 3), new Write(0, 4)),
                List.of(new Read(0), new Read(0))));
        CoreRunner.Run run = CoreRunner.runUnwatched(program, Thread.ofPlatform().factory());
        assertEquals(List.of(), run.problems());
        assertEquals("  p0: [wrote, wrote] FINISHED\n  p1: [got 3, got 4] FINISHED", run.outcome().toString());
    }
}
