package dev.parley.chaos;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Selected;
import dev.parley.TimeoutGuard;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three relayed nodes A, B and C (in this JVM, each behind its own proxy) running five
 * workloads at once through calm, a {@link WireFault} on every proxy, and calm again:
 * <ul>
 *   <li><b>any</b>, a rendezvous channel hosted on A, any to any: writers on A (local) and B
 *       (remote), readers on A (local) and C (remote); poisoned by A's local end at the end;</li>
 *   <li><b>buf</b>, a buffered channel (capacity 3) hosted on B with both ends remote: a writer
 *       on A, a reader on C that drains it at the end. A's writer ends write ahead
 *       ({@code NodeConfig.withWriteAhead}): A writes to no other buffered channel, so only this
 *       writer does, under the slots B reserves for it;</li>
 *   <li>an alternation on C over two remote guards, a read of <b>alt-in</b> (hosted on A, fed by
 *       a local writer there) and a write to <b>alt-out</b> (hosted on B, read by a local
 *       reader there), and a timeout guard; each selection is recorded as one operation per
 *       channel guard, the chosen one with its outcome and the other NOT_DONE, as the
 *       simulator records its alternations;</li>
 *   <li>a pipeline of nodes: a source on A writes to <b>p1</b> hosted on B, a stage on B reads
 *       p1 and writes each value on to <b>p2</b> hosted on C, a sink on C reads p2 (plain,
 *       untimed operations); at the end the source poisons p1, the stage passes the poison on
 *       to p2, and the whole pipeline must shut down: every one of its processes ends POISONED
 *       (pipeline-shuts-down).</li>
 *   <li><b>relay</b> ({@link RelayWorkload}), a rendezvous channel hosted on B with no end
 *       there: plain, timed and alternating writers on A and readers on C, every value relayed
 *       by B; poisoned through a remote end on A at the end.</li>
 * </ul>
 * {@link ChannelHistory} judges every channel's history, and {@link RelayWorkload#check} the
 * relayed channel's. Run by one thread; it starts the workers and ends them.
 */
public final class MultiNodeScenario {
    private static final long TIMEOUT_MS = 500;
    private static final long ALT_TIMEOUT_MS = 200;
    private static final long GAP_MS = 3;

    private final long seed;
    private final WireFault fault;
    private final Phases phases;

    public MultiNodeScenario(long seed, WireFault fault, Phases phases) {
        this.seed = seed;
        this.fault = fault;
        this.phases = phases;
    }

    public String name() {
        return "multi-node-" + fault.name();
    }

