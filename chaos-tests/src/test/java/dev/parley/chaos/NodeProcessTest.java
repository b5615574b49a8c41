package dev.parley.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process-fault harness, with a child JVM that echoes UDP datagrams. */
class NodeProcessTest {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path logs;

    @Test
    void aChildIsKilledRestartedAtTheSameAddressPausedAndResumed() {
        try (ProcessFleet fleet = new ProcessFleet(logs); DatagramSocket client = Udp.socket()) {
            int port = Ports.freeUdpPort();
            NodeProcess echo = fleet.start("echo", UdpEcho.class, Integer.toString(port));
            assertEquals(port, Integer.parseInt(echo.awaitReady(START)));
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
            assertEchoes(client, at, 1);

            echo.pause();
            Udp.send(client, at, Udp.numbered(2, 16));
            assertNull(Udp.receive(client, 300), "a stopped JVM does not answer");
            echo.resume();
            DatagramPacket late = Udp.receive(client, 5_000);
            assertNotNull(late, "the datagram queued while stopped is answered after SIGCONT");
            assertEquals(2, Udp.seqOf(late));

            assertEquals(137, echo.kill(), "128 + SIGKILL");
            assertFalse(echo.isAlive());
            Udp.send(client, at, Udp.numbered(3, 16));
            assertNull(Udp.receive(client, 200), "a killed node does not answer");

            NodeProcess again = restartAt(echo, port);
            assertEquals(2, again.starts());
            assertEchoes(client, at, 4);
        }
        assertEquals(0, ChildProcesses.liveCount(), "no child outlives the fleet");
    }

    /**
     * The child prints a line before it echoes each datagram; it is killed in mid-traffic five
     * times. Every datagram that came back was announced first, so its line must be in the log:
     * what a killed child printed is not lost (the harness's records of killed nodes rest on it).
     */
    @Test
    void whatAChildPrintedBeforeItIsKilledIsInTheLog() throws Exception {
        try (ProcessFleet fleet = new ProcessFleet(logs); DatagramSocket client = Udp.socket()) {
            int port = Ports.freeUdpPort();
            NodeProcess echo = fleet.start("announcer", UdpEcho.class, Integer.toString(port), "announce");
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
            java.util.Set<Long> echoed = new java.util.HashSet<>();
            long seq = 0;
            for (int start = 1; start <= 5; start++) {
                echo.awaitReady(START);
                long endNs = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < endNs) {    // ping-pong: the child prints about one line every 50 us
                    Udp.send(client, at, Udp.numbered(++seq, 16));
                    DatagramPacket p = Udp.receive(client, 1_000);
                    if (p != null) {
                        echoed.add(Udp.seqOf(p));
                    }
                }
                for (int i = 0; i < 200; i++) {        // datagrams in flight as the kill lands
                    Udp.send(client, at, Udp.numbered(++seq, 16));
                }
                echo.kill();
                echoed.addAll(Udp.receiveUntilQuiet(client, 100));
                if (start < 5) {
                    echo.restart();
                }
            }
            echo.awaitOutput(START);
            java.util.Set<Long> logged = new java.util.HashSet<>();
            for (String line : java.nio.file.Files.readAllLines(echo.log())) {
                if (line.startsWith("echo ")) {
                    logged.add(Long.parseLong(line.substring(5)));
                }
            }
            java.util.Set<Long> missing = new java.util.TreeSet<>(echoed);
            missing.removeAll(logged);
            assertEquals(java.util.Set.of(), missing, "echoed but not in the log, of " + echoed.size() + " echoed");
        }
    }

    @Test
    void closingTheFleetKillsEveryChildEvenAPausedOne() {
        NodeProcess a;
        NodeProcess b;
        try (ProcessFleet fleet = new ProcessFleet(logs)) {
            a = fleet.start("a", UdpEcho.class, "0");
            b = fleet.start("b", UdpEcho.class, "0");
            a.awaitReady(START);
            b.awaitReady(START);
            b.pause();
        }
        assertFalse(a.isAlive());
        assertFalse(b.isAlive());
    }

    @Test
    void aChildThatCannotStartIsReportedWithItsLog() {
        try (ProcessFleet fleet = new ProcessFleet(logs)) {
            NodeProcess bad = fleet.start("bad", UdpEcho.class, "not-a-port");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.awaitReady(START));
            assertTrue(e.getMessage().contains("bad.log"), e.getMessage());
            assertEquals(1, bad.awaitExit(START), "an uncaught exception in main");
            assertThrows(IllegalStateException.class, bad::pause);
        }
    }

    private static NodeProcess restartAt(NodeProcess node, int port) {
        node.restart();
        assertEquals(port, Integer.parseInt(node.awaitReady(START)), "same port after restart");
        return node;
    }

    private static void assertEchoes(DatagramSocket client, InetSocketAddress at, long seq) {
        Udp.send(client, at, Udp.numbered(seq, 16));
        DatagramPacket p = Udp.receive(client, 5_000);
        assertNotNull(p, "echo of " + seq);
        assertEquals(seq, Udp.seqOf(p));
    }
}
