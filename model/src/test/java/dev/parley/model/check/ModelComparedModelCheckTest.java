package dev.parley.model.check;

import dev.parley.model.CoreRunner;
import dev.parley.model.Model;
import dev.parley.model.Outcome;
import dev.parley.model.Outcome.Ending;
import dev.parley.model.Program;
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
import dev.parley.model.Program.Write;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.parley.model.check.Scenarios.check;
import static dev.parley.model.check.Scenarios.explore;

/**
 * The real core under Lincheck's model checker, judged by the reference model: each scenario is
 * a {@link Program}, every explored interleaving runs it on platform threads through
 * {@link CoreRunner#runUnwatched}, and the outcome seen must be one of {@link Model#outcomes}.
 * Every program here is one the model says always ends (no outcome has a BLOCKED process), so
 * a hang that Lincheck finds is a failure too.
 *
 * <p>{@code CoreRunner} and {@code Parallel.run} make each explored interleaving long (with 40
 * interleavings these six took 34 to 104 s each on this shared 2-core machine), so the default
 * run explores {@value #QUICK_INVOCATIONS} interleavings of each, and
 * {@code -Dparley.model.lincheck.compare=true} explores {@value #FULL_INVOCATIONS} (docs/MODEL.md).
 */
class ModelComparedModelCheckTest {

    private static final int QUICK_INVOCATIONS = 6;
    private static final int FULL_INVOCATIONS = 40;
    private static final int INVOCATIONS = Boolean.getBoolean("parley.model.lincheck.compare")
            ? FULL_INVOCATIONS : QUICK_INVOCATIONS;
    private static final int MAX_STATES = 200_000;

    @Test
    void twoRendezvousWritersAndAReaderOfTwoShowOnlyOutcomesTheModelAllows() {
        judge(List.of(0), List.of(
                List.of(new Write(0, 1)),
                List.of(new Write(0, 2)),
                List.of(new Read(0), new Read(0))));
    }

    @Test
    void writerAlternationAgainstReaderAlternationShowsOnlyOutcomesTheModelAllows() {
        judge(List.of(0, 0), List.of(
                List.of(new Select(Order.ARBITRARY, List.of(new Out(0, 1, true), new Out(1, 2, true)))),
                List.of(new Select(Order.PRI, List.of(new In(0, true), new In(1, true))))));
    }

    @Test
    void aBufferDrainedAfterItsWriterPoisonedShowsOnlyOutcomesTheModelAllows() {
        judge(List.of(1), List.of(
                List.of(new Write(0, 1), new Write(0, 2), new Poison(0, Side.WRITER)),
                List.of(new Read(0), new Read(0), new Read(0))));
    }

    @Test
    void poisonFromAThirdEndRacingWithAnExchangeShowsOnlyOutcomesTheModelAllows() {
        judge(List.of(0), List.of(
                List.of(new Write(0, 5)),
                List.of(new Read(0)),
                List.of(new Poison(0, Side.READER))));
    }

    @Test
    void retireCountedPerEndShowsOnlyOutcomesTheModelAllows() {
        judge(List.of(0), List.of(
                List.of(new Retire(0, Side.WRITER)),
                List.of(new Write(0, 3), new Retire(0, Side.WRITER)),
                List.of(new Read(0), new Read(0))));
    }

    @Test
    void priSelectWithSkipAndFairSelectOverBuffersShowOnlyOutcomesTheModelAllows() {
        Select fair = new Select(Order.FAIR, List.of(new In(0, true), new In(1, true)));
        judge(List.of(2, 2), List.of(
                List.of(new Write(0, 1), new Write(0, 2), new Write(1, 3), new Write(1, 4)),
                List.of(new Select(Order.PRI, List.of(new In(0, true), new Skip(true))), fair, fair)));
    }

    private static void judge(List<Integer> capacities, List<List<Op>> processes) {
        Program program = new Program(capacities, processes);
        Set<Outcome> allowed = new Model(program).outcomes(MAX_STATES);
        boolean alwaysEnds = allowed.stream().flatMap(o -> o.processes().stream())
                .noneMatch(p -> p.ending() == Ending.BLOCKED);
        if (!alwaysEnds) {
            throw new IllegalArgumentException("the model lets this program block, so Lincheck would call it hung:\n"
                    + program);
        }
        explore(INVOCATIONS, () -> {
            CoreRunner.Run run = CoreRunner.runUnwatched(program, Scenarios.PLATFORM);
            check(run.problems().isEmpty(), "the run has no problems beyond its outcome", "problems", run.problems());
            check(allowed.contains(run.outcome()), "the real outcome is one the model allows",
                    "program", program, "outcome", run.outcome(), "allowed", allowed);
        });
    }
}
