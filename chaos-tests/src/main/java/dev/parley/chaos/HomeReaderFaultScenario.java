package dev.parley.chaos;

import dev.parley.Channel;
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

/**
 * Process faults on a channel's home that holds a local reader: a rendezvous channel hosted
 * by a {@link HomeNode} in a child JVM, whose reader announces every read on its standard
 * output ({@link Announced}), and two writers on a writer node in this JVM; each of the two
 * nodes is behind its own proxy. Under heavy traffic (timed writes back to back) the home is
 * killed with SIGKILL and restarted at the same address with a fresh reader; later it is
 * stopped with SIGSTOP for longer than the peer timeout and continued. After an UNKNOWN or
 * UNREACHABLE outcome a writer goes on with a fresh end of the same connected channel. At the
 * end the writers stop, the channel is poisoned through a remote end, and the home's reader
 * ends POISONED.
 *
 * <p>What the contract allows is allowed: writes under way at the kill or during the stop may
 * end UNKNOWN (delivered at most once) or UNREACHABLE (not delivered). The read under way at
 * the kill, begun and never announced as ended, is recorded UNKNOWN at the kill: it may have
 * taken a value it had no time to print, so {@link ChannelHistory} excuses one DONE write that
 * no read got. A rendezvous channel has no buffer, so nothing else may be lost: every other
 * DONE write was read, by the first or the second start of the home. Traffic must resume after
 * the restart (resumes-after-restart: a write begun after the home was back, and ended before
 * the stop, is DONE) as well as after the stop (traffic-resumes). Run by one thread; it starts
 * two writers and one child JVM and ends them.
 *
 * <p>With a {@code capacity} above 0 the channel is buffered ({@value #BUFFERED_NAME}): a write
 * is DONE once its value is in the buffer, and the values in the buffer when the home was
 * killed are lost with it, besides the one the cut read may have taken. The DONE writes that
 * ended before the kill and were never read are excused as that loss, at most the capacity
 * plus one per read cut short (more is buffer-loss-bounded, as in {@link ProcessFaultScenario});
 * every other DONE write must have been read. The home's reader is slowed down there (it
 * sleeps after each read), so that the buffer is full and the kill has something to lose.
 * The poison at the end comes from a writer's end,
 * so the home's reader gets what is left in the buffer before it ends POISONED.
 *
 * @param logDir where the home's log goes ({@code home.log}, appended across its starts)
 * @param capacity the channel's buffer, 0 for a rendezvous channel
 */
public record HomeReaderFaultScenario(long seed, CrashPhases phases, Path logDir, int capacity) {
    public static final String NAME = "home-reader-kill-restart-pause";
    public static final String BUFFERED_NAME = "home-reader-buffered-kill-restart-pause";
    static final String CHANNEL = "hr";
    private static final long TIMEOUT_MS = 500;
    private static final long JOIN_MS = TIMEOUT_MS + WireFaultScenario.PEER_TIMEOUT_MS + 2_000;
    private static final Duration START = Duration.ofSeconds(60);
    private static final List<String> WRITERS = List.of("w1", "w2");
    /**
     * On a buffered channel the home's reader sleeps this long after each read, so that it is
     * slower than the two writers and the buffer is full when the home is killed: the kill
     * loses what it holds. (With 2 ms, on a loaded machine, the writers sometimes fell behind
     * and the buffer was empty at the kill, in 2 runs of 3.)
     */
    private static final long BUFFERED_READ_GAP_MS = 5;

    /** The scenario on a rendezvous channel. */
    public HomeReaderFaultScenario(long seed, CrashPhases phases, Path logDir) {
        this(seed, phases, logDir, 0);
    }

