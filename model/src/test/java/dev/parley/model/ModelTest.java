package dev.parley.model;

import dev.parley.model.Outcome.Ending;
import dev.parley.model.Outcome.ProcessOutcome;
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
import dev.parley.model.Program.Timeout;
import dev.parley.model.Program.TimedRead;
import dev.parley.model.Program.Write;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's outcome sets for small programs whose meaning SEMANTICS states outright. */
class ModelTest {

    private static Set<Outcome> outcomes(List<Integer> capacities, List<List<Op>> processes) {
        Model model = new Model(new Program(capacities, processes));
        return model.explore(100_000, (state, next) -> {
            List<String> violations = Invariants.check(model, state, next);
            assertTrue(violations.isEmpty(), () -> violations + " in " + state);
        }).outcomes();
    }

    /** @return the set of one process's outcomes, as text */
    private static Set<String> of(Set<Outcome> outcomes, int process) {
        return outcomes.stream().map(o -> o.processes().get(process).toString()).collect(Collectors.toSet());
    }

    private static Select select(Order order, Guard... guards) {
        return new Select(order, List.of(guards));
    }

    @Test
    void aRendezvousHandsTheValueToTheReaderAndBothFinish() {
        Set<Outcome> all = outcomes(List.of(0), List.of(List.of(new Write(0, 7)), List.of(new Read(0))));
        assertEquals(Set.of("[wrote] FINISHED"), of(all, 0));
        assertEquals(Set.of("[got 7] FINISHED"), of(all, 1));
    }

    @Test
    void aReadWithNoWriterBlocksForever() {
        Set<Outcome> all = outcomes(List.of(0), List.of(List.of(new Read(0))));
        assertEquals(Set.of("[] BLOCKED"), of(all, 0));
    }

    @Test
    void aBufferDeliversOldestFirstAndAWriteReturnsOnceStored() {
        Set<Outcome> all = outcomes(List.of(2),
                List.of(List.of(new Write(0, 1), new Write(0, 2)), List.of(new Read(0), new Read(0))));
        assertEquals(Set.of("[wrote, wrote] FINISHED"), of(all, 0));
        assertEquals(Set.of("[got 1, got 2] FINISHED"), of(all, 1));
    }

    @Test
    void afterAWriterPoisonsReadersDrainTheBufferThenSeePoison() {
        Set<Outcome> all = outcomes(List.of(2), List.of(
                List.of(new Write(0, 1), new Write(0, 2), new Poison(0, Side.WRITER)),
                List.of(new Read(0), new Read(0), new Read(0))));
        assertEquals(Set.of("[got 1, got 2, threw POISON] STOPPED"), of(all, 1));
    }

    @Test
    void aReaderPoisonDiscardsTheBuffer() {
        Set<Outcome> all = outcomes(List.of(1), List.of(
                List.of(new Write(0, 1), new Poison(0, Side.READER)),
                List.of(new Read(0))));
        assertEquals(Set.of("[got 1] FINISHED", "[threw POISON] STOPPED"), of(all, 1));
    }

    @Test
    void theChannelRetiresOnlyWhenEveryWriterEndHasRetired() {
        Set<Outcome> one = outcomes(List.of(0), List.of(
                List.of(new Retire(0, Side.WRITER)), List.of(new Write(0, 5)), List.of(new Read(0))));
        assertEquals(Set.of("[got 5] FINISHED"), of(one, 2));
        Set<Outcome> both = outcomes(List.of(0), List.of(
                List.of(new Retire(0, Side.WRITER)), List.of(new Retire(0, Side.WRITER)), List.of(new Read(0))));
        assertEquals(Set.of("[threw RETIRED] STOPPED"), of(both, 2));
    }

    @Test
    void anOperationOnAnEndThatRetiredThrowsAtOnceThoughTheChannelLives() {
        Set<Outcome> all = outcomes(List.of(1), List.of(
                List.of(new Retire(0, Side.WRITER), new Write(0, 1)), List.of(new Write(0, 2))));
        assertEquals(Set.of("[done, threw RETIRED] STOPPED"), of(all, 0));
        assertEquals(Set.of("[wrote] FINISHED"), of(all, 1));
    }

