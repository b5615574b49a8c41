package dev.parley.model;

import dev.parley.model.Outcome.Done;
import dev.parley.model.Outcome.Ending;
import dev.parley.model.Outcome.Fired;
import dev.parley.model.Outcome.ProcessOutcome;
import dev.parley.model.Outcome.Received;
import dev.parley.model.Outcome.Result;
import dev.parley.model.Outcome.Threw;
import dev.parley.model.Outcome.TimedOut;
import dev.parley.model.Outcome.Wrote;
import dev.parley.model.Program.End;
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
import dev.parley.model.Program.Signal;
import dev.parley.model.Program.Skip;
import dev.parley.model.Program.TimedRead;
import dev.parley.model.Program.TimedWrite;
import dev.parley.model.Program.Timeout;
import dev.parley.model.Program.Write;
import dev.parley.model.State.Chan;
import dev.parley.model.State.Delivery;
import dev.parley.model.State.Msg;
import dev.parley.model.State.Phase;
import dev.parley.model.State.Proc;
import dev.parley.model.State.Termination;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The reference model of the core (SEMANTICS.md sections 1 to 4): a pure, sequential state
 * machine over the states of one {@link Program}. No threads, no clocks: {@link #successors}
 * lists every atomic step enabled in a state, and {@link #explore} visits every reachable
 * state. Immutable; any thread may use it.
 *
 * <h2>Steps</h2>
 * <ul>
 *   <li><b>start</b> (a READY process): poison and retire take effect at once. A read, write or
 *       selection <em>polls</em>: it visits its enabled channel guards (a plain read or write is
 *       one guard) in the selection's order and fires the first that is ready (any ready one
 *       for {@code ARBITRARY}); a skip guard fires when it is visited. If none is ready its
 *       offer is enrolled (the process is WAITING).</li>
 *   <li><b>complete</b> (a WAITING process): any of its enrolled guards that has become ready
 *       fires; an order no longer matters, since the selection is already waiting.</li>
 *   <li><b>time passes</b> (a WAITING timed operation or selection with an enabled timeout
 *       guard): it gives up, or its timeout guard of smallest delay fires. Abstract time: this
 *       is enabled at any moment after the start.</li>
 *   <li><b>signal</b> (a STOPPING process): one of its owned ends is poisoned or retired.</li>
 * </ul>
 * A selection with an enabled guard on an end of its own that has retired throws RETIRED at
 * once, before any guard is visited ("any operation on an end that has itself retired throws
 * at once", SEMANTICS 3). A guard is ready when: its own end retired (throws RETIRED); a reader with a
 * non-empty buffer (takes the oldest, even after the channel ended: drain); the channel is
 * poisoned or retired (throws; both are allowed when both hold, SEMANTICS does not order them);
 * a buffered writer with room (puts); a rendezvous partner of another process is WAITING with
 * the opposite guard on the same channel (both complete in one step). Waiting partners are
 * matched in any order: FIFO among waiters is not modelled (it cannot be observed from outside
 * a run). Poison or retire through an end that has retired does nothing.
 */
public final class Model {

    private final Program program;
    private final List<List<End>> endsOf;
    private final List<End> allEnds;

    /** @param program the program whose states this model steps through */
    public Model(Program program) {
        this.program = program;
        this.endsOf = IntStream.range(0, program.processes().size()).mapToObj(program::ends).toList();
        this.allEnds = endsOf.stream().flatMap(List::stream).toList();
    }

    /** One atomic step: a readable label and the state it leads to. */
    public record Step(String label, State next) {}

    /**
     * What an exploration saw.
     *
     * @param states how many distinct reachable states
     * @param steps how many steps between them
     * @param outcomes the outcomes of all terminal states
     */
    public record Exploration(int states, long steps, Set<Outcome> outcomes) {}

    /** @return the program this model runs */
    public Program program() {
        return program;
    }

    /** @return the state before any process has done anything */
    public State initial() {
        List<Proc> procs = new ArrayList<>();
        for (List<Op> ops : program.processes()) {
            procs.add(new Proc(0, ops.isEmpty() ? Phase.FINISHED : Phase.READY, List.of(), Map.of(), Set.of()));
        }
        List<Chan> chans = program.capacities().stream().map(c -> new Chan(List.of(), null)).toList();
        return new State(procs, chans, Set.of(), Set.of(), Set.of());
    }

    /**
     * Visits every state reachable from {@link #initial()}, once each, breadth first.
     *
     * @param maxStates give up beyond this many states
     * @param visit called with each state and its successors, for instance to check invariants
     * @return the counts and the outcomes of the terminal states
     * @throws IllegalStateException if there are more than {@code maxStates} states
     */
    public Exploration explore(int maxStates, Visitor visit) {
        Set<State> seen = new HashSet<>();
        ArrayDeque<State> todo = new ArrayDeque<>();
        Set<Outcome> outcomes = new LinkedHashSet<>();
        long steps = 0;
        seen.add(initial());
        todo.add(initial());
        while (!todo.isEmpty()) {
            State state = todo.poll();
            List<Step> next = successors(state);
            visit.visit(state, next);
            steps += next.size();
            if (next.isEmpty()) {
                outcomes.add(outcome(state));
            }
            for (Step step : next) {
                if (seen.add(step.next())) {
                    if (seen.size() > maxStates) {
                        throw new IllegalStateException("more than maxStates=" + maxStates + " states in\n" + program);
                    }
                    todo.add(step.next());
                }
            }
        }
        return new Exploration(seen.size(), steps, Set.copyOf(outcomes));
    }

    /** Called by {@link #explore} once for each reachable state. */
    @FunctionalInterface
    public interface Visitor {
        void visit(State state, List<Step> successors);
    }

    /** @return every outcome the model allows for the program */
    public Set<Outcome> outcomes(int maxStates) {
        return explore(maxStates, (state, next) -> { }).outcomes();
    }

    /** @return what can be observed of a terminal state */
    public Outcome outcome(State state) {
        List<ProcessOutcome> processes = new ArrayList<>();
        for (Proc proc : state.processes()) {
            Ending ending = switch (proc.phase()) {
                case FINISHED -> Ending.FINISHED;
                case STOPPED -> Ending.STOPPED;
                case WAITING -> Ending.BLOCKED;
                case READY, STOPPING -> throw new IllegalArgumentException("not a terminal state: " + state);
            };
            processes.add(new ProcessOutcome(proc.results(), ending));
        }
        return new Outcome(processes);
    }

    /** @return every step enabled in {@code state}; empty when it is terminal */
    public List<Step> successors(State state) {
        List<Step> steps = new ArrayList<>();
        for (int p = 0; p < state.processes().size(); p++) {
            Proc proc = state.processes().get(p);
            switch (proc.phase()) {
                case READY -> start(state, p, steps::add);
                case WAITING -> waiting(state, p, steps::add);
                case STOPPING -> stopping(state, p, steps::add);
                case FINISHED, STOPPED -> { }
            }
        }
        return steps;
    }

    // A guard of the current operation that communicates: guard is -1 for a plain read or write.
    record Arm(int guard, Side side, int channel, int value) {}

    // What can complete an arm now.
    sealed interface Firing permits Fail, Take, Put, Meet {}

    record Fail(Signal signal) implements Firing {}

    record Take() implements Firing {}

    record Put() implements Firing {}

    record Meet(int partner, Arm partnerArm) implements Firing {}

    /** @return the communicating arms of the operation at {@code pc}, enabled ones only, in list order */
    List<Arm> arms(int process, int pc) {
        return switch (program.processes().get(process).get(pc)) {
            case Write w -> List.of(new Arm(-1, Side.WRITER, w.channel(), w.value()));
            case TimedWrite w -> List.of(new Arm(-1, Side.WRITER, w.channel(), w.value()));
            case Read r -> List.of(new Arm(-1, Side.READER, r.channel(), 0));
            case TimedRead r -> List.of(new Arm(-1, Side.READER, r.channel(), 0));
            case Select s -> {
                List<Arm> arms = new ArrayList<>();
                for (int i = 0; i < s.guards().size(); i++) {
                    Guard g = s.guards().get(i);
                    if (g instanceof In in && in.enabled()) {
                        arms.add(new Arm(i, Side.READER, in.channel(), 0));
                    } else if (g instanceof Out out && out.enabled()) {
                        arms.add(new Arm(i, Side.WRITER, out.channel(), out.value()));
                    }
                }
                yield arms;
            }
            case Poison p -> List.of();
            case Retire r -> List.of();
        };
    }

    /** @return whether every reader end, or every writer end, of the channel has retired */
    boolean channelRetired(State state, int channel) {
        return allRetired(state, channel, Side.READER) || allRetired(state, channel, Side.WRITER);
    }

    boolean allRetired(State state, int channel, Side side) {
        boolean any = false;
        for (End end : allEnds) {
            if (end.channel() == channel && end.side() == side) {
                any = true;
                if (!state.retired().contains(end)) {
                    return false;
                }
            }
        }
        return any;
    }

    /** @return how the channel stands as seen from {@code end} */
    Termination termination(State state, End end) {
        Chan chan = state.channels().get(end.channel());
        if (state.retired().contains(end)) {
            return Termination.CLOSED;
        }
        if (chan.poisonedBy() != null) {
            return chan.poisonedBy() == Side.WRITER ? Termination.DRAINING : Termination.CLOSED;
        }
        if (channelRetired(state, end.channel())) {
            return allRetired(state, end.channel(), Side.WRITER) ? Termination.DRAINING : Termination.CLOSED;
        }
        return Termination.NONE;
    }

    /** @return the ways {@code arm} of process {@code p} can fire in {@code state}; empty if it is not ready */
    List<Firing> firings(State state, int p, Arm arm) {
        End end = new End(p, arm.channel(), arm.side());
        Chan chan = state.channels().get(arm.channel());
        if (state.retired().contains(end)) {
            return List.of(new Fail(Signal.RETIRED));
        }
        if (arm.side() == Side.READER && !chan.buffer().isEmpty()) {
            return List.of(new Take());
        }
        List<Firing> firings = new ArrayList<>();
        if (chan.poisonedBy() != null) {
            firings.add(new Fail(Signal.POISON));
        }
        if (channelRetired(state, arm.channel())) {
            firings.add(new Fail(Signal.RETIRED));
        }
        if (!firings.isEmpty()) {
            return firings;
        }
        int capacity = program.capacities().get(arm.channel());
        if (capacity > 0) {
            return arm.side() == Side.WRITER && chan.buffer().size() < capacity ? List.of(new Put()) : List.of();
        }
        for (int q = 0; q < state.processes().size(); q++) {
            Proc partner = state.processes().get(q);
            if (q == p || partner.phase() != Phase.WAITING) {
                continue;
            }
            for (Arm other : arms(q, partner.pc())) {
                if (other.channel() == arm.channel() && other.side() != arm.side()) {
                    firings.add(new Meet(q, other));
                }
            }
        }
        return firings;
    }

    private void start(State state, int p, Consumer<Step> out) {
        Proc proc = state.processes().get(p);
        Op op = program.processes().get(p).get(proc.pc());
        String who = "p" + p + " " + op;
        switch (op) {
            case Poison poison -> {
                State next = poisonEnd(state, new End(p, poison.channel(), poison.side()));
                out.accept(new Step(who, advance(next, p, new Done())));
            }
            case Retire retire -> {
                State next = state.withRetired(new End(p, retire.channel(), retire.side()));
                out.accept(new Step(who, advance(next, p, new Done())));
            }
            case Select select -> poll(state, p, select, who, out);
            default -> {
                Arm arm = arms(p, proc.pc()).get(0);
                List<Firing> firings = firings(state, p, arm);
                for (Firing f : firings) {
                    out.accept(new Step(who + " " + describe(f), fire(state, p, arm, f)));
                }
                if (firings.isEmpty()) {
                    out.accept(new Step(who + " enrolls", state.with(p, proc.withPhase(Phase.WAITING))));
                }
            }
        }
    }

    // Phase "poll" of a selection: the first ready guard in the order fires, or the offer enrolls.
    private void poll(State state, int p, Select select, String who, Consumer<Step> out) {
        Proc proc = state.processes().get(p);
        List<Arm> arms = arms(p, proc.pc());
        if (arms.stream().anyMatch(a -> state.retired().contains(new End(p, a.channel(), a.side())))) {
            // Using an end that has itself retired throws at once (SEMANTICS 3), whatever the order.
            out.accept(new Step(who + " uses a retired end", advance(state, p, new Threw(Signal.RETIRED))));
            return;
        }
        boolean fired = false;
        for (int i : order(proc, select)) {
            Guard guard = select.guards().get(i);
            if (!guard.enabled()) {
                continue;
            }
            if (guard instanceof Skip) {
                out.accept(new Step(who + " fires skip " + i, advance(state, p, new Fired(i, null))));
                fired = true;
            } else if (guard instanceof In || guard instanceof Out) {
                Arm arm = arms.stream().filter(a -> a.guard() == i).findFirst().orElseThrow();
                for (Firing f : firings(state, p, arm)) {
                    out.accept(new Step(who + " guard " + i + " " + describe(f), fire(state, p, arm, f)));
                    fired = true;
                }
            }
            if (fired && select.order() != Order.ARBITRARY) {
                return;
            }
        }
        if (!fired) {
            out.accept(new Step(who + " enrolls", state.with(p, proc.withPhase(Phase.WAITING))));
        }
    }

    /** @return the guard indices in the order a selection visits them (any order for ARBITRARY) */
    static List<Integer> order(Proc proc, Select select) {
        int n = select.guards().size();
        int first = select.order() == Order.FAIR ? proc.lastFair().getOrDefault(select.guards(), -1) + 1 : 0;
        return IntStream.range(0, n).map(i -> (first + i) % n).boxed().toList();
    }

    private void waiting(State state, int p, Consumer<Step> out) {
        Proc proc = state.processes().get(p);
        Op op = program.processes().get(p).get(proc.pc());
        String who = "p" + p + " " + op;
        for (Arm arm : arms(p, proc.pc())) {
            for (Firing f : firings(state, p, arm)) {
                // A meeting of two waiting offers is listed once, by its writer.
                if (!(f instanceof Meet) || arm.side() == Side.WRITER) {
                    out.accept(new Step(who + " completes " + describe(f), fire(state, p, arm, f)));
                }
            }
        }
        switch (op) {
            case TimedRead r -> out.accept(new Step(who + " times out", advance(state, p, new TimedOut())));
            case TimedWrite w -> out.accept(new Step(who + " times out", advance(state, p, new TimedOut())));
            case Select s -> {
                int shortest = s.guards().stream().filter(g -> g instanceof Timeout t && t.enabled())
                        .mapToInt(g -> ((Timeout) g).delayMs()).min().orElse(-1);
                for (int i = 0; i < s.guards().size(); i++) {
                    if (s.guards().get(i) instanceof Timeout t && t.enabled() && t.delayMs() == shortest) {
                        out.accept(new Step(who + " times out: fires " + i, advance(state, p, new Fired(i, null))));
                    }
                }
            }
            default -> { }
        }
    }

    private void stopping(State state, int p, Consumer<Step> out) {
        Proc proc = state.processes().get(p);
        Signal signal = ((Threw) proc.results().get(proc.results().size() - 1)).signal();
        for (End end : proc.toSignal()) {
            State next = signal == Signal.POISON ? poisonEnd(state, end) : state.withRetired(end);
            next = next.with(p, proc.signalled(end));
            out.accept(new Step("p" + p + " stopping: " + signal + " " + end, next));
        }
    }

    /** Poison through {@code end}: a no-op when the end has retired or the channel is poisoned already. */
    State poisonEnd(State state, End end) {
        Chan chan = state.channels().get(end.channel());
        if (state.retired().contains(end) || chan.poisonedBy() != null) {
            return state;
        }
        if (end.side() == Side.READER) {
            return state.withDiscarded(chan.buffer()).with(end.channel(), new Chan(List.of(), Side.READER));
        }
        return state.with(end.channel(), new Chan(chan.buffer(), Side.WRITER));
    }

    // Completes process p's current operation through arm, as firing f says.
    private State fire(State state, int p, Arm arm, Firing f) {
        int pc = state.processes().get(p).pc();
        End end = new End(p, arm.channel(), arm.side());
        Chan chan = state.channels().get(arm.channel());
        return switch (f) {
            case Fail fail -> advance(state, p, new Threw(fail.signal()));
            case Take take -> {
                Msg msg = chan.buffer().get(0);
                State next = state.withDelivery(new Delivery(msg, p, pc, true, termination(state, end)))
                        .with(arm.channel(), new Chan(chan.buffer().subList(1, chan.buffer().size()),
                                chan.poisonedBy()));
                yield advance(next, p, received(arm, msg.value()));
            }
            case Put put -> {
                List<Msg> buffer = new ArrayList<>(chan.buffer());
                buffer.add(new Msg(arm.channel(), arm.value(), p, pc, termination(state, end)));
                yield advance(state.with(arm.channel(), new Chan(buffer, chan.poisonedBy())), p, sent(arm));
            }
            case Meet meet -> {
                boolean writes = arm.side() == Side.WRITER;
                int writer = writes ? p : meet.partner();
                int reader = writes ? meet.partner() : p;
                Arm out = writes ? arm : meet.partnerArm();
                Arm in = writes ? meet.partnerArm() : arm;
                int writerPc = state.processes().get(writer).pc();
                int readerPc = state.processes().get(reader).pc();
                Msg msg = new Msg(arm.channel(), out.value(), writer, writerPc,
                        termination(state, new End(writer, arm.channel(), Side.WRITER)));
                State next = state.withDelivery(new Delivery(msg, reader, readerPc, false,
                        termination(state, new End(reader, arm.channel(), Side.READER))));
                next = advance(next, writer, sent(out));
                yield advance(next, reader, received(in, out.value()));
            }
        };
    }

    private static Result sent(Arm arm) {
        return arm.guard() < 0 ? new Wrote() : new Fired(arm.guard(), null);
    }

    private static Result received(Arm arm, int value) {
        return arm.guard() < 0 ? new Received(value) : new Fired(arm.guard(), value);
    }

    // Records the result of process p's current operation and moves it on (or stops it).
    private State advance(State state, int p, Result result) {
        Proc proc = state.processes().get(p);
        Op op = program.processes().get(p).get(proc.pc());
        if (result instanceof Threw) {
            return state.with(p, proc.stop(result, new LinkedHashSet<>(endsOf.get(p))));
        }
        if (op instanceof Select select && select.order() == Order.FAIR && result instanceof Fired fired) {
            proc = proc.chose(select.guards(), fired.guard());
        }
        return state.with(p, proc.advance(result, proc.pc() + 1 == program.processes().get(p).size()));
    }

    private static String describe(Firing f) {
        return switch (f) {
            case Fail fail -> "throws " + fail.signal();
            case Take take -> "takes from the buffer";
            case Put put -> "puts into the buffer";
            case Meet meet -> "meets p" + meet.partner();
        };
    }
}
