package dev.parley.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A small CSP program for the model and for the real core: channels, and processes that are
 * straight-line lists of operations on their own ends. Immutable; any thread may use it.
 *
 * <p>Ends are implicit: a process owns one end for each (channel, side) its operations name,
 * made before any process starts. So a channel's reader ends are those of the processes that
 * read from it, poison or retire its reader side, and likewise for writers; every end counts
 * for retire (SEMANTICS section 3). Within one process, selections whose guard lists are equal
 * are one {@code Alternation} object, so a fair selection rotates across them.
 *
 * @param capacities one entry per channel: 0 for rendezvous, otherwise the buffer's capacity
 * @param processes the processes, each a list of operations
 */
public record Program(List<Integer> capacities, List<List<Op>> processes) {

    /** Which side of a channel an end is on. */
    public enum Side { READER, WRITER }

    /** The three selection orders of SEMANTICS section 4. */
    public enum Order { ARBITRARY, PRI, FAIR }

    /** The two ways a channel ends; also the two exceptions an operation may throw. */
    public enum Signal { POISON, RETIRED }

    /** One end: process {@code process}'s end on side {@code side} of channel {@code channel}. */
    public record End(int process, int channel, Side side) {
        @Override
        public String toString() {
            return "p" + process + (side == Side.READER ? ".in" : ".out") + channel;
        }
    }

    /** One operation of a process. Values are the messages; delays are in milliseconds. */
    public sealed interface Op permits Write, Read, TimedWrite, TimedRead, Select, Poison, Retire {}

    /** {@code write(value)}: blocks until taken (rendezvous) or stored (buffered). */
    public record Write(int channel, int value) implements Op {
        @Override
        public String toString() {
            return "write(c" + channel + ", " + value + ")";
        }
    }

    /** {@code read()}: blocks until a message is handed over. */
    public record Read(int channel) implements Op {
        @Override
        public String toString() {
            return "read(c" + channel + ")";
        }
    }

    /** {@code write(value, delay)}: as {@link Write}, but may give up (returning false). */
    public record TimedWrite(int channel, int value, int delayMs) implements Op {
        @Override
        public String toString() {
            return "write(c" + channel + ", " + value + ", " + delayMs + "ms)";
        }
    }

    /** {@code read(delay)}: as {@link Read}, but may give up (returning empty). */
    public record TimedRead(int channel, int delayMs) implements Op {
        @Override
        public String toString() {
            return "read(c" + channel + ", " + delayMs + "ms)";
        }
    }

    /** A selection of {@code guards} in {@code order}: select, priSelect or fairSelect. */
    public record Select(Order order, List<Guard> guards) implements Op {
        public Select {
            guards = List.copyOf(guards);
            if (guards.isEmpty()) {
                throw new IllegalArgumentException("a selection needs at least one guard: guards=" + guards);
            }
        }

        @Override
        public String toString() {
            return order.name().toLowerCase() + "Select" + guards;
        }
    }

    /** {@code end.poison()} on this process's end of the given side. */
    public record Poison(int channel, Side side) implements Op {
        @Override
        public String toString() {
            return "poison(c" + channel + "." + side.name().toLowerCase() + ")";
        }
    }

    /** {@code end.retire()} on this process's end of the given side. */
    public record Retire(int channel, Side side) implements Op {
        @Override
        public String toString() {
            return "retire(c" + channel + "." + side.name().toLowerCase() + ")";
        }
    }

    /** A guard of a selection; {@code enabled} is its (constant) pre-condition. */
    public sealed interface Guard permits In, Out, Timeout, Skip {
        boolean enabled();
    }

    /** {@code InputGuard}: reads from the channel. */
    public record In(int channel, boolean enabled) implements Guard {
        @Override
        public String toString() {
            return (enabled ? "" : "!") + "in(c" + channel + ")";
        }
    }

    /** {@code OutputGuard}: writes {@code value} to the channel. */
    public record Out(int channel, int value, boolean enabled) implements Guard {
        @Override
        public String toString() {
            return (enabled ? "" : "!") + "out(c" + channel + ", " + value + ")";
        }
    }

    /** {@code TimeoutGuard}: fires once time passes, if nothing else fired. */
    public record Timeout(int delayMs, boolean enabled) implements Guard {
        @Override
        public String toString() {
            return (enabled ? "" : "!") + "timeout(" + delayMs + "ms)";
        }
    }

    /** {@code SkipGuard}: always ready. */
    public record Skip(boolean enabled) implements Guard {
        @Override
        public String toString() {
            return (enabled ? "" : "!") + "skip";
        }
    }

    public Program {
        capacities = List.copyOf(capacities);
        processes = processes.stream().map(List::copyOf).toList();
        for (int capacity : capacities) {
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity=" + capacity + " must not be negative");
            }
        }
        for (List<Op> ops : processes) {
            for (Op op : ops) {
                for (int channel : channelsOf(op)) {
                    if (channel < 0 || channel >= capacities.size()) {
                        throw new IllegalArgumentException("op=" + op + " names channel=" + channel
                                + " but there are channels=" + capacities.size());
                    }
                }
            }
        }
    }

    /** @return the ends of process {@code process}, in the order its operations first name them */
    public List<End> ends(int process) {
        Set<End> ends = new LinkedHashSet<>();
        for (Op op : processes.get(process)) {
            switch (op) {
                case Write w -> ends.add(new End(process, w.channel(), Side.WRITER));
                case TimedWrite w -> ends.add(new End(process, w.channel(), Side.WRITER));
                case Read r -> ends.add(new End(process, r.channel(), Side.READER));
                case TimedRead r -> ends.add(new End(process, r.channel(), Side.READER));
                case Poison p -> ends.add(new End(process, p.channel(), p.side()));
                case Retire r -> ends.add(new End(process, r.channel(), r.side()));
                case Select s -> {
                    for (Guard g : s.guards()) {
                        if (g instanceof In in) {
                            ends.add(new End(process, in.channel(), Side.READER));
                        } else if (g instanceof Out out) {
                            ends.add(new End(process, out.channel(), Side.WRITER));
                        }
                    }
                }
            }
        }
        return List.copyOf(ends);
    }

    /** @return every end of every process */
    public List<End> allEnds() {
        List<End> all = new ArrayList<>();
        for (int p = 0; p < processes.size(); p++) {
            all.addAll(ends(p));
        }
        return all;
    }

    private static List<Integer> channelsOf(Op op) {
        return switch (op) {
            case Write w -> List.of(w.channel());
            case TimedWrite w -> List.of(w.channel());
            case Read r -> List.of(r.channel());
            case TimedRead r -> List.of(r.channel());
            case Poison p -> List.of(p.channel());
            case Retire r -> List.of(r.channel());
            case Select s -> s.guards().stream()
                    .filter(g -> g instanceof In || g instanceof Out)
                    .map(g -> g instanceof In in ? in.channel() : ((Out) g).channel())
                    .toList();
        };
    }

    /** @return the program in a readable form, one process a line */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("channels:");
        for (int c = 0; c < capacities.size(); c++) {
            int capacity = capacities.get(c);
            text.append(" c").append(c).append(capacity == 0 ? "=rendezvous" : "=buffered(" + capacity + ")");
        }
        for (int p = 0; p < processes.size(); p++) {
            text.append("\n  p").append(p).append(": ")
                    .append(processes.get(p).stream().map(Objects::toString).collect(Collectors.joining("; ")));
        }
        return text.toString();
    }
}
