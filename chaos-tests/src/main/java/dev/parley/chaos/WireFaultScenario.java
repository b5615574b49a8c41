package dev.parley.chaos;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One cell of the scenario matrix: real Parley nodes behind the fault relay under one
 * {@link WireFault}. A writer node and a reader node, both in this JVM, each have a
 * {@link Proxy} in front of them whose address they advertise
 * ({@link NodeConfig#withAdvertisedAddress}), so every frame in both directions, Aeron's status
 * messages too, crosses a proxy. Two writers on the writer node write timed (500 ms) to a
 * rendezvous channel hosted by the reader node, 2 ms apart, through three phases: calm, the
 * fault on both proxies, calm again; one local reader reads until the channel is poisoned at
 * the end. {@link ChannelHistory} judges the history. Run by one thread; it starts a reading
 * and two writing threads and ends them.
 */
public final class WireFaultScenario {
    static final String CHANNEL = "wire";
    static final String HOST = "127.0.0.1";
    static final long PEER_TIMEOUT_MS = 5_000;
    static final long TIMEOUT_MS = 500;
    private static final long WRITE_GAP_MS = 2;
    private static final List<String> WRITERS = List.of("w1", "w2");

    private final long seed;
    private final WireFault fault;
    private final Phases phases;

    public WireFaultScenario(long seed, WireFault fault, Phases phases) {
        this.seed = seed;
        this.fault = fault;
        this.phases = phases;
    }

    public String name() {
        return "wire-" + fault.name();
    }

    /** Runs the scenario and returns its report; blocks for its three phases and the shutdown. */
    public ScenarioReport run() throws InterruptedException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        List<Operation> running;
        int writerPort = Ports.freeUdpPort();
        int readerPort = Ports.freeUdpPort();
        try (FaultRelay relay = new FaultRelay(seed)) {
            Proxy toWriter = relay.createProxy("to-writer", 0, new InetSocketAddress(HOST, writerPort));
            Proxy toReader = relay.createProxy("to-reader", 0, new InetSocketAddress(HOST, readerPort));
            try (Node reader = Node.start(config(readerPort, toReader));
                 Node writer = Node.start(config(writerPort, toWriter));
                 Workers workers = new Workers()) {
                Channel<String> hosted = reader.channel(CHANNEL, Codec.strings());
                ChannelInput<String> in = hosted.reader();
                workers.start("chaos-reader", () -> Workers.readUntilEnd(recorder, "r", CHANNEL, in));
                Channel<String> remote = writer.connect(CHANNEL, HOST, toReader.listenAddress().getPort(),
                        Codec.strings(), Duration.ofSeconds(30));
                for (String w : WRITERS) {
                    ChannelOutput<String> out = remote.writer();
                    workers.startWriter(w, () -> Workers.writeUntilStopped(recorder, w, CHANNEL, out, null,
                            TIMEOUT_MS, WRITE_GAP_MS, workers));
                }
                phases.run(recorder, relay, fault, toReader);
                running = workers.stopWritersThenPoison(hosted.writer(), TIMEOUT_MS + PEER_TIMEOUT_MS + 2_000,
                        recorder);
                notes.add("writer node " + writer.address() + " advertising " + writer.advertisedAddress() + ": "
                        + writer.counters());
                notes.add("reader node " + reader.address() + " advertising " + reader.advertisedAddress() + ": "
                        + reader.counters());
            }
            notes.addAll(relay.counterNotes());
        }
        notes.add("the final read ends POISONED: the channel is poisoned once the writes are over");
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("fault", fault.describe());
        parameters.put("phases", phases.describe(fault));
        parameters.put("writers", WRITERS + " on the writer node, timed writes of " + TIMEOUT_MS + " ms, "
                + WRITE_GAP_MS + " ms apart");
        parameters.put("channel", "rendezvous '" + CHANNEL + "' hosted by the reader node, one local reader");
        parameters.put("peerTimeoutMs", Long.toString(PEER_TIMEOUT_MS));
        parameters.put("nodes", "writer and reader in this JVM, each behind its own proxy, advertising it");
        List<Operation> history = recorder.operations();
        return new ScenarioReport(name(), seed, parameters, history, recorder.faults(),
                ChannelHistory.check(history, running, recorder.faults(), AeronWriteScenario.SLACK_NS,
                        phases.settleNs()), notes);
    }

    static NodeConfig config(int port, Proxy front) {
        return NodeConfig.of(HOST, port).withPeerTimeout(Duration.ofMillis(PEER_TIMEOUT_MS))
                .withAdvertisedAddress(HOST, front.listenAddress().getPort());
    }
}
