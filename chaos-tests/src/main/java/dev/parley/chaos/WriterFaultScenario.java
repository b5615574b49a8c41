package dev.parley.chaos;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Process faults on the writing side: a {@link WriterNode} in a child JVM, behind a proxy,
 * writes back to back to a rendezvous channel hosted, with a local reader, by a home node in
 * this JVM behind its own proxy. The writer's JVM is killed with SIGKILL mid-traffic and
 * restarted at the same address, then stopped with SIGSTOP for longer than the peer timeout and
 * continued. The writer announces each write before it starts, so the one cut short by the kill
 * is recorded as UNKNOWN (it died mid-operation: delivered at most once), as the simulator
 * records a crashed process; a write under way while the writer's own JVM is stopped has its
 * deadline moved by the stop, since none of its clocks ran. The home must withdraw the dead
 * or silent writer's offers so that its reader goes on with the next incarnation.
 *
 * <p>When the remote writer is the channel's only writer end, the home abandons the old
 * incarnation's end as the writer's node restarts (a crash is not a retire), so the channel
 * stays open and the restarted writer's new end goes on writing to the same reader. With
 * {@code homeHoldsAWriterEnd} the home also keeps an idle writer end, which it never uses.
 * Run by one thread; it starts a reader and a child JVM and ends them.
 */
public final class WriterFaultScenario {
    static final String CHANNEL = "wk";
    private static final long TIMEOUT_MS = 500;
    private static final Duration START = Duration.ofSeconds(60);

    private final long seed;
    private final CrashPhases phases;
    private final Path logDir;
    private final boolean homeHoldsAWriterEnd;

    /**
     * @param homeHoldsAWriterEnd whether the home also holds a writer end of the channel (never
     *     used), so that the channel keeps a writer end of its own when the remote writer's
     *     node dies
     */
    public WriterFaultScenario(long seed, CrashPhases phases, Path logDir, boolean homeHoldsAWriterEnd) {
        this.seed = seed;
        this.phases = phases;
        this.logDir = logDir;
        this.homeHoldsAWriterEnd = homeHoldsAWriterEnd;
    }

    public String name() {
        return homeHoldsAWriterEnd ? "writer-kill-restart-pause-home-writer" : "writer-kill-restart-pause";
    }

    /** Runs the scenario and returns its report; blocks for its phases and the shutdown. */
    public ScenarioReport run() throws Exception {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        List<Operation> running;
        CrashPhases.Marks marks;
        String host = WireFaultScenario.HOST;
        int homePort = Ports.freeUdpPort();
        int writerPort = Ports.freeUdpPort();
        Files.createDirectories(logDir);
        Path stopFile = Files.createTempFile(logDir, "stop-writer", ".flag");
        Files.delete(stopFile);
        NodeProcess writer;
        try (FaultRelay relay = new FaultRelay(seed); ProcessFleet fleet = new ProcessFleet(logDir)) {
            Proxy toHome = relay.createProxy("to-home", 0, new InetSocketAddress(host, homePort));
            Proxy toWriter = relay.createProxy("to-writer", 0, new InetSocketAddress(host, writerPort));
            try (Node home = Node.start(WireFaultScenario.config(homePort, toHome));
                 Workers workers = new Workers()) {
                Channel<String> hosted = home.channel(CHANNEL, Codec.strings());
                ChannelInput<String> in = hosted.reader();
                ChannelOutput<String> idle = homeHoldsAWriterEnd ? hosted.writer() : null;
                workers.start("chaos-reader", () -> Workers.readUntilEnd(recorder, "r", CHANNEL, in));
                writer = fleet.start("writer", WriterNode.class, Integer.toString(writerPort),
                        Integer.toString(toWriter.listenAddress().getPort()),
                        Long.toString(WireFaultScenario.PEER_TIMEOUT_MS),
                        Integer.toString(toHome.listenAddress().getPort()), CHANNEL, Long.toString(TIMEOUT_MS),
                        stopFile.toString());
                writer.awaitReady(START);
                marks = phases.run(recorder, writer, "writer");
                Files.createFile(stopFile);
                Thread.sleep(TIMEOUT_MS + 500);   // the writer's last write ends, and it says "stopped"
                running = workers.stopWritersThenPoison(idle != null ? idle : hosted.writer(), TIMEOUT_MS
                        + WireFaultScenario.PEER_TIMEOUT_MS + 2_000, recorder);
                notes.add("home node: " + home.counters());
            }
            writer.kill();
            notes.addAll(relay.counterNotes());
        }
        List<String> anomalies = new ArrayList<>();
        Announced.importFrom(recorder, writer.log(), CHANNEL, "write", List.of(marks.killedEpochNs()),
                new long[] {marks.pausedFromEpochNs(), marks.pausedToEpochNs()}, anomalies);
        notes.add("writer node log (" + writer.starts() + " starts): " + writer.log());
        notes.add("the final read ends POISONED: the channel is poisoned once the writer has stopped");
        List<Operation> history = recorder.operations();
        history.stream().filter(op -> op.outcome() == Outcome.RETIRED).findFirst().ifPresent(op -> notes.add(
                "the channel retired: first RETIRED operation " + op.process() + " " + op.kind() + " ended at "
                        + op.endNs() / 1_000_000 + " ms"));
        anomalies.addAll(ChannelHistory.check(history, running, recorder.faults(), AeronWriteScenario.SLACK_NS,
                phases.settleNs()));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("channel", "rendezvous '" + CHANNEL + "' hosted with a local reader by a node in this JVM");
        parameters.put("nodes", "writer in a child JVM (process wk-<pid>, one per start), home in this JVM; each"
                + " behind its own proxy, advertising it; no wire faults");
        parameters.put("operations", "timed writes of " + TIMEOUT_MS + " ms back to back; untimed reads");
        parameters.put("phases", phases.describe("stop, poison"));
        parameters.put("peerTimeoutMs", Long.toString(WireFaultScenario.PEER_TIMEOUT_MS));
        parameters.put("home writer end", homeHoldsAWriterEnd ? "the home holds an idle writer end" : "none: the"
                + " remote writer is the channel's only writer");
        return new ScenarioReport(name(), seed, parameters, history, recorder.faults(),
                anomalies, notes);
    }
}
