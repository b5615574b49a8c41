package dev.parley.model;

import dev.parley.model.Program.Guard;
import dev.parley.model.Program.In;
import dev.parley.model.Program.Op;
import dev.parley.model.Program.Out;
import dev.parley.model.Program.Poison;
import dev.parley.model.Program.Read;
import dev.parley.model.Program.Retire;
import dev.parley.model.Program.Select;
import dev.parley.model.Program.Skip;
import dev.parley.model.Program.TimedRead;
import dev.parley.model.Program.TimedWrite;
import dev.parley.model.Program.Timeout;
import dev.parley.model.Program.Write;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Shrinks a failing program to a smaller one that still fails: greedily, it takes the first
 * simpler candidate that fails and starts again, until no candidate fails. Candidates, simplest
 * first: drop a process, drop an operation, drop a guard, drop an unused channel, shrink a buffer,
 * shrink values and delays (to 0, to half, by one). Stateless; any thread.
 */
public final class Shrinker {

    private Shrinker() {
    }

    /**
     * @param program the shrunk program
     * @param attempts how many candidates were tried
     */
    public record Shrunk(Program program, int attempts) {}

    /**
     * @param failing a program for which {@code fails} holds
     * @param fails the failure to keep; may be flaky, then the result is a program it held for once
     * @param maxAttempts stop after trying this many candidates
     * @return the smallest failing program found
     */
    public static Shrunk shrink(Program failing, Predicate<Program> fails, int maxAttempts) {
        Program current = failing;
        int attempts = 0;
        boolean smaller = true;
        while (smaller && attempts < maxAttempts) {
            smaller = false;
            for (Program candidate : candidates(current)) {
                if (attempts++ >= maxAttempts) {
                    break;
                }
                if (fails.test(candidate)) {
                    current = candidate;
                    smaller = true;
                    break;
                }
            }
        }
        return new Shrunk(current, attempts);
    }

    /** @return the programs one simplification away from {@code program}, simplest kind first */
    static List<Program> candidates(Program program) {
        List<List<Op>> procs = program.processes();
        List<Program> out = new ArrayList<>();
        for (int p = 0; p < procs.size(); p++) {
            List<List<Op>> fewer = new ArrayList<>(procs);
            fewer.remove(p);
            out.add(new Program(program.capacities(), fewer));
        }
        for (int p = 0; p < procs.size(); p++) {
            for (int i = 0; i < procs.get(p).size(); i++) {
                List<Op> ops = new ArrayList<>(procs.get(p));
                ops.remove(i);
                out.add(withProcess(program, p, ops));
            }
        }
        for (int p = 0; p < procs.size(); p++) {
            for (int i = 0; i < procs.get(p).size(); i++) {
                if (procs.get(p).get(i) instanceof Select s && s.guards().size() > 1) {
                    for (int g = 0; g < s.guards().size(); g++) {
                        List<Guard> guards = new ArrayList<>(s.guards());
                        guards.remove(g);
                        out.add(withOp(program, p, i, new Select(s.order(), guards)));
                    }
                }
            }
        }
        for (int c = 0; c < program.capacities().size(); c++) {
            int unused = c;
            if (program.capacities().size() > 1 && program.allEnds().stream().noneMatch(e -> e.channel() == unused)) {
                List<Integer> capacities = new ArrayList<>(program.capacities());
                capacities.remove(c);
                UnaryOperator<Integer> down = ch -> ch > unused ? ch - 1 : ch;
                out.add(new Program(capacities, procs.stream()
                        .map(ops -> ops.stream().map(op -> renumber(op, down)).toList()).toList()));
            }
        }
        for (int c = 0; c < program.capacities().size(); c++) {
            if (program.capacities().get(c) > 0) {
                List<Integer> capacities = new ArrayList<>(program.capacities());
                capacities.set(c, capacities.get(c) - 1);
                out.add(new Program(capacities, procs));
            }
        }
        eachOp(program, out, op -> smaller(op, v -> 0));
        eachOp(program, out, op -> smaller(op, v -> v / 2));
        eachOp(program, out, op -> smaller(op, v -> Math.max(0, v - 1)));
        return out.stream().filter(c -> !c.equals(program)).distinct().toList();
    }

    // Adds, for each operation, the program with that operation changed.
    private static void eachOp(Program program, List<Program> out, UnaryOperator<Op> change) {
        List<List<Op>> procs = program.processes();
        for (int p = 0; p < procs.size(); p++) {
            for (int i = 0; i < procs.get(p).size(); i++) {
                out.add(withOp(program, p, i, change.apply(procs.get(p).get(i))));
            }
        }
    }

    // The operation with its values and delays replaced by smaller ones.
    private static Op smaller(Op op, UnaryOperator<Integer> shrink) {
        return switch (op) {
            case Write w -> new Write(w.channel(), shrink.apply(w.value()));
            case TimedWrite w -> new TimedWrite(w.channel(), shrink.apply(w.value()), shrink.apply(w.delayMs()));
            case TimedRead r -> new TimedRead(r.channel(), shrink.apply(r.delayMs()));
            case Select s -> new Select(s.order(), s.guards().stream().map(g -> smaller(g, shrink)).toList());
            default -> op;
        };
    }

    private static Op renumber(Op op, UnaryOperator<Integer> channel) {
        return switch (op) {
            case Write w -> new Write(channel.apply(w.channel()), w.value());
            case Read r -> new Read(channel.apply(r.channel()));
            case TimedWrite w -> new TimedWrite(channel.apply(w.channel()), w.value(), w.delayMs());
            case TimedRead r -> new TimedRead(channel.apply(r.channel()), r.delayMs());
            case Poison p -> new Poison(channel.apply(p.channel()), p.side());
            case Retire r -> new Retire(channel.apply(r.channel()), r.side());
            case Select s -> new Select(s.order(), s.guards().stream().map(g -> switch (g) {
                case In in -> new In(channel.apply(in.channel()), in.enabled());
                case Out o -> new Out(channel.apply(o.channel()), o.value(), o.enabled());
                default -> g;
            }).toList());
        };
    }

    private static Guard smaller(Guard guard, UnaryOperator<Integer> shrink) {
        return switch (guard) {
            case Out out -> new Out(out.channel(), shrink.apply(out.value()), out.enabled());
            case Timeout t -> new Timeout(shrink.apply(t.delayMs()), t.enabled());
            case In in -> in;
            case Skip skip -> skip;
        };
    }

    private static Program withOp(Program program, int p, int i, Op op) {
        List<Op> ops = new ArrayList<>(program.processes().get(p));
        ops.set(i, op);
        return withProcess(program, p, ops);
    }

    private static Program withProcess(Program program, int p, List<Op> ops) {
        List<List<Op>> procs = new ArrayList<>(program.processes());
        procs.set(p, ops);
        return new Program(program.capacities(), procs);
    }
}
