package dev.parley.model;

import dev.parley.model.Model.Step;
import dev.parley.model.Outcome.Fired;
import dev.parley.model.Outcome.Received;
import dev.parley.model.Outcome.Result;
import dev.parley.model.Outcome.Wrote;
import dev.parley.model.Program.Guard;
import dev.parley.model.Program.In;
import dev.parley.model.Program.Op;
import dev.parley.model.Program.Out;
import dev.parley.model.Program.Select;
import dev.parley.model.Program.Side;
import dev.parley.model.Program.TimedRead;
import dev.parley.model.Program.TimedWrite;
import dev.parley.model.Program.Write;
import dev.parley.model.State.Chan;
import dev.parley.model.State.Delivery;
import dev.parley.model.State.Msg;
import dev.parley.model.State.Phase;
import dev.parley.model.State.Proc;
import dev.parley.model.State.Termination;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The invariants of SEMANTICS sections 2 to 4, by name, as checks on one model state. Each
 * returns the list of its violations, empty when it holds. They are written from the state's
 * ledger and results, not from the model's steps, so that a wrong step shows up as a broken
 * state. Stateless; any thread.
 */
public final class Invariants {

    private Invariants() {
    }

    /**
     * @param model the model the state belongs to
     * @param state the state
     * @param successors the state's steps (for {@link #progress})
     * @return every violation of every invariant, each prefixed by the invariant's name
     */
    public static List<String> check(Model model, State state, List<Step> successors) {
        List<String> all = new ArrayList<>();
        Program program = model.program();
        name(all, "noMessageLost", noMessageLost(program, state));
        name(all, "noMessageDuplicated", noMessageDuplicated(state));
        name(all, "noMessageInvented", noMessageInvented(program, state));
        name(all, "exactlyOneGuardFires", exactlyOneGuardFires(program, state));
        name(all, "terminatedChannelIsSilent", terminatedChannelIsSilent(state));
        name(all, "writesCompletedBeforePoisonAreKept", writesCompletedBeforePoisonAreKept(state));
        name(all, "progress", progress(model, state, successors));
        return all;
    }

    private static void name(List<String> all, String invariant, List<String> violations) {
        violations.forEach(v -> all.add(invariant + ": " + v));
    }

    /** Every message whose write completed is in a buffer, was taken by a reader, or was discarded. */
    public static List<String> noMessageLost(Program program, State state) {
        List<String> violations = new ArrayList<>();
        for (int p = 0; p < state.processes().size(); p++) {
            List<Result> results = state.processes().get(p).results();
            for (int op = 0; op < results.size(); op++) {
                if (sentValue(program.processes().get(p).get(op), results.get(op)) != null
                        && whereabouts(state, p, op).isEmpty()) {
                    violations.add("the message of p" + p + " op " + op + " completed but is nowhere");
                }
            }
        }
        return violations;
    }

    /** No message is in two places (two buffers slots, a buffer and a reader, two readers, ...). */
    public static List<String> noMessageDuplicated(State state) {
        List<String> violations = new ArrayList<>();
        Map<List<Integer>, Integer> copies = new HashMap<>();
        allMessages(state).forEach(m -> copies.merge(List.of(m.process(), m.op()), 1, Integer::sum));
        copies.forEach((id, n) -> {
            if (n > 1) {
                violations.add("the message of p" + id.get(0) + " op " + id.get(1) + " is in " + n + " places");
            }
        });
        Map<List<Integer>, Integer> takes = new HashMap<>();
        state.delivered().forEach(d -> takes.merge(List.of(d.process(), d.op()), 1, Integer::sum));
        takes.forEach((id, n) -> {
            if (n > 1) {
                violations.add("p" + id.get(0) + " op " + id.get(1) + " took " + n + " messages");
            }
        });
        return violations;
    }

