package dev.parley.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The harness's own end-to-end scenario, with no Parley code in it: a UDP echo node in a child
 * JVM behind the fault relay, a client asking it to echo numbered requests (each with a
 * timeout), and a schedule of every fault in turn: loss, latency with jitter and duplication,
 * reordering, bandwidth, a two-way partition, a pause (SIGSTOP) and a kill -9 with a restart at
 * the same address. It shows that the relay, the process harness, the recorder and the report
 * work together, and it checks what an echo can promise. Run by one thread.
 *
 * <p>Checks, by name: NO_INVENTION (every reply answers a request sent), NO_HANG (no request
 * outlasts its timeout by more than a second), PARTITION_HOLDS (no request sent and answered
 * wholly inside the two-way partition or the pause or the kill) and RESUMES (after every fault
 * ends, some request is answered within the recovery bound).
 */
public final class EchoScenario {
    private static final Duration START = Duration.ofSeconds(30);
    private static final long RECOVERY_NS = 3_000_000_000L;

    private final long seed;
    private final long phaseMs;
    private final long timeoutMs;
    private final Path logDir;

    public EchoScenario(long seed, long phaseMs, long timeoutMs, Path logDir) {
        if (phaseMs < 100 || timeoutMs < 10) {
            throw new IllegalArgumentException("phaseMs >= 100 and timeoutMs >= 10 needed: phaseMs=" + phaseMs
                    + ", timeoutMs=" + timeoutMs);
        }
        this.seed = seed;
        this.phaseMs = phaseMs;
        this.timeoutMs = timeoutMs;
        this.logDir = logDir;
    }

    /** Runs the scenario (about 12 phases) and returns its report; blocks until done. */
    public ScenarioReport run() throws InterruptedException, IOException {
        Recorder recorder = new Recorder();
        List<String> notes = new ArrayList<>();
        Set<Long> invented = new HashSet<>();
        AtomicLong duplicateReplies = new AtomicLong();
        int port = Ports.freeUdpPort();
        try (ProcessFleet fleet = new ProcessFleet(logDir);
             FaultRelay relay = new FaultRelay(seed);
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            NodeProcess echo = fleet.start("echo", UdpEcho.class, Integer.toString(port));
            echo.awaitReady(START);
            Proxy link = relay.createProxy("client-echo", 0, new InetSocketAddress("127.0.0.1", port));
            Client c = new Client(client, link.listenAddress(), recorder, invented, duplicateReplies);
            Thread thread = new Thread(c, "echo-client");
            thread.start();
            try {
                schedule(recorder, link, echo);
            } finally {
                c.stop = true;
                thread.join();
            }
            for (ToxicDirection d : ToxicDirection.values()) {
                notes.add("relay " + d + ": " + link.counters(d));
            }
            notes.add("late or duplicate replies ignored: " + duplicateReplies.get());
            notes.add("echo node log: " + echo.log());
        }
        List<Operation> history = recorder.operations();
        List<FaultWindow> faults = recorder.faults();
        return new ScenarioReport("echo-harness", seed, parameters(), history, faults,
                check(history, faults, invented), notes);
    }

