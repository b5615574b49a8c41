package dev.parley.chaos;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.model.sim.History;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Process faults on a channel's home behind the relay: a buffered channel hosted by a
 * {@link HomeNode} in a child JVM, two writers on a writer node and a reader on a reader node
 * (both in this JVM, each node behind its own proxy, as is the home), all of them remote ends.
 * Under heavy traffic (writes back to back) the home is killed with SIGKILL and restarted at
 * the same address; later it is stopped with SIGSTOP for longer than the peer timeout and
 * continued. After an UNKNOWN or UNREACHABLE outcome a writer or the reader goes on with a
 * fresh end of the same connected channel; with {@code sameEnds} they keep their first end
 * objects for the whole run instead, which the binding re-opens at their next operation after
 * the home's restart, and traffic must resume through them (resumes-after-restart, for the
 * writes and for the reads: some operation begun after the restart and ended before the stop
 * is DONE). At the end the writers stop and the reader drains the channel.
 *
 * <p>What the contract allows is allowed: operations under way at the kill or during the
 * pause may end UNKNOWN or UNREACHABLE; the values in the buffer when its home was killed are
 * lost, which the history records as discards (at most the capacity: more unread DONE writes
 * that ended before the kill are reported as buffer-loss-bounded). From a settling time after
 * the pause on, everything must work again. Run by one thread; it starts three workers and one
 * child JVM and ends them.
 */
public final class ProcessFaultScenario {
    static final String CHANNEL = "proc";
    private static final int CAPACITY = 4;
    private static final long TIMEOUT_MS = 500;
    private static final Duration START = Duration.ofSeconds(60);
    private static final List<String> WRITERS = List.of("w1", "w2");

    private final long seed;
    private final CrashPhases phases;
    private final Path logDir;
    private final boolean sameEnds;

    /** The scenario whose workers take a fresh end after UNKNOWN or UNREACHABLE. */
    public ProcessFaultScenario(long seed, CrashPhases phases, Path logDir) {
        this(seed, phases, logDir, false);
    }

    /** With {@code sameEnds}, every worker keeps its first end for the whole run. */
    public ProcessFaultScenario(long seed, CrashPhases phases, Path logDir, boolean sameEnds) {
        this.seed = seed;
        this.phases = phases;
        this.logDir = logDir;
        this.sameEnds = sameEnds;
    }

    public String name() {
        return sameEnds ? "process-same-ends-kill-restart-pause" : "process-kill-restart-pause";
    }