    /**
     * Every message anywhere was sent by a completed write of that value, and every completed
     * read received a message that was delivered to it, with that value.
     */
    public static List<String> noMessageInvented(Program program, State state) {
        List<String> violations = new ArrayList<>();
        allMessages(state).forEach(m -> {
            Proc sender = state.processes().get(m.process());
            Integer sent = m.op() < sender.results().size()
                    ? sentValue(program.processes().get(m.process()).get(m.op()), sender.results().get(m.op())) : null;
            if (!Objects.equals(sent, m.value())) {
                violations.add(m + " was not sent by a completed write of its value");
            }
        });
        for (int p = 0; p < state.processes().size(); p++) {
            List<Result> results = state.processes().get(p).results();
            for (int op = 0; op < results.size(); op++) {
                Integer got = receivedValue(results.get(op));
                List<Delivery> to = deliveriesTo(state, p, op);
                if (got != null && (to.size() != 1 || to.get(0).msg().value() != got)) {
                    violations.add("p" + p + " op " + op + " received " + got + " but was delivered " + to);
                }
                if (got == null && !to.isEmpty()) {
                    violations.add("p" + p + " op " + op + " received nothing but was delivered " + to);
                }
            }
        }
        return violations;
    }

    /**
     * Each completed selection has exactly one result, naming one enabled guard; that guard's
     * communication happened, and no other guard's channel was touched by the selection.
     */
    public static List<String> exactlyOneGuardFires(Program program, State state) {
        List<String> violations = new ArrayList<>();
        for (int p = 0; p < state.processes().size(); p++) {
            Proc proc = state.processes().get(p);
            int completed = proc.phase() == Phase.STOPPING || proc.phase() == Phase.STOPPED ? proc.pc() + 1 : proc.pc();
            if (proc.results().size() != completed) {
                violations.add("p" + p + " has " + proc.results().size() + " results after " + completed
                        + " operations");
            }
            for (int op = 0; op < proc.results().size() && op < program.processes().get(p).size(); op++) {
                if (program.processes().get(p).get(op) instanceof Select select) {
                    int sends = (int) sentBy(state, p, op).count();
                    int takes = deliveriesTo(state, p, op).size();
                    checkSelection(select, proc.results().get(op), sends, takes, "p" + p + " op " + op, violations);
                }
            }
        }
        return violations;
    }

    private static void checkSelection(Select select, Result result, int sends, int takes, String where,
                                       List<String> violations) {
        if (!(result instanceof Fired fired)) {
            if (sends + takes != 0) {
                violations.add(where + " did not fire but communicated " + (sends + takes) + " times");
            }
            return;
        }
        if (fired.guard() < 0 || fired.guard() >= select.guards().size()) {
            violations.add(where + " fired guard " + fired.guard() + " of " + select.guards().size());
            return;
        }
        Guard guard = select.guards().get(fired.guard());
        int wantSends = guard instanceof Out ? 1 : 0;
        int wantTakes = guard instanceof In ? 1 : 0;
        if (!guard.enabled() || sends != wantSends || takes != wantTakes) {
            violations.add(where + " fired " + guard + " with sends=" + sends + " takes=" + takes);
        }
    }

    /**
     * A retired or poisoned channel (or a retired end) admits no communication, except that readers
     * drain a buffer after a writer poisoned or all writers retired.
     */
    public static List<String> terminatedChannelIsSilent(State state) {
        List<String> violations = new ArrayList<>();
        allMessages(state).filter(m -> m.atSend() != Termination.NONE)
                .forEach(m -> violations.add(m + " was sent on a channel that had ended"));
        for (Delivery d : state.delivered()) {
            boolean drain = d.atTake() == Termination.DRAINING && d.fromBuffer();
            if (d.atTake() != Termination.NONE && !drain) {
                violations.add(d + " was taken from a channel that had ended");
            }
        }
        return violations;
    }

