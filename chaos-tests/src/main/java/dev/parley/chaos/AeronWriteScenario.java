package dev.parley.chaos;

import dev.parley.ChannelOutput;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first scenario over real Parley nodes: a writer node in this JVM writes N values, each
 * with a timeout and 5 ms apart, to a rendezvous channel hosted by a reader node in a child JVM, and the
 * reader's JVM is paused with SIGSTOP for {@code pauseMs} (below the peer timeout) once a third
 * of the writes are done; the reader prints what it got, and {@link ChannelHistory} checks the
 * history. Run by one thread; the writes run on a second one.
 *
 * <p>The nodes talk directly here, and the faults on the wire come from Aeron's loss
 * generators in the reader's media driver ({@link DriverLoss}); {@link WireFaultScenario} puts
 * the nodes behind the fault relay. The report notes both drivers' counters of status
 * messages, NAKs, heartbeats and retransmissions, which show the generators at work.
 */
public final class AeronWriteScenario {
    private static final Duration START = Duration.ofSeconds(60);
    private static final long PEER_TIMEOUT_MS = 5_000;
    private static final long WRITE_GAP_MS = 5;
    /** An operation may end a peer timeout past its deadline (PROTOCOL.md), plus 2 s of a shared machine's noise. */
    static final long SLACK_NS = (PEER_TIMEOUT_MS + 2_000) * 1_000_000;
    /** After the last fault, Aeron and the protocol get this long to recover before failures count. */
    static final long SETTLE_NS = 500_000_000L;

    private final String name;
    private final long seed;
    private final int writes;
    private final long timeoutMs;
    private final long pauseMs;
    private final DriverLoss driverLoss;
    private final Path logDir;

    /**
     * The rates of the loss generators in the reader's media driver (Aeron's
     * {@code io.aeron.driver.ext} debug endpoints, each seeded from the scenario's seed), 0 for
     * none. {@code data}: the data frames it receives (with setup and RTT frames) and those it
     * sends (with heartbeats and retransmissions). {@code control}: the status messages, NAKs
     * and RTT replies it sends for the writer's stream and those it receives for its own. One
     * driver's generators thus drop every kind of frame in both directions of the link; Aeron
     * repairs the losses. Immutable.
     */
    public record DriverLoss(double data, double control) {
        public DriverLoss {
            Toxic.checkToxicity(data);
            Toxic.checkToxicity(control);
        }

        /** The system properties that make the reader's embedded driver use these generators. */
        List<String> jvmOptions(long seed) {
            List<String> o = new ArrayList<>();
            if (data == 0 && control == 0) {
                return o;
            }
            o.add("-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier");
            o.add("-Daeron.SendChannelEndpoint.supplier=io.aeron.driver.ext.DebugSendChannelEndpointSupplier");
            if (data > 0) {
                o.add("-Daeron.debug.receive.data.loss.rate=" + data);
                o.add("-Daeron.debug.receive.data.loss.seed=" + seed);
                o.add("-Daeron.debug.send.data.loss.rate=" + data);
                o.add("-Daeron.debug.send.data.loss.seed=" + (seed + 1));
            }
            if (control > 0) {
                o.add("-Daeron.debug.receive.control.loss.rate=" + control);
                o.add("-Daeron.debug.receive.control.loss.seed=" + (seed + 2));
                o.add("-Daeron.debug.send.control.loss.rate=" + control);
                o.add("-Daeron.debug.send.control.loss.seed=" + (seed + 3));
            }
            return o;
        }

        String describe() {
            return "reader's media driver drops the data frames it receives and sends at " + data + " and the control"
                    + " frames (status messages, NAKs, RTT) it sends and receives at " + control + " (Aeron repairs"
                    + " them)";
        }
    }

    /** @param name the report's name, such as {@code aeron-writes} */
    public AeronWriteScenario(String name, long seed, int writes, long timeoutMs, long pauseMs, DriverLoss driverLoss,
                              Path logDir) {
        if (writes < 3 || timeoutMs < 1 || pauseMs < 1 || pauseMs >= PEER_TIMEOUT_MS) {
            throw new IllegalArgumentException("need writes >= 3, timeoutMs >= 1, 1 <= pauseMs < " + PEER_TIMEOUT_MS
                    + ": writes=" + writes + ", timeoutMs=" + timeoutMs + ", pauseMs=" + pauseMs);
        }
        this.name = name;
        this.seed = seed;
        this.writes = writes;
        this.timeoutMs = timeoutMs;
        this.pauseMs = pauseMs;
        this.driverLoss = driverLoss;
        this.logDir = logDir;
    }

