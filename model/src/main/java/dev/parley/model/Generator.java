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
 * two channels (rendezvous or buffered), two to four processes of one to four operations, with
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
        return new Program(capacities, ops);
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