    /** Only a reader's poison discards messages (the buffer); a writer's poison or a retire never does. */
    public static List<String> writesCompletedBeforePoisonAreKept(State state) {
        List<String> violations = new ArrayList<>();
        for (Msg m : state.discarded()) {
            if (state.channels().get(m.channel()).poisonedBy() != Side.READER) {
                violations.add(m + " was discarded, but no reader poisoned c" + m.channel());
            }
        }
        return violations;
    }

    /**
     * When a communication is possible, one happens: a state with no steps has no process that could
     * move and no ready pair (a waiting reader and writer on one rendezvous channel, a waiting reader
     * of a non-empty buffer, a waiting writer with room, a waiting party on an ended channel, a
     * waiting timed operation).
     */
    public static List<String> progress(Model model, State state, List<Step> successors) {
        if (!successors.isEmpty()) {
            return List.of();
        }
        Program program = model.program();
        List<String> violations = new ArrayList<>();
        for (int p = 0; p < state.processes().size(); p++) {
            Proc proc = state.processes().get(p);
            if (proc.phase() == Phase.READY || proc.phase() == Phase.STOPPING) {
                violations.add("p" + p + " is " + proc.phase() + " in a terminal state");
            }
            if (proc.phase() != Phase.WAITING) {
                continue;
            }
            Op op = program.processes().get(p).get(proc.pc());
            if (op instanceof TimedRead || op instanceof TimedWrite
                    || op instanceof Select s
                    && s.guards().stream().anyMatch(g -> g instanceof Program.Timeout && g.enabled())) {
                violations.add("p" + p + " waits in a timed " + op + " in a terminal state");
            }
            for (Model.Arm arm : model.arms(p, proc.pc())) {
                Chan chan = state.channels().get(arm.channel());
                int capacity = program.capacities().get(arm.channel());
                boolean ended = chan.poisonedBy() != null || model.channelRetired(state, arm.channel());
                boolean ready = ended
                        || arm.side() == Side.READER && !chan.buffer().isEmpty()
                        || arm.side() == Side.WRITER && capacity > 0 && chan.buffer().size() < capacity
                        || capacity == 0 && waitingPartner(model, state, p, arm);
                if (ready) {
                    violations.add("p" + p + " waits in " + op + " though " + arm + " is ready");
                }
            }
        }
        return violations;
    }

    private static boolean waitingPartner(Model model, State state, int p, Model.Arm arm) {
        for (int q = 0; q < state.processes().size(); q++) {
            Proc other = state.processes().get(q);
            if (q != p && other.phase() == Phase.WAITING && model.arms(q, other.pc()).stream()
                    .anyMatch(a -> a.channel() == arm.channel() && a.side() != arm.side())) {
                return true;
            }
        }
        return false;
    }

    private static Stream<Msg> allMessages(State state) {
        return Stream.of(state.channels().stream().flatMap(c -> c.buffer().stream()),
                state.delivered().stream().map(Delivery::msg), state.discarded().stream()).flatMap(s -> s);
    }

    private static List<Delivery> deliveriesTo(State state, int p, int op) {
        return state.delivered().stream().filter(d -> d.process() == p && d.op() == op).toList();
    }

    private static Stream<Msg> sentBy(State state, int p, int op) {
        return allMessages(state).filter(m -> m.process() == p && m.op() == op);
    }

    private static List<Msg> whereabouts(State state, int p, int op) {
        return sentBy(state, p, op).toList();
    }

    // The value a completed operation sent, or null if it sent nothing.
    private static Integer sentValue(Op op, Result result) {
        return switch (op) {
            case Write w -> result instanceof Wrote ? w.value() : null;
            case TimedWrite w -> result instanceof Wrote ? w.value() : null;
            case Select s -> result instanceof Fired f && f.guard() >= 0 && f.guard() < s.guards().size()
                    && s.guards().get(f.guard()) instanceof Out out ? out.value() : null;
            default -> null;
        };
    }

    private static Integer receivedValue(Result result) {
        return switch (result) {
            case Received r -> r.value();
            case Fired f -> f.value();
            default -> null;
        };
    }
}
