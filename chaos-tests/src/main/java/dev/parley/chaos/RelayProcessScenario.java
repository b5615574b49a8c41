package dev.parley.chaos;

import dev.parley.Channel;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Process faults on a relaying home: the {@link RelayWorkload} on a rendezvous channel hosted
 * by a {@link HomeNode} in a child JVM (node B) that holds no end of it, with the writers on
 * node A and the readers on node C, both in this JVM; each of the three nodes is behind its
 * own proxy. Under that traffic, every value of which crosses B's relay, B is killed with
 * SIGKILL and restarted at the same address; later it is stopped with SIGSTOP for longer than
 * the peer timeout and continued. At the end the writers stop and the channel is poisoned
 * through a remote end on A.
 *
 * <p>The plain and timed writers and readers keep their end objects throughout: the binding
 * re-opens an end lost to the restart at its next read or write, and the scenario checks that
 * traffic resumes through them (resumes-after-restart, for the writers and for the readers
 * that keep their ends: some operation begun after the restart and ended before the stop is
 * DONE). The alternations take a fresh end after UNKNOWN or UNREACHABLE, as a guard's end is
 * not re-opened. What the contract allows is allowed: operations under way at the kill or
 * during the stop may end UNKNOWN or UNREACHABLE. A rendezvous channel buffers nothing, so no
 * DONE write may be lost with the home: every one must be read ({@link RelayWorkload#check},
 * with no excuse for reads that ended UNKNOWN). Run by one thread; it starts six workers and
 * one child JVM and ends them.
 *
 * @param logDir where the home's log goes ({@code home.log}, appended across its starts)
 */
public record RelayProcessScenario(long seed, CrashPhases phases, Path logDir) {
    public static final String NAME = "relay-kill-restart-pause";
    private static final long JOIN_MS = RelayWorkload.TIMEOUT_MS + WireFaultScenario.PEER_TIMEOUT_MS + 2_000;
    private static final Duration START = Duration.ofSeconds(60);

    /** Runs the scenario and returns its report; blocks for its phases and the shutdown. */
    public ScenarioReport run() throws InterruptedException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        List<Operation> running;
        String host = WireFaultScenario.HOST;
        int homePort = Ports.freeUdpPort();
        int aPort = Ports.freeUdpPort();
        int cPort = Ports.freeUdpPort();
        NodeProcess home;
        try (FaultRelay relay = new FaultRelay(seed); ProcessFleet fleet = new ProcessFleet(logDir)) {
            Proxy toHome = relay.createProxy("to-b", 0, new InetSocketAddress(host, homePort));
            Proxy toA = relay.createProxy("to-a", 0, new InetSocketAddress(host, aPort));
            Proxy toC = relay.createProxy("to-c", 0, new InetSocketAddress(host, cPort));
            int at = toHome.listenAddress().getPort();
            home = fleet.start("home", HomeNode.class, Integer.toString(homePort), Integer.toString(at),
                    Long.toString(WireFaultScenario.PEER_TIMEOUT_MS), RelayWorkload.CHANNEL, "0");
            home.awaitReady(START);
            try (Node a = Node.start(WireFaultScenario.config(aPort, toA));
                 Node c = Node.start(WireFaultScenario.config(cPort, toC));
                 Workers workers = new Workers()) {
                Channel<String> fromA = a.connect(RelayWorkload.CHANNEL, host, at, Codec.strings(), START);
                Channel<String> fromC = c.connect(RelayWorkload.CHANNEL, host, at, Codec.strings(), START);
                RelayWorkload.start(workers, recorder, fromA, fromC, true);
                phases.run(recorder, home, "home");
                workers.stopWriters(JOIN_MS);
                RelayWorkload.poison(fromA, anomalies);
                workers.joinOthers(JOIN_MS);
                running = recorder.running();
                notes.add("node A (writers): " + a.counters());
                notes.add("node C (readers): " + c.counters());
            }
            notes.addAll(relay.counterNotes());
            notes.add("home node log (" + home.starts() + " starts): " + home.log());
        }
        List<Operation> history = recorder.operations();
        notes.add("outcomes per worker: " + RelayWorkload.outcomesPerWorker(history));
        notes.add("DONE after the restart and before the stop, per worker: " + doneBetween(history,
                recorder.faults()));
        anomalies.addAll(judge(history, running, recorder.faults(), phases.settleNs()));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("channel", RelayWorkload.describe("B (a child JVM)", "A", "C"));
        parameters.put("ends", "relay-w, relay-tw, relay-r and relay-tr keep their end objects through the restart;"
                + " relay-aw and relay-ar take a fresh end after UNKNOWN or UNREACHABLE");
        parameters.put("nodes", "B in a child JVM; A and C in this JVM; each of the three behind its own proxy,"
                + " advertising it; no wire faults");
        parameters.put("phases", phases.describe("stop, poison"));
        parameters.put("peerTimeoutMs", Long.toString(WireFaultScenario.PEER_TIMEOUT_MS));
        return new ScenarioReport(NAME, seed, parameters, history, recorder.faults(), anomalies, notes);
    }

    /**
     * The anomalies of the history: relay-done-write-read, resumes-after-restart for the
     * writers and for the readers that keep their ends, and {@link ChannelHistory}'s.
     * {@code faults} are the crash's window and the stop's, in order.
     */
    static List<String> judge(List<Operation> history, List<Operation> running, List<FaultWindow> faults,
                              long settleNs) {
        List<String> anomalies = new ArrayList<>(RelayWorkload.check(history));
        anomalies.addAll(CrashPhases.resumedAfterRestart(history, faults, "write", RelayWorkload.SAME_END_WRITERS));
        anomalies.addAll(CrashPhases.resumedAfterRestart(history, faults, "read", RelayWorkload.SAME_END_READERS));
        anomalies.addAll(ChannelHistory.check(history, running, faults, AeronWriteScenario.SLACK_NS, settleNs));
        return anomalies;
    }

    /** DONE operations per worker begun after the restart and ended before the stop. */
    private static Map<String, Long> doneBetween(List<Operation> history, List<FaultWindow> faults) {
        Map<String, Long> n = new java.util.TreeMap<>();
        for (Operation op : history) {
            if (op.outcome() == Outcome.DONE && op.startNs() >= faults.get(0).endNs()
                    && op.endNs() <= faults.get(1).beganNs()) {
                n.merge(op.process(), 1L, Long::sum);
            }
        }
        return n;
    }
}