    /** Runs the scenario and returns its report; blocks until every write has ended. */
    public ScenarioReport run() throws InterruptedException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        int readerPort = Ports.freeUdpPort();
        NodeProcess reader;
        try (ProcessFleet fleet = new ProcessFleet(logDir)) {
            reader = fleet.start("reader", AeronReaderNode.class, driverLoss.jvmOptions(seed),
                    Integer.toString(readerPort), Long.toString(PEER_TIMEOUT_MS));
            reader.awaitReady(START);
            NodeConfig config = NodeConfig.of("127.0.0.1", 0).withPeerTimeout(Duration.ofMillis(PEER_TIMEOUT_MS));
            try (Node writer = Node.start(config)) {
                ChannelOutput<String> out = writer.connect(AeronReaderNode.CHANNEL, "127.0.0.1", readerPort,
                        Codec.strings(), Duration.ofSeconds(30)).writer();
                AtomicInteger written = new AtomicInteger();
                Thread writing = new Thread(() -> {
                    try {
                        for (int i = 0; i < writes; i++) {
                            timedWrite(recorder, "w", AeronReaderNode.CHANNEL, out, i, timeoutMs);
                            written.incrementAndGet();
                            Thread.sleep(WRITE_GAP_MS);   // paced, so that the pause falls amid the writes
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "chaos-writer");
                writing.start();
                try {
                    while (written.get() < writes / 3 && writing.isAlive()) {
                        Thread.sleep(5);
                    }
                    reader.pause();
                    Recorder.Fault pause = recorder.faultBegins("reader paused (SIGSTOP) " + pauseMs + " ms");
                    Thread.sleep(pauseMs);
                    pause.end();
                    reader.resume();
                } finally {
                    writing.join();
                }
                Thread.sleep(500);                // let the last reads be printed
                notes.add("writer node: " + writer.counters());
                notes.add("writer's media driver: " + driverCounters(ProcessHandle.current().pid()));
                notes.add("reader's media driver: " + driverCounters(reader.pid()));
            }
            reader.kill();
        }
        importReads(recorder, reader.log());
        notes.add("reader node log: " + reader.log());
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("writes", Integer.toString(writes));
        parameters.put("timeoutMs", Long.toString(timeoutMs));
        parameters.put("peerTimeoutMs", Long.toString(PEER_TIMEOUT_MS));
        parameters.put("pauseMs", Long.toString(pauseMs));
        parameters.put("driverLoss", driverLoss.describe());
        parameters.put("not faulted", "the wire: the nodes talk directly (the wire-* scenarios put them behind the"
                + " relay)");
        List<Operation> history = recorder.operations();
        return new ScenarioReport(name, seed, parameters, history, recorder.faults(),
                ChannelHistory.check(history, recorder.running(), recorder.faults(), SLACK_NS, SETTLE_NS), notes);
    }

    /** The driver's counters, or why they could not be read (the report goes on without them). */
    private static String driverCounters(long pid) {
        try {
            return DriverCounters.ofProcess(pid).toString();
        } catch (RuntimeException e) {
            return "not read: " + e.getMessage();
        }
    }

    /**
     * One write of {@code <writer>:i} on {@code channel} with a timeout, recorded as process
     * {@code writer}, kind write, that value; returns its outcome.
     */
    static Outcome timedWrite(Recorder recorder, String writer, String channel, ChannelOutput<String> out, int i,
                              long timeoutMs) {
        String value = writer + ":" + i;
        Duration timeout = Duration.ofMillis(timeoutMs);
        Recorder.Pending op = recorder.begin(writer, channel, "write", value, timeout);
        try {
            if (out.write(value, timeout)) {
                op.done();
                return Outcome.DONE;
            }
            op.notDone();
            return Outcome.NOT_DONE;
        } catch (RuntimeException e) {
            op.threw(e);
            return Outcome.of(e);
        }
    }

    private static void importReads(Recorder recorder, Path log) {
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("got ")) {
                    String[] f = line.split(" ");
                    recorder.importOperation("r", AeronReaderNode.CHANNEL, "read", f[1], Long.parseLong(f[2]),
                            Long.parseLong(f[3]), Outcome.DONE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reader's log " + log, e);
        }
    }
}