    /** Runs the scenario and returns its report; blocks for its phases and the shutdown. */
    public ScenarioReport run() throws InterruptedException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        List<Operation> running;
        long killNs;
        String host = WireFaultScenario.HOST;
        int homePort = Ports.freeUdpPort();
        int writerPort = Ports.freeUdpPort();
        int readerPort = Ports.freeUdpPort();
        try (FaultRelay relay = new FaultRelay(seed); ProcessFleet fleet = new ProcessFleet(logDir)) {
            Proxy toHome = relay.createProxy("to-home", 0, new InetSocketAddress(host, homePort));
            Proxy toWriter = relay.createProxy("to-writer", 0, new InetSocketAddress(host, writerPort));
            Proxy toReader = relay.createProxy("to-reader", 0, new InetSocketAddress(host, readerPort));
            int at = toHome.listenAddress().getPort();
            NodeProcess home = fleet.start("home", HomeNode.class, Integer.toString(homePort), Integer.toString(at),
                    Long.toString(WireFaultScenario.PEER_TIMEOUT_MS), CHANNEL, Integer.toString(CAPACITY));
            home.awaitReady(START);
            try (Node writer = Node.start(WireFaultScenario.config(writerPort, toWriter));
                 Node reader = Node.start(WireFaultScenario.config(readerPort, toReader));
                 Workers workers = new Workers()) {
                Channel<String> forWriters = writer.connect(CHANNEL, host, at, Codec.strings(), START);
                Channel<String> forReader = reader.connect(CHANNEL, host, at, Codec.strings(), START);
                ChannelInput<String> kept = sameEnds ? forReader.reader() : null;
                Supplier<ChannelInput<String>> readerEnds = sameEnds ? () -> kept : forReader::reader;
                workers.start("chaos-reader", () -> Workers.readTimedUntilDrained(recorder, "r", CHANNEL,
                        readerEnds, TIMEOUT_MS, workers));
                for (String w : WRITERS) {
                    ChannelOutput<String> out = forWriters.writer();
                    workers.startWriter(w, () -> Workers.writeUntilStopped(recorder, w, CHANNEL, out,
                            sameEnds ? null : forWriters::writer, TIMEOUT_MS, 0, workers));
                }
                killNs = phases.run(recorder, home, "home").killedNs();
                running = workers.stopAndDrain(TIMEOUT_MS + WireFaultScenario.PEER_TIMEOUT_MS + 2_000, recorder);
                notes.add("writer node: " + writer.counters());
                notes.add("reader node: " + reader.counters());
            }
            notes.addAll(relay.counterNotes());
            notes.add("home node log (" + home.starts() + " starts): " + home.log());
        }
        List<Operation> history = recorder.operations();
        List<String> anomalies = new ArrayList<>();
        List<History.Discard> lost = lostWithTheBuffer(history, killNs, CAPACITY, 0, anomalies);
        notes.add(lost.size() + " DONE writes were unread and ended before the kill: lost with the buffer "
                + lost.stream().map(History.Discard::value).toList());
        if (sameEnds) {
            anomalies.addAll(CrashPhases.resumedAfterRestart(history, recorder.faults(), "write", null));
            anomalies.addAll(CrashPhases.resumedAfterRestart(history, recorder.faults(), "read", null));
        }
        anomalies.addAll(ChannelHistory.check(history, running, recorder.faults(), AeronWriteScenario.SLACK_NS,
                phases.settleNs(), lost));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("channel", "buffered '" + CHANNEL + "' (capacity " + CAPACITY + ") hosted by a child JVM"
                + " with no local ends; every end is remote");
        parameters.put("nodes", "home in a child JVM; writer node (" + WRITERS + ") and reader node (r) in this"
                + " JVM; each of the three behind its own proxy, advertising it; no wire faults");
        parameters.put("operations", "timed writes and reads of " + TIMEOUT_MS + " ms, writes back to back");
        parameters.put("ends", sameEnds ? "every worker keeps its first end object for the whole run (re-opened by"
                + " the binding after the home's restart)" : "a worker takes a fresh end after UNKNOWN or UNREACHABLE");
        parameters.put("phases", phases.describe("drain"));
        parameters.put("peerTimeoutMs", Long.toString(WireFaultScenario.PEER_TIMEOUT_MS));
        return new ScenarioReport(name(), seed, parameters, history, recorder.faults(),
                anomalies, notes);
    }

    /**
     * The values the crash may have taken with the buffer: DONE writes that ended before the
     * kill and were never read. At most {@code capacity} can have been in the buffer, and one
     * more in each of {@code cutReads} reads at the home that the kill cut short (a local reader
     * that had taken a value and had no time to say so); more is an anomaly
     * (buffer-loss-bounded), and then none is excused.
     */
    static List<History.Discard> lostWithTheBuffer(List<Operation> history, long killNs, int capacity, int cutReads,
                                                   List<String> anomalies) {
        Set<String> read = new HashSet<>();
        for (Operation op : history) {
            if (op.kind().equals("read") && op.outcome() == Outcome.DONE) {
                read.add(op.value());
            }
        }
        String why = cutReads == 0 ? "in the buffer when its home was killed"
                : "in the buffer, or taken by the read cut short, when its home was killed";
        List<History.Discard> lost = new ArrayList<>();
        for (Operation op : history) {
            if (op.kind().equals("write") && op.outcome() == Outcome.DONE && op.endNs() < killNs
                    && !read.contains(op.value())) {
                lost.add(new History.Discard(op.channel(), op.value(), killNs, why, false));
            }
        }
        if (lost.size() > capacity + cutReads) {
            anomalies.add("buffer-loss-bounded: " + lost.size() + " DONE writes that ended before the kill were"
                    + " never read, more than the capacity " + capacity + " and " + cutReads + " reads cut short at"
                    + " the home: " + lost);
            return List.of();
        }
        return lost;
    }
}