    /** Runs the scenario and returns its report; blocks for its phases and the shutdown. */
    public ScenarioReport run() throws Exception {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        List<Operation> running;
        String host = WireFaultScenario.HOST;
        int[] ports = {Ports.freeUdpPort(), Ports.freeUdpPort(), Ports.freeUdpPort()};
        try (FaultRelay relay = new FaultRelay(seed)) {
            Proxy[] proxies = new Proxy[3];
            for (int i = 0; i < 3; i++) {
                proxies[i] = relay.createProxy("to-" + "abc".charAt(i), 0, new InetSocketAddress(host, ports[i]));
            }
            try (Node a = Node.start(WireFaultScenario.config(ports[0], proxies[0]).withWriteAhead());
                 Node b = Node.start(WireFaultScenario.config(ports[1], proxies[1]));
                 Node c = Node.start(WireFaultScenario.config(ports[2], proxies[2]));
                 Workers workers = new Workers();
                 Workers pipeline = new Workers()) {
                int atA = proxies[0].listenAddress().getPort();
                int atB = proxies[1].listenAddress().getPort();
                int atC = proxies[2].listenAddress().getPort();
                Duration connect = Duration.ofSeconds(30);
                // any: hosted on A; writers on A and B, readers on A and C
                Channel<String> any = a.channel("any", Codec.strings());
                Channel<String> anyFromB = b.connect("any", host, atA, Codec.strings(), connect);
                Channel<String> anyFromC = c.connect("any", host, atA, Codec.strings(), connect);
                ChannelInput<String> anyA = any.reader();
                ChannelInput<String> anyC = anyFromC.reader();
                workers.start("chaos-any-a-r", () -> Workers.readUntilEnd(recorder, "any-a-r", "any", anyA));
                workers.start("chaos-any-c-r", () -> Workers.readUntilEnd(recorder, "any-c-r", "any", anyC));
                writer(workers, recorder, "any-a-w", "any", any.writer());
                writer(workers, recorder, "any-b-w", "any", anyFromB.writer());
                // buf: hosted on B, both ends remote
                b.bufferedChannel("buf", 3, Codec.strings());
                Channel<String> bufFromA = a.connect("buf", host, atB, Codec.strings(), connect);
                Channel<String> bufFromC = c.connect("buf", host, atB, Codec.strings(), connect);
                writer(workers, recorder, "buf-a-w", "buf", bufFromA.writer());
                workers.start("chaos-buf-c-r", () -> Workers.readTimedUntilDrained(recorder, "buf-c-r", "buf",
                        bufFromC::reader, TIMEOUT_MS, workers));
                // the alternation on C over alt-in (hosted on A) and alt-out (hosted on B)
                Channel<String> altIn = a.channel("alt-in", Codec.strings());
                Channel<String> altOut = b.channel("alt-out", Codec.strings());
                writer(workers, recorder, "alt-in-a-w", "alt-in", altIn.writer());
                ChannelInput<String> altOutB = altOut.reader();
                workers.start("chaos-alt-out-b-r", () -> Workers.readUntilEnd(recorder, "alt-out-b-r", "alt-out",
                        altOutB));
                ChannelInput<String> altInC = c.connect("alt-in", host, atA, Codec.strings(), connect).reader();
                ChannelOutput<String> altOutC = c.connect("alt-out", host, atB, Codec.strings(), connect).writer();
                workers.startWriter("alt", () -> alternate(recorder, altInC, altOutC, workers));
                // the pipeline A -> p1 (on B) -> stage on B -> p2 (on C) -> sink on C
                Channel<String> p1 = b.channel("p1", Codec.strings());
                Channel<String> p2 = c.channel("p2", Codec.strings());
                ChannelOutput<String> source = a.connect("p1", host, atB, Codec.strings(), connect).writer();
                ChannelInput<String> stageIn = p1.reader();
                ChannelOutput<String> stageOut = b.connect("p2", host, atC, Codec.strings(), connect).writer();
                ChannelInput<String> sinkIn = p2.reader();
                pipeline.startWriter("source", () -> source(recorder, source, pipeline));
                pipeline.start("chaos-stage", () -> stage(recorder, stageIn, stageOut));
                pipeline.start("chaos-sink", () -> Workers.readUntilEnd(recorder, "sink", "p2", sinkIn));
                // relay: hosted on B with no end there; writers on A, readers on C
                b.channel(RelayWorkload.CHANNEL, Codec.strings());
                Channel<String> relayFromA = a.connect(RelayWorkload.CHANNEL, host, atB, Codec.strings(), connect);
                Channel<String> relayFromC = c.connect(RelayWorkload.CHANNEL, host, atB, Codec.strings(), connect);
                RelayWorkload.start(workers, recorder, relayFromA, relayFromC, false);

                phases.run(recorder, relay, fault, null);
                long joinMs = TIMEOUT_MS + WireFaultScenario.PEER_TIMEOUT_MS + 2_000;
                pipeline.stopWriters(joinMs);       // the source stops and poisons p1
                workers.stopWriters(joinMs);
                any.writer().poison();
                altOut.writer().poison();
                RelayWorkload.poison(relayFromA, anomalies);
                pipeline.joinOthers(joinMs);
                workers.joinOthers(joinMs);
                running = recorder.running();
                pipelineShutDown(recorder.operations(), anomalies);
                for (Node n : List.of(a, b, c)) {
                    notes.add("node " + n.address() + " advertising " + n.advertisedAddress() + ": " + n.counters());
                }
            }
            notes.addAll(relay.counterNotes());
        }
        List<Operation> history = recorder.operations();
        notes.add("on any, values read per writer -> reader: " + pairs(history, "any"));
        notes.add("on relay, outcomes per worker: " + RelayWorkload.outcomesPerWorker(history));
        anomalies.addAll(RelayWorkload.check(history));
        anomalies.addAll(ChannelHistory.check(history, running, recorder.faults(), AeronWriteScenario.SLACK_NS,
                phases.settleNs()));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("fault", fault.describe());
        parameters.put("phases", phases.describe(fault));
        parameters.put("any", "rendezvous on A; writers any-a-w (local), any-b-w (remote); readers any-a-r (local),"
                + " any-c-r (remote); timed writes of " + TIMEOUT_MS + " ms, " + GAP_MS + " ms apart");
        parameters.put("buf", "buffered (3) on B; writer buf-a-w (writing ahead) and reader buf-c-r, both remote,"
                + " timed");
        parameters.put("alt", "alternation on C: remote read guard on alt-in (A), remote write guard on alt-out (B),"
                + " timeout guard " + ALT_TIMEOUT_MS + " ms");
        parameters.put("pipeline", "source on A -> p1 (B) -> stage on B -> p2 (C) -> sink on C, untimed;"
                + " shut down by poison from the source");
        parameters.put("relay", RelayWorkload.describe("B", "A", "C"));
        parameters.put("nodes", "A, B, C in this JVM, each behind its own proxy, advertising it");
        return new ScenarioReport(name(), seed, parameters, history, recorder.faults(), anomalies, notes);
    }

