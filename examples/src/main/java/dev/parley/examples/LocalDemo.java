package dev.parley.examples;

import dev.parley.Alternation;
import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.Parallel;
import dev.parley.Selected;

import java.io.PrintStream;

/**
 * A small process network in one JVM: two producers, a merger that alternates over them, a
 * squarer, and a printer. The printer poisons its input after the last message it wants, and
 * the poison spreads back through every process, which all end normally.
 */
public final class LocalDemo {

    private LocalDemo() {
    }

    /** A producer of {@code count} numbers starting at {@code first}; it retires when done. */
    record Producer(int first, int count, ChannelOutput<Integer> out) implements CSProcess {
        @Override
        public void run() {
            for (int i = 0; i < count; i++) {
                out.write(first + i);
            }
            out.retire();
        }
    }

    /** Merges two inputs fairly into one output; poison or retire on any of its channels ends it. */
    record Merger(ChannelInput<Integer> left, ChannelInput<Integer> right, ChannelOutput<Integer> out)
            implements CSProcess {
        @Override
        public void run() {
            Alternation alt = new Alternation(new InputGuard<>(left), new InputGuard<>(right));
            while (true) {
                Selected s = alt.fairSelect();
                out.write(s.value());
            }
        }
    }

    /** Squares every number it reads. */
    record Squarer(ChannelInput<Integer> in, ChannelOutput<Integer> out) implements CSProcess {
        @Override
        public void run() {
            while (true) {
                int n = in.read();
                out.write(n * n);
            }
        }
    }

    /** Prints {@code wanted} messages, then poisons its input to shut the network down. */
    record Printer(ChannelInput<Integer> in, int wanted, PrintStream console) implements CSProcess {
        @Override
        public void run() {
            for (int i = 0; i < wanted; i++) {
                console.println("squared: " + in.read());
            }
            console.println("printer has what it wanted; poisoning its input");
            in.poison();
        }
    }

    /**
     * Runs the network and prints what flows out of it.
     *
     * @param console where to print
     * @throws Exception if a process fails
     */
    public static void run(PrintStream console) throws Exception {
        Channel<Integer> evens = Channel.create("evens");
        Channel<Integer> odds = Channel.create("odds");
        Channel<Integer> merged = Channel.buffered("merged", 4);
        Channel<Integer> squares = Channel.create("squares");
        Parallel.run(
                new Producer(0, 1_000, evens.writer()),
                new Producer(1_000, 1_000, odds.writer()),
                new Merger(evens.reader(), odds.reader(), merged.writer()),
                new Squarer(merged.reader(), squares.writer()),
                new Printer(squares.reader(), 6, console));
        console.println("every process has ended; the network shut itself down");
    }

    /**
     * @param args unused
     * @throws Exception if a process fails
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
