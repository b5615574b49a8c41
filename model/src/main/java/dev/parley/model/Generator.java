package dev.parley.model;

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
import dev.parley.model.Program.TimedRead;
import dev.parley.model.Program.TimedWrite;
import dev.parley.model.Program.Timeout;
import dev.parley.model.Program.Write;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes small random programs from a seed: the same seed always gives the same program. One to
 * two channels (rendezvous or buffered), two to four processes of up to four or five operations,
 * drawn either one by one or in matched pairs (a write side in one process, a read side in
 * another, so that fewer programs simply deadlock), with
 * every operation kind, every guard kind and order, pre-conditions, timed operations, poison
 * and retire; now and then a process selects again on an alternation it used before (so that
 * fair selection rotates). Values are distinct, except a repeated alternation's output values,
 * so a received value mostly names its writer. Stateless; any thread.
 */
public final class Generator {

    /** The longest delay of a timed operation or timeout guard, in milliseconds. */
    public static final int MAX_DELAY_MS = 20;

    private Generator() {
    }

    /**
     * @param seed the seed
     * @return the program of that seed
     */
    public static Program program(long seed) {
        Random random = new Random(seed);
        int channels = 1 + random.nextInt(2);
        List<Integer> capacities = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            capacities.add(random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0);
        }
        int processes = 2 + (random.nextInt(4) == 0 ? 2 : random.nextInt(2));
        int[] nextValue = {1};
        return new Program(capacities, random.nextBoolean()
                ? free(random, channels, processes, nextValue)
                : paired(random, channels, processes, nextValue));
    }

    // Communications made in pairs: each gives one process a write side and another a read side.
    private static List<List<Op>> paired(Random random, int channels, int processes, int[] nextValue) {
        List<List<Op>> ops = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            ops.add(new ArrayList<>());
        }
        int pairs = 2 + random.nextInt(4);
        for (int k = 0; k < pairs; k++) {
            int channel = random.nextInt(channels);
            int writer = random.nextInt(processes);
            int reader = (writer + 1 + random.nextInt(processes - 1)) % processes;
            if (ops.get(writer).size() < 4 && ops.get(reader).size() < 4) {
                ops.get(writer).add(side(random, channels, nextValue, new Out(channel, nextValue[0]++, true)));
                ops.get(reader).add(side(random, channels, nextValue, new In(channel, true)));
            }
        }
        if (random.nextInt(3) == 0) {
            List<Op> victim = ops.get(random.nextInt(processes));
            Side side = random.nextBoolean() ? Side.READER : Side.WRITER;
            int channel = random.nextInt(channels);
            Op end = random.nextBoolean() ? new Poison(channel, side) : new Retire(channel, side);
            victim.add(random.nextInt(victim.size() + 1), end);
        }
        return ops;
    }

    // One side of a communication: a plain, timed or selecting read or write through the guard.
    private static Op side(Random random, int channels, int[] nextValue, Guard guard) {
        int kind = random.nextInt(8);
        if (kind < 2) {
            List<Guard> guards = new ArrayList<>(select(random, channels, nextValue).guards());
            guards.add(random.nextInt(guards.size() + 1), guard);
            return new Select(Order.values()[random.nextInt(Order.values().length)], guards);
        }
        boolean timed = kind == 2;
        return switch (guard) {
            case Out out -> timed ? new TimedWrite(out.channel(), out.value(), delay(random))
                    : new Write(out.channel(), out.value());
            case In in -> timed ? new TimedRead(in.channel(), delay(random)) : new Read(in.channel());
            default -> throw new IllegalArgumentException("guard=" + guard + " is not a communication");
        };
    }

    // Operations drawn one by one, independently.
    private static List<List<Op>> free(Random random, int channels, int processes, int[] nextValue) {
        List<List<Op>> ops = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            List<Op> body = new ArrayList<>();
            int length = 1 + random.nextInt(4);
            for (int i = 0; i < length; i++) {
                List<Select> earlier = body.stream().filter(Select.class::isInstance).map(Select.class::cast).toList();
                if (!earlier.isEmpty() && random.nextInt(3) == 0) {
                    // The same alternation again, so that fair selection has something to rotate.
                    Order order = Order.values()[random.nextInt(Order.values().length)];
                    body.add(new Select(order, earlier.get(random.nextInt(earlier.size())).guards()));
                } else {
                    body.add(op(random, channels, nextValue));
                }
            }
            ops.add(body);
        }
        return ops;
    }

    private static Op op(Random random, int channels, int[] nextValue) {
        int channel = random.nextInt(channels);
        int kind = random.nextInt(100);
        if (kind < 22) {
            return new Write(channel, nextValue[0]++);
        } else if (kind < 44) {
            return new Read(channel);
        } else if (kind < 51) {
            return new TimedWrite(channel, nextValue[0]++, delay(random));
        } else if (kind < 58) {
            return new TimedRead(channel, delay(random));
        } else if (kind < 84) {
            return select(random, channels, nextValue);
        } else if (kind < 92) {
            return new Poison(channel, random.nextBoolean() ? Side.READER : Side.WRITER);
        }
        return new Retire(channel, random.nextBoolean() ? Side.READER : Side.WRITER);
    }

    private static Select select(Random random, int channels, int[] nextValue) {
        Order order = Order.values()[random.nextInt(Order.values().length)];
        int size = 1 + random.nextInt(3);
        List<Guard> guards = new ArrayList<>();
        for (int g = 0; g < size; g++) {
            boolean enabled = random.nextInt(8) != 0;
            int kind = random.nextInt(10);
            int channel = random.nextInt(channels);
            if (kind < 4) {
                guards.add(new In(channel, enabled));
            } else if (kind < 8) {
                guards.add(new Out(channel, nextValue[0]++, enabled));
            } else if (kind < 9) {
                guards.add(new Timeout(delay(random), enabled));
            } else {
                guards.add(new Skip(enabled));
            }
        }
        return new Select(order, guards);
    }

    private static int delay(Random random) {
        return random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(MAX_DELAY_MS);
    }
}