    private static void writer(Workers workers, Recorder recorder, String name, String channel,
                               ChannelOutput<String> out) {
        workers.startWriter(name, () -> Workers.writeUntilStopped(recorder, name, channel, out, null, TIMEOUT_MS,
                GAP_MS, workers));
    }

    /** Selects over a remote read guard, a remote write guard and a timeout until the workers stop. */
    private static void alternate(Recorder recorder, ChannelInput<String> in, ChannelOutput<String> out,
                                  Workers workers) {
        Duration timeout = Duration.ofMillis(ALT_TIMEOUT_MS);
        for (int i = 0; !workers.stopping(); i++) {
            String value = "alt:" + i;
            Alternation alt = new Alternation(new InputGuard<>(in), new OutputGuard<>(out, value),
                    new TimeoutGuard(timeout));
            Recorder.Pending read = recorder.begin("alt", "alt-in", "read", null, timeout);
            Recorder.Pending write = recorder.begin("alt", "alt-out", "write", value, timeout);
            try {
                Selected s = alt.select();
                switch (s.index()) {
                    case 0 -> {
                        read.done(s.value());
                        write.notDone();
                    }
                    case 1 -> {
                        read.notDone();
                        write.done();
                    }
                    default -> {
                        read.notDone();
                        write.notDone();
                    }
                }
            } catch (RuntimeException e) {
                read.threw(e);             // which guard failed is not told: both take the outcome
                write.threw(e);
                if (Outcome.of(e) == Outcome.FAILED || !Workers.pause(Workers.BACKOFF_MS)) {
                    return;
                }
            }
        }
    }

    /**
     * Writes p:0, p:1, ... untimed to p1 until the workers stop, then poisons p1. A write that
     * ends UNKNOWN or UNREACHABLE (a partition longer than the peer timeout) does not stop it:
     * it backs off and goes on with the same end.
     */
    private static void source(Recorder recorder, ChannelOutput<String> out, Workers workers) {
        if (Workers.writeUntimedUntilStopped(recorder, "source", "p1", "p", out, GAP_MS, workers)) {
            out.poison();
        }
    }

    /**
     * Reads p1 and writes each value on to p2, untimed; passes a poison of p1 on to p2. A write
     * to p2 that ends UNKNOWN or UNREACHABLE loses that value (as the contract allows) and the
     * stage goes on.
     */
    private static void stage(Recorder recorder, ChannelInput<String> in, ChannelOutput<String> out) {
        while (true) {
            Recorder.Pending read = recorder.begin("stage", "p1", "read", null, null);
            String value;
            try {
                value = in.read();
                read.done(value);
            } catch (RuntimeException e) {
                read.threw(e);
                if (Outcome.of(e) == Outcome.POISONED) {
                    out.poison();
                }
                return;                  // p1 is local to the stage: nothing else ends a read of it
            }
            Recorder.Pending write = recorder.begin("stage", "p2", "write", value, null);
            try {
                out.write(value);
                write.done();
            } catch (RuntimeException e) {
                write.threw(e);
                if (!Workers.survivable(e) || !Workers.pause(Workers.BACKOFF_MS)) {
                    return;
                }
            }
        }
    }

    /** How many values of each writer each reader of {@code channel} got. */
    static Map<String, Long> pairs(List<Operation> history, String channel) {
        Map<String, Long> n = new java.util.TreeMap<>();
        for (Operation op : history) {
            if (op.channel().equals(channel) && op.kind().equals("read") && op.outcome() == Outcome.DONE) {
                n.merge(op.value().substring(0, op.value().lastIndexOf(':')) + " -> " + op.process(), 1L, Long::sum);
            }
        }
        return n;
    }

    /** pipeline-shuts-down: the last operation of the stage and of the sink ended POISONED. */
    static void pipelineShutDown(List<Operation> history, List<String> anomalies) {
        for (String process : List.of("stage", "sink")) {
            Operation last = null;
            for (Operation op : history) {
                if (op.process().equals(process) && (last == null || op.startNs() >= last.startNs())) {
                    last = op;
                }
            }
            if (last == null || last.outcome() != Outcome.POISONED) {
                anomalies.add("pipeline-shuts-down: the " + process + "'s last operation did not end POISONED: "
                        + last);
            }
        }
    }
}