    public HomeReaderFaultScenario {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity=" + capacity + " is negative");
        }
    }

    public String name() {
        return capacity == 0 ? NAME : BUFFERED_NAME;
    }

    /** Runs the scenario and returns its report; blocks for its phases and the shutdown. */
    public ScenarioReport run() throws InterruptedException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        List<Operation> running;
        CrashPhases.Marks marks;
        String host = WireFaultScenario.HOST;
        int homePort = Ports.freeUdpPort();
        int writerPort = Ports.freeUdpPort();
        NodeProcess home;
        try (FaultRelay relay = new FaultRelay(seed); ProcessFleet fleet = new ProcessFleet(logDir)) {
            Proxy toHome = relay.createProxy("to-home", 0, new InetSocketAddress(host, homePort));
            Proxy toWriter = relay.createProxy("to-writer", 0, new InetSocketAddress(host, writerPort));
            int at = toHome.listenAddress().getPort();
            home = fleet.start("home", HomeNode.class, Integer.toString(homePort), Integer.toString(at),
                    Long.toString(WireFaultScenario.PEER_TIMEOUT_MS), CHANNEL, Integer.toString(capacity),
                    capacity == 0 ? "reader" : "reader:" + BUFFERED_READ_GAP_MS);
            home.awaitReady(START);
            try (Node writer = Node.start(WireFaultScenario.config(writerPort, toWriter));
                 Workers workers = new Workers()) {
                Channel<String> remote = writer.connect(CHANNEL, host, at, Codec.strings(), START);
                for (String w : WRITERS) {
                    ChannelOutput<String> out = remote.writer();
                    workers.startWriter(w, () -> Workers.writeUntilStopped(recorder, w, CHANNEL, out, remote::writer,
                            TIMEOUT_MS, 0, workers));
                }
                marks = phases.run(recorder, home, "home");
                workers.stopWriters(JOIN_MS);
                running = recorder.running();
                try {
                    remote.writer().poison();
                } catch (RuntimeException e) {
                    anomalies.add("poison-applied: poisoning the channel through a remote end after the faults threw "
                            + e);
                }
                notes.add("writer node: " + writer.counters());
            }
            awaitTheReadersEnd(home, notes);
            notes.addAll(relay.counterNotes());
        }
        Announced.importFrom(recorder, home.log(), CHANNEL, "read", List.of(marks.killedEpochNs()),
                new long[] {marks.pausedFromEpochNs(), marks.pausedToEpochNs()}, anomalies);
        notes.add("home node log (" + home.starts() + " starts): " + home.log());
        List<Operation> history = recorder.operations();
        notes.add("DONE reads per start of the home's reader: " + readsPerReader(history));
        notes.add("the final read ends POISONED: the channel is poisoned once the writers have stopped");
        anomalies.addAll(capacity == 0 ? judge(history, running, recorder.faults(), phases.settleNs())
                : judgeBuffered(history, running, recorder.faults(), phases.settleNs(), capacity, marks.killedNs(),
                        notes));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("channel", (capacity == 0 ? "rendezvous" : "buffered (capacity " + capacity + ")") + " '"
                + CHANNEL + "' hosted by a child JVM with a local reader (process"
                + " hr-<pid>, one per start) that prints every read as it begins and ends");
        parameters.put("nodes", "home in a child JVM; writer node (" + WRITERS + ") in this JVM; each behind its"
                + " own proxy, advertising it; no wire faults");
        parameters.put("operations", "timed writes of " + TIMEOUT_MS + " ms back to back; untimed reads"
                + (capacity == 0 ? "" : ", the reader sleeping " + BUFFERED_READ_GAP_MS + " ms after each"));
        parameters.put("phases", phases.describe("stop, poison"));
        parameters.put("peerTimeoutMs", Long.toString(WireFaultScenario.PEER_TIMEOUT_MS));
        return new ScenarioReport(name(), seed, parameters, history, recorder.faults(), anomalies, notes);
    }

    /**
     * Waits for the home's reader to end POISONED and its JVM to exit, and for its output to
     * be in the log; a home still running after the join time is killed (its last read then
     * shows as never ended, reader-stopped).
     */
    private static void awaitTheReadersEnd(NodeProcess home, List<String> notes) {
        try {
            home.awaitExit(Duration.ofMillis(JOIN_MS));
        } catch (IllegalStateException e) {
            notes.add("the home did not exit after the poison: " + e.getMessage() + "; killed");
            home.kill();
        }
        home.awaitOutput(Duration.ofSeconds(10));
    }

    /**
     * The anomalies of the history: {@link ChannelHistory}'s, lost-only-by-the-cut-read and
     * resumes-after-restart. {@code faults} are the crash's window and the stop's, in order.
     */
    static List<String> judge(List<Operation> history, List<Operation> running, List<FaultWindow> faults,
                              long settleNs) {
        List<String> anomalies = new ArrayList<>(lostOnlyByTheCutRead(history));
        anomalies.addAll(CrashPhases.resumedAfterRestart(history, faults, "write", null));
        anomalies.addAll(ChannelHistory.check(history, running, faults, AeronWriteScenario.SLACK_NS, settleNs));
        return anomalies;
    }

    /**
     * The anomalies of a buffered channel's history: buffer-loss-bounded (the unread DONE
     * writes that ended before the kill, at most the capacity plus one per read cut short, are
     * excused as lost with the home; the count goes to {@code notes}), resumes-after-restart and
     * {@link ChannelHistory}'s.
     */
    static List<String> judgeBuffered(List<Operation> history, List<Operation> running, List<FaultWindow> faults,
                                      long settleNs, int capacity, long killNs, List<String> notes) {
        List<String> anomalies = new ArrayList<>();
        int cutReads = (int) history.stream().filter(op -> op.kind().equals("read")
                && op.outcome() == Outcome.UNKNOWN).count();
        List<History.Discard> lost = ProcessFaultScenario.lostWithTheBuffer(history, killNs, capacity, cutReads,
                anomalies);
        notes.add(lost.size() + " DONE writes were unread and ended before the kill: lost with the buffer or the"
                + " read cut short (" + cutReads + ") " + lost.stream().map(History.Discard::value).toList());
        anomalies.addAll(CrashPhases.resumedAfterRestart(history, faults, "write", null));
        anomalies.addAll(ChannelHistory.check(history, running, faults, AeronWriteScenario.SLACK_NS, settleNs, lost));
        return anomalies;
    }

    /**
     * lost-only-by-the-cut-read: {@link ChannelHistory} excuses one unread DONE write per read
     * that ended UNKNOWN, begun before that read ended, which fits a buffer. On a rendezvous
     * channel a write is DONE only once a read has taken its value, so the value a read cut
     * short by the kill took was written by a write that ended after that read began: an
     * unread DONE write that ended earlier was lost, and so is every one beyond one per cut read.
     */
    static List<String> lostOnlyByTheCutRead(List<Operation> history) {
        Set<String> read = new HashSet<>();
        List<Operation> cutReads = new ArrayList<>();
        for (Operation op : history) {
            if (op.kind().equals("read") && op.outcome() == Outcome.DONE) {
                read.add(op.value());
            } else if (op.kind().equals("read") && op.outcome() == Outcome.UNKNOWN) {
                cutReads.add(op);
            }
        }
        List<Operation> unread = history.stream().filter(op -> op.kind().equals("write")
                && op.outcome() == Outcome.DONE && !read.contains(op.value())).toList();
        List<Operation> unexplained = unread.stream().filter(w -> cutReads.stream().noneMatch(r -> w.endNs()
                >= r.startNs() && w.startNs() < r.endNs())).toList();
        if (unexplained.isEmpty() && unread.size() <= cutReads.size()) {
            return List.of();
        }
        return List.of("lost-only-by-the-cut-read: " + unread.size() + " DONE writes were never read, "
                + cutReads.size() + " reads were cut short (ended UNKNOWN), and these fit no cut read (a write it"
                + " took begins before the read ends and ends after the read begins): " + unexplained);
    }

    private static Map<String, Long> readsPerReader(List<Operation> history) {
        Map<String, Long> reads = new LinkedHashMap<>();   // in the order the starts began
        for (Operation op : history) {
            if (op.kind().equals("read") && op.outcome() == Outcome.DONE) {
                reads.merge(op.process(), 1L, Long::sum);
            }
        }
        return reads;
    }
}