    private Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("phaseMs", Long.toString(phaseMs));
        p.put("timeoutMs", Long.toString(timeoutMs));
        p.put("node", "UdpEcho in a child JVM (no Parley code: a self-check of the harness)");
        return p;
    }

    private void schedule(Recorder recorder, Proxy link, NodeProcess echo) throws InterruptedException {
        Thread.sleep(phaseMs);
        toxic(recorder, "loss 20% both ways", () -> {
            link.addLoss("loss-up", ToxicDirection.UPSTREAM, 0.2);
            link.addLoss("loss-down", ToxicDirection.DOWNSTREAM, 0.2);
        }, link);
        toxic(recorder, "latency 30+-20 ms, duplication 5%", () -> {
            link.addLatency("lat", ToxicDirection.UPSTREAM, 30, 20);
            link.addDuplicate("dup", ToxicDirection.DOWNSTREAM, 0.05, 1);
        }, link);
        toxic(recorder, "reorder 30% upstream", () -> link.addReorder("swap", ToxicDirection.UPSTREAM, 0.3, 20), link);
        toxic(recorder, "bandwidth 20 kB/s", () -> link.addBandwidth("thin", ToxicDirection.UPSTREAM, 20_000, 2_000),
                link);
        toxic(recorder, "two-way partition", link::partition, link);
        // Each window is marked from when the fault is surely in force to just before it is lifted.
        echo.pause();
        Recorder.Fault pause = recorder.faultBegins("pause (SIGSTOP)");
        Thread.sleep(phaseMs);
        pause.end();
        echo.resume();
        Thread.sleep(phaseMs);
        echo.kill();
        Recorder.Fault crash = recorder.faultBegins("kill -9, restart");
        Thread.sleep(phaseMs / 2);
        crash.end();
        echo.restart();
        echo.awaitReady(START);
        Thread.sleep(2 * phaseMs);
    }

    /** Applies toxics for one phase, then removes every toxic and lets one clean phase pass. */
    private void toxic(Recorder recorder, String name, Runnable apply, Proxy link) throws InterruptedException {
        apply.run();
        Recorder.Fault f = recorder.faultBegins(name);
        Thread.sleep(phaseMs);
        f.end();
        link.reset();
        Thread.sleep(phaseMs);
    }

    private List<String> check(List<Operation> history, List<FaultWindow> faults, Set<Long> invented) {
        List<String> anomalies = new ArrayList<>();
        invented.forEach(seq -> anomalies.add("NO_INVENTION: a reply to request " + seq + ", never sent"));
        long boundNs = (timeoutMs + 1_000) * 1_000_000;
        for (Operation op : history) {
            if (op.latencyNs() > boundNs) {
                anomalies.add("NO_HANG: " + op + " lasted " + op.latencyNs() / 1_000_000 + " ms");
            }
        }
        for (FaultWindow f : faults) {
            boolean cut = f.name().contains("partition") || f.name().contains("pause") || f.name().contains("kill");
            for (Operation op : history) {
                if (cut && op.outcome() == Outcome.DONE && op.startNs() > f.beganNs() && op.endNs() < f.endNs()) {
                    anomalies.add("PARTITION_HOLDS: request " + op.value() + " answered inside '" + f.name() + "'");
                }
            }
            boolean resumed = history.stream().anyMatch(op -> op.outcome() == Outcome.DONE
                    && op.startNs() >= f.endNs() && op.endNs() <= f.endNs() + RECOVERY_NS);
            if (!resumed) {
                anomalies.add("RESUMES: no request answered within " + RECOVERY_NS / 1_000_000 + " ms after '"
                        + f.name() + "' ended");
            }
        }
        return anomalies;
    }

    /** Sends numbered requests one at a time, each waiting up to the timeout for its echo. */
    private final class Client implements Runnable {
        private final DatagramSocket socket;
        private final InetSocketAddress to;
        private final Recorder recorder;
        private final Set<Long> invented;
        private final AtomicLong duplicates;
        volatile boolean stop;

        Client(DatagramSocket socket, InetSocketAddress to, Recorder recorder, Set<Long> invented,
               AtomicLong duplicates) {
            this.socket = socket;
            this.to = to;
            this.recorder = recorder;
            this.invented = invented;
            this.duplicates = duplicates;
        }

        @Override
        public void run() {
            byte[] out = new byte[64];
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            try {
                for (long seq = 0; !stop; seq++) {
                    ByteBuffer.wrap(out).putLong(0, seq);
                    Recorder.Pending op = recorder.begin("client", "echo", Long.toString(seq));
                    socket.send(new DatagramPacket(out, out.length, to));
                    awaitReply(seq, reply, op);
                    Thread.sleep(2);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void awaitReply(long seq, DatagramPacket reply, Recorder.Pending op) throws IOException {
            long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000;
            while (true) {
                long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    op.unknown(new SocketTimeoutException("no echo within " + timeoutMs + " ms"));
                    return;
                }
                socket.setSoTimeout((int) leftMs);
                try {
                    reply.setLength(64);
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                long got = ByteBuffer.wrap(reply.getData()).getLong(0);
                if (got == seq) {
                    op.done();
                    return;
                }
                if (got > seq || got < 0) {
                    invented.add(got);
                } else {
                    duplicates.incrementAndGet();   // a late answer to an earlier request, or a copy
                }
            }
        }
    }
}
