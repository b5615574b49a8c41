package dev.parley.model;

import dev.parley.model.Outcome.Fired;
import dev.parley.model.Program.In;
import dev.parley.model.Program.Op;
import dev.parley.model.Program.Order;
import dev.parley.model.Program.Out;
import dev.parley.model.Program.Poison;
import dev.parley.model.Program.Read;
import dev.parley.model.Program.Select;
import dev.parley.model.Program.Side;
import dev.parley.model.Program.Write;
import dev.parley.model.State.Chan;
import dev.parley.model.State.Delivery;
import dev.parley.model.State.Msg;
import dev.parley.model.State.Phase;
import dev.parley.model.State.Proc;
import dev.parley.model.State.Termination;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each invariant bites: a state broken by hand, as a wrong step would leave it, violates it. */
class InvariantsTest {

    private static Model model(List<Integer> capacities, List<List<Op>> processes) {
        return new Model(new Program(capacities, processes));
    }

    /** @return the first reachable state of {@code model} that satisfies {@code wanted} */
    private static State reach(Model model, Predicate<State> wanted) {
        AtomicReference<State> found = new AtomicReference<>();
        model.explore(100_000, (state, next) -> {
            if (found.get() == null && wanted.test(state)) {
                found.set(state);
            }
        });
        assertNotNull(found.get(), "no such state");
        assertEquals(List.of(), Invariants.check(model, found.get(), model.successors(found.get())));
        return found.get();
    }

    private static List<String> violated(Model model, State broken) {
        return Invariants.check(model, broken, model.successors(broken)).stream()
                .map(v -> v.substring(0, v.indexOf(':'))).distinct().toList();
    }

    private static boolean finished(State state, int process) {
        return state.processes().get(process).phase() == Phase.FINISHED;
    }

    @Test
    void aStoredMessageThatVanishesIsLost() {
        Model model = model(List.of(1), List.of(List.of(new Write(0, 1))));
        State stored = reach(model, s -> finished(s, 0));
        State broken = stored.with(0, new Chan(List.of(), null));
        assertEquals(List.of("noMessageLost"), violated(model, broken));
    }

    @Test
    void aTakenMessageLeftInTheBufferIsDuplicated() {
        Model model = model(List.of(1), List.of(List.of(new Write(0, 1)), List.of(new Read(0))));
        State taken = reach(model, s -> finished(s, 0) && finished(s, 1));
        Msg msg = taken.delivered().iterator().next().msg();
        State broken = taken.with(0, new Chan(List.of(msg), null));
        assertEquals(List.of("noMessageDuplicated"), violated(model, broken));
    }

    @Test
    void aMessageNobodyWroteIsInvented() {
        Model model = model(List.of(1), List.of(List.of(new Write(0, 1))));
        State start = model.initial();
        State broken = start.with(0, new Chan(List.of(new Msg(0, 1, 0, 0, Termination.NONE)), null));
        assertEquals(List.of("noMessageInvented"), violated(model, broken));
    }

    @Test
    void aSelectionThatWroteThroughTwoGuardsFiredMoreThanOne() {
        Select both = new Select(Order.ARBITRARY, List.of(new Out(0, 1, true), new Out(1, 2, true)));
        Model model = model(List.of(1, 1), List.of(List.of(both)));
        State fired = reach(model, s -> finished(s, 0) && !s.channels().get(0).buffer().isEmpty());
        State broken = fired.with(1, new Chan(List.of(new Msg(1, 2, 0, 0, Termination.NONE)), null));
        assertTrue(violated(model, broken).contains("exactlyOneGuardFires"), () -> violated(model, broken).toString());
    }

    @Test
    void aSelectionThatFiredADisabledGuardBreaksExactlyOneGuardFires() {
        Select select = new Select(Order.PRI, List.of(new In(0, false), new Program.Skip(true)));
        Model model = model(List.of(1), List.of(List.of(select)));
        State fired = reach(model, s -> finished(s, 0));
        Proc proc = fired.processes().get(0);
        Proc lying = new Proc(proc.pc(), proc.phase(), List.of(new Fired(0, null)), Map.of(), Set.of());
        State broken = fired.with(0, lying);
        assertEquals(List.of("exactlyOneGuardFires"), violated(model, broken));
    }

    @Test
    void aRendezvousOnAPoisonedChannelBreaksSilence() {
        Model model = model(List.of(0), List.of(List.of(new Write(0, 1)), List.of(new Read(0))));
        State met = reach(model, s -> finished(s, 0) && finished(s, 1));
        Delivery d = met.delivered().iterator().next();
        Delivery late = new Delivery(d.msg(), d.process(), d.op(), false, Termination.DRAINING);
        State broken = new State(met.processes(), met.channels(), met.retired(), Set.of(late), met.discarded());
        assertEquals(List.of("terminatedChannelIsSilent"), violated(model, broken));
    }

    @Test
    void aWriterPoisonThatDiscardsTheBufferLosesCompletedWrites() {
        Model model = model(List.of(1), List.of(List.of(new Write(0, 1), new Poison(0, Side.WRITER))));
        State poisoned = reach(model, s -> finished(s, 0));
        List<Msg> buffer = poisoned.channels().get(0).buffer();
        assertEquals(1, buffer.size());
        State broken = poisoned.withDiscarded(buffer).with(0, new Chan(List.of(), Side.WRITER));
        assertEquals(List.of("writesCompletedBeforePoisonAreKept"), violated(model, broken));
    }

    @Test
    void aStepListThatForgetsAReadyPairBreaksProgress() {
        Model model = model(List.of(0), List.of(List.of(new Write(0, 1)), List.of(new Read(0))));
        State start = model.initial();
        List<Proc> waiting = new ArrayList<>();
        for (Proc proc : start.processes()) {
            waiting.add(proc.withPhase(Phase.WAITING));
        }
        State both = new State(waiting, start.channels(), Set.of(), Set.of(), Set.of());
        assertEquals(1, model.successors(both).size(), "the model itself lets them meet");
        List<String> violations = Invariants.progress(model, both, List.of());
        assertEquals(2, violations.size(), violations::toString);
    }
}
