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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real Parley nodes behind the fault relay: a writer node and a reader node, both in this JVM,
 * each with a {@link Proxy} in front of it whose address it advertises
 * ({@link NodeConfig#withAdvertisedAddress}), so every frame in both directions crosses a
 * proxy. Both proxies lose 5% of the datagrams, delay them by a latency with jitter and
 * duplicate 5%, both ways; once a third of the N timed writes (5 ms apart) are done, both
 * proxies are cut both ways for {@code partitionMs} and healed. A reader thread records every
 * read; {@link ChannelHistory} checks the history. Run by one thread; it starts a writing and
 * a reading thread and joins both.
 */
public final class RelayedWriteScenario {
    static final String CHANNEL = "relayed";
    private static final String HOST = "127.0.0.1";
    private static final long PEER_TIMEOUT_MS = 5_000;
    private static final long WRITE_GAP_MS = 5;
    private static final double LOSS = 0.05;
    private static final double DUPLICATION = 0.05;
    private static final long LATENCY_MS = 5;
    private static final long JITTER_MS = 3;

    private final long seed;
    private final int writes;
    private final long timeoutMs;
    private final long partitionMs;

    public RelayedWriteScenario(long seed, int writes, long timeoutMs, long partitionMs) {
        if (writes < 3 || timeoutMs < 1 || partitionMs < 1 || partitionMs >= PEER_TIMEOUT_MS) {
            throw new IllegalArgumentException("need writes >= 3, timeoutMs >= 1, 1 <= partitionMs < "
                    + PEER_TIMEOUT_MS + ": writes=" + writes + ", timeoutMs=" + timeoutMs + ", partitionMs="
                    + partitionMs);
        }
        this.seed = seed;
        this.writes = writes;
        this.timeoutMs = timeoutMs;
        this.partitionMs = partitionMs;
    }

    /** Runs the scenario and returns its report; blocks until every write and read has ended. */
    public ScenarioReport run() throws InterruptedException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        int writerPort = Ports.freeUdpPort();
        int readerPort = Ports.freeUdpPort();
        try (FaultRelay relay = new FaultRelay(seed)) {
            Proxy toWriter = relay.createProxy("to-writer", 0, new InetSocketAddress(HOST, writerPort));
            Proxy toReader = relay.createProxy("to-reader", 0, new InetSocketAddress(HOST, readerPort));
            for (Proxy p : relay.proxies()) {
                addFaults(p);
            }
            try (Node reader = Node.start(config(readerPort, toReader));
                 Node writer = Node.start(config(writerPort, toWriter))) {
                Channel<String> hosted = reader.channel(CHANNEL, Codec.strings());
                ChannelInput<String> in = hosted.reader();
                Thread reading = Thread.ofPlatform().name("chaos-reader").start(() -> readAll(recorder, in));
                try {
                    ChannelOutput<String> out = writer.connect(CHANNEL, HOST, toReader.listenAddress().getPort(),
                            Codec.strings(), Duration.ofSeconds(30)).writer();
                    writeAcrossPartition(recorder, out, relay);
                    Thread.sleep(500);                // let the last frames settle
                } finally {
                    hosted.writer().poison();         // ends the reader's last read
                    reading.join();
                }
                notes.add("writer node " + writer.address() + " advertising " + writer.advertisedAddress() + ": "
                        + writer.counters());
                notes.add("reader node " + reader.address() + " advertising " + reader.advertisedAddress() + ": "
                        + reader.counters());
            }
            for (Proxy p : relay.proxies()) {
                for (ToxicDirection d : ToxicDirection.values()) {
                    notes.add("proxy " + p.name() + " " + d + ": " + p.counters(d));
                }
            }
        }
        notes.add("the final read ends POISONED: the channel is poisoned once the writes are over");
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("writes", Integer.toString(writes));
        parameters.put("timeoutMs", Long.toString(timeoutMs));
        parameters.put("peerTimeoutMs", Long.toString(PEER_TIMEOUT_MS));
        parameters.put("nodes", "writer and reader in this JVM, each behind its own proxy, advertising it");
        parameters.put("toxics", "on both proxies, both ways: loss " + LOSS + ", latency " + LATENCY_MS + " +- "
                + JITTER_MS + " ms, duplication " + DUPLICATION);
        parameters.put("partitionMs", "both proxies cut both ways for " + partitionMs + " ms, then healed");
        List<Operation> history = recorder.operations();
        return new ScenarioReport("relayed-writes", seed, parameters, history, recorder.faults(),
                ChannelHistory.check(history, recorder.running(), recorder.faults(), AeronWriteScenario.SLACK_NS,
                        AeronWriteScenario.SETTLE_NS), notes);
    }

    private static NodeConfig config(int port, Proxy front) {
        return NodeConfig.of(HOST, port).withPeerTimeout(Duration.ofMillis(PEER_TIMEOUT_MS))
                .withAdvertisedAddress(HOST, front.listenAddress().getPort());
    }

    private static void addFaults(Proxy p) {
        for (ToxicDirection d : ToxicDirection.values()) {
            String suffix = "-" + d.name().toLowerCase(java.util.Locale.ROOT);
            p.addLoss("loss" + suffix, d, LOSS);
            p.addLatency("latency" + suffix, d, LATENCY_MS, JITTER_MS);
            p.addDuplicate("duplicate" + suffix, d, DUPLICATION, 1);
        }
    }

    private void writeAcrossPartition(Recorder recorder, ChannelOutput<String> out, FaultRelay relay)
            throws InterruptedException {
        AtomicInteger written = new AtomicInteger();
        Thread writing = Thread.ofPlatform().name("chaos-writer").start(() -> {
            try {
                for (int i = 0; i < writes; i++) {
                    AeronWriteScenario.timedWrite(recorder, "w", CHANNEL, out, i, timeoutMs);
                    written.incrementAndGet();
                    Thread.sleep(WRITE_GAP_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            while (written.get() < writes / 3 && writing.isAlive()) {
                Thread.sleep(5);
            }
            for (Proxy p : relay.proxies()) {
                p.partition();
            }
            Recorder.Fault cut = recorder.faultBegins("both proxies partitioned both ways " + partitionMs + " ms");
            Thread.sleep(partitionMs);
            cut.end();
            for (Proxy p : relay.proxies()) {
                p.heal();
            }
        } finally {
            writing.join();
        }
    }

    private static void readAll(Recorder recorder, ChannelInput<String> in) {
        while (true) {
            Recorder.Pending op = recorder.begin("r", CHANNEL, "read", null, null);
            try {
                op.done(in.read());
            } catch (RuntimeException e) {
                op.threw(e);                       // the poison at the end: POISONED
                return;
            }
        }
    }
}