    @Test
    void priSelectChoosesTheFirstReadyGuardAndArbitraryAnyReadyOne() {
        List<Op> fill = List.of(new Write(0, 1), new Write(1, 2));
        Guard in0 = new In(0, true);
        Guard in1 = new In(1, true);
        Set<Outcome> pri = outcomes(List.of(1, 1), List.of(concat(fill, select(Order.PRI, in0, in1))));
        assertEquals(Set.of("[wrote, wrote, fired 0 got 1] FINISHED"), of(pri, 0));
        Set<Outcome> any = outcomes(List.of(1, 1), List.of(concat(fill, select(Order.ARBITRARY, in0, in1))));
        assertEquals(Set.of("[wrote, wrote, fired 0 got 1] FINISHED", "[wrote, wrote, fired 1 got 2] FINISHED"),
                of(any, 0));
    }

    @Test
    void fairSelectRotatesPastTheGuardItChoseLast() {
        Select fair = select(Order.FAIR, new In(0, true), new In(1, true));
        List<Op> ops = List.of(new Write(0, 1), new Write(0, 3), new Write(1, 2), new Write(1, 4), fair, fair, fair);
        Set<Outcome> all = outcomes(List.of(2, 2), List.of(ops));
        assertEquals(Set.of("[wrote, wrote, wrote, wrote, fired 0 got 1, fired 1 got 2, fired 0 got 3] FINISHED"),
                of(all, 0));
    }

    @Test
    void skipFiresWhenNothingEarlierIsReadyAndADisabledGuardNeverFires() {
        Set<Outcome> all = outcomes(List.of(1), List.of(
                List.of(new Write(0, 1), select(Order.PRI, new In(0, false), new Skip(true)))));
        assertEquals(Set.of("[wrote, fired 1] FINISHED"), of(all, 0));
    }

    @Test
    void timeoutsFireOnlyWhenNothingElseDidAndTheShortestFires() {
        Set<Outcome> all = outcomes(List.of(0), List.of(
                List.of(select(Order.PRI, new In(0, true), new Timeout(20, true), new Timeout(10, true))),
                List.of(new TimedRead(0, 5))));
        assertEquals(Set.of("[fired 2] FINISHED"), of(all, 0));
        assertEquals(Set.of("[timed out] FINISHED"), of(all, 1));
    }

    @Test
    void alternationsOnBothSidesOfTwoChannelsAlwaysMeet() {
        Set<Outcome> all = outcomes(List.of(0, 0), List.of(
                List.of(select(Order.ARBITRARY, new Out(0, 1, true), new Out(1, 2, true))),
                List.of(select(Order.PRI, new In(0, true), new In(1, true)))));
        assertEquals(Set.of("[fired 0] FINISHED", "[fired 1] FINISHED"), of(all, 0));
        assertEquals(Set.of("[fired 0 got 1] FINISHED", "[fired 1 got 2] FINISHED"), of(all, 1));
        assertEquals(2, all.size());
    }

    @Test
    void aPoisonThatEscapesAProcessPoisonsEveryEndItOwns() {
        Set<Outcome> all = outcomes(List.of(0, 0), List.of(
                List.of(new Read(0), new Write(1, 9)),
                List.of(new Read(1)),
                List.of(new Poison(0, Side.WRITER))));
        assertEquals(Set.of("[threw POISON] STOPPED"), of(all, 0));
        assertEquals(Set.of("[threw POISON] STOPPED"), of(all, 1));
    }

    @Test
    void everyTerminalStateOfAProgramIsOneOutcome() {
        Set<Outcome> all = outcomes(List.of(0), List.of(List.of(new Write(0, 1)), List.of(new Read(0)),
                List.of(new Read(0))));
        assertEquals(2, all.size());
        assertTrue(all.stream().allMatch(o -> o.processes().stream().map(ProcessOutcome::ending)
                .filter(e -> e == Ending.BLOCKED).count() == 1));
    }

    private static List<Op> concat(List<Op> first, Op last) {
        return java.util.stream.Stream.concat(first.stream(), java.util.stream.Stream.of(last)).toList();
    }
}
