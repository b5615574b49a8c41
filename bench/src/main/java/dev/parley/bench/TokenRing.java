package dev.parley.bench;

import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.PoisonException;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The scale run: a ring of {@code processes} Parley processes, each on its own virtual thread,
 * passing one token around over rendezvous channels; then the ring is shut down by poison. Run
 * from a command line ({@code bin/parley scale}); {@link #run} blocks its caller until every
 * process has ended.
 *
 * <pre>
 *   Driver --c0--&gt; Forwarder 1 --c1--&gt; ... --c(n-2)--&gt; Forwarder n-1 --c(n-1)--&gt; Driver
 * </pre>
 * The ring has {@code processes} processes and as many channels: one driver and
 * {@code processes - 1} forwarders, so one lap is {@code processes} hops (communications). Every
 * hop adds one to the token, so the driver checks that no hop was lost or repeated.
 *
 * <p>Heap per blocked process: the used heap is read from {@link MemoryMXBean} after
 * {@link System#gc()} (a full, compacting collection with the default G1 collector) three times:
 * before anything is made, once the channels and process records exist, and once every forwarder
 * has taken the token once and is blocked again in its next read (after the first lap). The
 * differences divided by the ring size give bytes per channel (with its two ends and the process
 * record) and bytes per blocked virtual thread (its parked stack, the thread, its decision and
 * offer, and {@link Parallel}'s list entry). It is read once more after the timed laps, because a
 * parked thread's stack may then span two stack chunks (the JDK freezes into a new chunk when the
 * old one has reached the old generation), which makes the figure depend on the GC's history.
 */
public final class TokenRing {

    /**
     * What the run saw. Immutable; any thread may read it.
     *
     * @param processes the ring size
     * @param laps timed laps
     * @param startNs from the start of {@link Parallel#run} until the token came back the first time
     * @param lapNs each timed lap
     * @param heapBeforeBytes used heap before the ring was made
     * @param heapWithChannelsBytes used heap with channels and records made, no thread started
     * @param heapBlockedBytes used heap with every process blocked, after the first lap
     * @param heapAfterLapsBytes used heap with every process blocked, after the timed laps
     * @param poisonNs from the driver's poison until the poison came back round to it
     * @param ended processes that ended (all of them, when {@link Parallel#run} has returned)
     */
    public record Report(int processes, int laps, long startNs, List<Long> lapNs, long heapBeforeBytes,
                         long heapWithChannelsBytes, long heapBlockedBytes, long heapAfterLapsBytes, long poisonNs,
                         long ended) {

        /** @return mean nanoseconds per hop over the timed laps */
        public double nsPerHop() {
            return lapNs.stream().mapToLong(Long::longValue).sum() / ((double) processes * laps);
        }

        /** @return heap bytes per process, everything included: channel, record, blocked thread */
        public double bytesPerBlockedProcess() {
            return (heapBlockedBytes - heapBeforeBytes) / (double) processes;
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            out.append(fmt("ring of %,d processes (%,d channels), %d timed lap(s)%n", processes, processes, laps));
            out.append(fmt("  start, first lap:      %,.0f ms%n", startNs / 1e6));
            for (int i = 0; i < lapNs.size(); i++) {
                out.append(fmt("  lap %d:                 %,.0f ms = %.0f ns per hop%n", i + 1, lapNs.get(i) / 1e6,
                        lapNs.get(i) / (double) processes));
            }
            out.append(fmt("  time per hop (mean):   %.0f ns%n", nsPerHop()));
            out.append(fmt("  heap used before:      %,d bytes%n", heapBeforeBytes));
            out.append(fmt("  with channels made:    %,d bytes (%.0f per channel with ends and record)%n",
                    heapWithChannelsBytes, (heapWithChannelsBytes - heapBeforeBytes) / (double) processes));
            out.append(fmt("  with all blocked:      %,d bytes (%.0f per blocked thread)%n", heapBlockedBytes,
                    (heapBlockedBytes - heapWithChannelsBytes) / (double) processes));
            out.append(fmt("  heap per blocked process, all included: %.0f bytes after the first lap, %.0f after"
                    + " the timed laps%n", bytesPerBlockedProcess(),
                    (heapAfterLapsBytes - heapBeforeBytes) / (double) processes));
            out.append(fmt("  shutdown by poison:    %,.0f ms (%.0f ns per process); %,d of %,d processes ended%n",
                    poisonNs / 1e6, poisonNs / (double) processes, ended, processes));
            return out.toString();
        }
    }

    /** Takes the token, adds one, passes it on; poison ends it and spreads to both its ends. */
    record Forwarder(ChannelInput<Integer> in, ChannelOutput<Integer> out, LongAdder ended) implements CSProcess {
        @Override
        public void run() {
            try {
                while (true) {
                    out.write(in.read() + 1);
                }
            } finally {
                ended.increment();
            }
        }
    }

    private TokenRing() {
    }

    /**
     * Builds the ring, times {@code laps} laps, poisons it and waits for every process to end.
     *
     * @param processes the ring size, at least 2
     * @param laps how many laps to time, at least 1
     * @return what the run saw
     * @throws IllegalArgumentException if a count is too small
     * @throws Exception if a process fails
     */
    public static Report run(int processes, int laps) throws Exception {
        checkCounts(processes, laps);
        long heapBefore = usedHeapAfterGc();
        List<Channel<Integer>> channels = new ArrayList<>(processes);
        for (int i = 0; i < processes; i++) {
            channels.add(Channel.create("ring-" + i));
        }
        LongAdder ended = new LongAdder();
        List<CSProcess> ring = new ArrayList<>(processes);
        for (int i = 1; i < processes; i++) {
            ring.add(new Forwarder(channels.get(i - 1).reader(), channels.get(i).writer(), ended));
        }
        ChannelOutput<Integer> first = channels.get(0).writer();
        ChannelInput<Integer> last = channels.get(processes - 1).reader();
        Driver driver = new Driver(processes, laps, first, last, ended);
        ring.add(CSProcess.owning(driver, first, last));
        channels = null; // from here the ring alone keeps its channels alive
        driver.heapWithChannels = usedHeapAfterGc();
        driver.startNs = System.nanoTime();
        Parallel.run(ring);
        return new Report(processes, laps, driver.firstLapDoneNs - driver.startNs, driver.lapNs, heapBefore,
                driver.heapWithChannels, driver.heapBlocked, driver.heapAfterLaps, driver.poisonNs, ended.sum());
    }

    /**
     * The ring's own process: sends the token round, measures, then poisons. It is run as a
     * process owning its two ends, so that a failure here poisons the ring too. Its fields are written
     * before {@link Parallel#run} starts it or by it, and read after it ended (join orders both).
     */
    private static final class Driver implements CSProcess {
        private final int processes;
        private final int laps;
        private final ChannelOutput<Integer> out;
        private final ChannelInput<Integer> in;
        private final LongAdder ended;
        long heapWithChannels;
        long startNs;
        long firstLapDoneNs;
        long heapBlocked;
        long heapAfterLaps;
        final List<Long> lapNs = new ArrayList<>();
        long poisonNs;

        Driver(int processes, int laps, ChannelOutput<Integer> out, ChannelInput<Integer> in, LongAdder ended) {
            this.processes = processes;
            this.laps = laps;
            this.out = out;
            this.in = in;
            this.ended = ended;
        }

        @Override
        public void run() {
            try {
                measure();
            } finally {
                ended.increment();
            }
        }

        private void measure() {
            int token = lap(0);
            firstLapDoneNs = System.nanoTime();
            heapBlocked = usedHeapAfterGc();
            for (int i = 0; i < laps; i++) {
                long t0 = System.nanoTime();
                token = lap(token);
                lapNs.add(System.nanoTime() - t0);
            }
            heapAfterLaps = usedHeapAfterGc();
            long t0 = System.nanoTime();
            out.poison();
            try {
                Integer stray = in.read();
                throw new IllegalStateException("token=" + stray + " arrived after the ring was poisoned");
            } catch (PoisonException expected) {
                poisonNs = System.nanoTime() - t0; // the poison went all the way round
            }
        }

        /** Sends {@code token} round once; the driver's own hop is the final +1. */
        private int lap(int token) {
            out.write(token);
            int back = in.read() + 1;
            int expected = token + processes;
            if (back != expected) {
                throw new IllegalStateException("token=" + back + " after a lap, expected=" + expected);
            }
            return back;
        }
    }

    private static void checkCounts(int processes, int laps) {
        if (processes < 2) {
            throw new IllegalArgumentException("processes=" + processes + " must be at least 2");
        }
        if (laps < 1) {
            throw new IllegalArgumentException("laps=" + laps + " must be at least 1");
        }
    }

    /** @return heap bytes in use after a full collection (read after each of two, the second kept) */
    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * @param args {@code --processes=N} (default 1,000,000) and {@code --laps=N} (default 3)
     * @throws Exception if a process fails
     */
    public static void main(String[] args) throws Exception {
        int processes = 1_000_000;
        int laps = 3;
        try {
            for (String arg : args) {
                if (arg.startsWith("--processes=")) {
                    processes = parse(arg);
                } else if (arg.startsWith("--laps=")) {
                    laps = parse(arg);
                } else {
                    throw new IllegalArgumentException("argument='" + arg + "' is unknown");
                }
            }
            checkCounts(processes, laps);
        } catch (IllegalArgumentException e) {
            System.err.println("parley scale: " + e.getMessage()
                    + "\nusage: bin/parley scale [--processes=1000000] [--laps=3] [--carriers=N]");
            System.exit(2);
        }
        String carriers = System.getProperty("jdk.virtualThreadScheduler.parallelism",
                "default(" + Runtime.getRuntime().availableProcessors() + ")");
        System.out.println("Parley scale run: JDK " + Runtime.version() + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, carriers " + carriers + ", GC "
                + ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        System.out.print(run(processes, laps).describe());
    }

    private static int parse(String arg) {
        String value = arg.substring(arg.indexOf('=') + 1);
        try {
            return Integer.parseInt(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(arg.substring(2, arg.indexOf('=')) + "=" + value
                    + " is not a whole number", e);
        }
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
