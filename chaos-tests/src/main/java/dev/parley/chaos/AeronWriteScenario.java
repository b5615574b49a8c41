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
 * <p>The nodes talk directly here; {@link WireFaultScenario} puts them behind the fault
 * relay.
 */
public final class AeronWriteScenario {
    private static final Duration START = Duration.ofSeconds(60);
    private static final long PEER_TIMEOUT_MS = 5_000;
    private static final long WRITE_GAP_MS = 5;
    /** An operation may end a peer timeout past its deadline (PROTOCOL.md), plus 2 s of a shared machine's noise. */
    static final long SLACK_NS = (PEER_TIMEOUT_MS + 2_000) * 1_000_000;
    /** After the last fault, Aeron and the protocol get this long to recover before failures count. */
    static final long SETTLE_NS = 500_000_000L;

    private final long seed;
    private final int writes;
    private final long timeoutMs;
    private final long pauseMs;
    private final double driverLossRate;
    private final Path logDir;

    /**
     * @param driverLossRate the rate of the loss generators in the reader's media driver (Aeron's
     *     {@code io.aeron.driver.ext} debug endpoints, seeded): data frames it receives and data
     *     frames it sends are dropped at that rate, and Aeron repairs them; 0 for none
     */
    public AeronWriteScenario(long seed, int writes, long timeoutMs, long pauseMs, double driverLossRate,
                              Path logDir) {
        Toxic.checkToxicity(driverLossRate);
        if (writes < 3 || timeoutMs < 1 || pauseMs < 1 || pauseMs >= PEER_TIMEOUT_MS) {
            throw new IllegalArgumentException("need writes >= 3, timeoutMs >= 1, 1 <= pauseMs < " + PEER_TIMEOUT_MS
                    + ": writes=" + writes + ", timeoutMs=" + timeoutMs + ", pauseMs=" + pauseMs);
        }
        this.seed = seed;
        this.writes = writes;
        this.timeoutMs = timeoutMs;
        this.pauseMs = pauseMs;
        this.driverLossRate = driverLossRate;
        this.logDir = logDir;
    }

    /** Runs the scenario and returns its report; blocks until every write has ended. */
    public ScenarioReport run() throws InterruptedException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        int readerPort = Ports.freeUdpPort();
        NodeProcess reader;
        try (ProcessFleet fleet = new ProcessFleet(logDir)) {
            reader = fleet.start("reader", AeronReaderNode.class, driverLoss(), Integer.toString(readerPort),
                    Long.toString(PEER_TIMEOUT_MS));
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
        parameters.put("driverLossRate", "reader's media driver drops received and sent data frames at "
                + driverLossRate + " (Aeron repairs them)");
        parameters.put("not faulted", "the wire: the nodes talk directly (the wire-* scenarios put them behind the"
                + " relay)");
        List<Operation> history = recorder.operations();
        return new ScenarioReport("aeron-writes", seed, parameters, history, recorder.faults(),
                ChannelHistory.check(history, recorder.running(), recorder.faults(), SLACK_NS, SETTLE_NS), notes);
    }

    /** The system properties that make the reader's embedded driver use Aeron's seeded loss generators. */
    private List<String> driverLoss() {
        if (driverLossRate == 0) {
            return List.of();
        }
        return List.of(
                "-Daeron.ReceiveChannelEndpoint.supplier=io.aeron.driver.ext.DebugReceiveChannelEndpointSupplier",
                "-Daeron.SendChannelEndpoint.supplier=io.aeron.driver.ext.DebugSendChannelEndpointSupplier",
                "-Daeron.debug.receive.data.loss.rate=" + driverLossRate,
                "-Daeron.debug.receive.data.loss.seed=" + seed,
                "-Daeron.debug.send.data.loss.rate=" + driverLossRate,
                "-Daeron.debug.send.data.loss.seed=" + (seed + 1));
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
