package dev.parley.chaos;

import static dev.parley.chaos.ToxicDirection.DOWNSTREAM;
import static dev.parley.chaos.ToxicDirection.UPSTREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay with plain UDP sockets on loopback: a client, the proxy, a server. Seeds are fixed. */
class ProxyTest {
    private static final long SEED = 20261204L;

    private DatagramSocket client;
    private DatagramSocket server;
    private Proxy proxy;
    private SocketAddress via;

    @BeforeEach
    void open() {
        client = Udp.socket();
        server = Udp.socket();
        proxy = Proxy.open("link", 0, Udp.address(server), SEED);
        via = proxy.listenAddress();
    }

    @AfterEach
    void close() {
        proxy.close();
        client.close();
        server.close();
    }

    private long upIn() {
        return proxy.counters(UPSTREAM).in();
    }

    @Test
    void withNoToxicsEveryDatagramPassesBothWays() {
        int n = 500;
        Udp.sendPaced(client, via, n, 64, this::upIn);
        Set<Long> atServer = new HashSet<>();
        for (int i = 0; i < n; i++) {
            DatagramPacket p = Udp.receive(server, 2_000);
            assertNotNull(p, "datagram " + i + " of " + n + " reached the server");
            atServer.add(Udp.seqOf(p));
            Udp.send(server, p.getSocketAddress(), java.util.Arrays.copyOf(p.getData(), p.getLength()));
        }
        Set<Long> atClient = new HashSet<>();
        for (int i = 0; i < n; i++) {
            DatagramPacket p = Udp.receive(client, 2_000);
            assertNotNull(p, "reply " + i + " of " + n + " reached the client");
            assertEquals(via, p.getSocketAddress(), "replies come from the proxy's listen address");
            atClient.add(Udp.seqOf(p));
        }
        assertEquals(n, atServer.size());
        assertEquals(atServer, atClient);
        for (ToxicDirection d : ToxicDirection.values()) {
            DirectionCounters c = proxy.counters(d);
            assertEquals(n, c.in(), d + " " + c);
            assertEquals(n, c.out(), d + " " + c);
            assertEquals(64L * n, c.bytesIn(), d + " " + c);
            assertEquals(0, c.dropped() + c.duplicated() + c.delayed(), d + " " + c);
        }
    }

    @Test
    void lossDropsAboutItsToxicityOfTheDatagrams() throws Exception {
        int n = 4_000;
        double p = 0.2;
        proxy.addLoss("loss", UPSTREAM, p);
        List<Long> got;
        try (Collector atServer = new Collector(server)) {
            Udp.sendPaced(client, via, n, 32, this::upIn);
            got = atServer.awaitQuiet(300);
        }
        long dropped = proxy.counters(UPSTREAM).dropped();
        double mean = n * p;
        double bound = 5 * Math.sqrt(n * p * (1 - p));   // five standard deviations of the binomial
        assertTrue(Math.abs(dropped - mean) <= bound, "dropped=" + dropped + ", expected " + mean + " +- " + bound
                + " (seed " + SEED + ")");
        assertEquals(n - dropped, got.size(), "the server got every datagram not dropped");
        assertEquals(n - dropped, proxy.counters(UPSTREAM).out());
    }

    @Test
    void aSeedReplaysTheSameDrops() throws Exception {
        List<List<Long>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (DatagramSocket c = Udp.socket(); DatagramSocket s = Udp.socket();
                 Proxy p = Proxy.open("replay", 0, Udp.address(s), 7L); Collector atServer = new Collector(s)) {
                p.addLoss("loss", UPSTREAM, 0.3);
                Udp.sendPaced(c, p.listenAddress(), 300, 16, () -> p.counters(UPSTREAM).in());
                runs.add(atServer.awaitQuiet(300));
            }
        }
        assertEquals(runs.get(0), runs.get(1), "the same datagrams survive with the same seed");
    }

    @Test
    void duplicationSendsExtraCopies() throws Exception {
        int n = 1_000;
        proxy.addDuplicate("dup", UPSTREAM, 0.25, 1);
        List<Long> got;
        try (Collector atServer = new Collector(server)) {
            Udp.sendPaced(client, via, n, 32, this::upIn);
            got = atServer.awaitQuiet(300);
        }
        long duplicated = proxy.counters(UPSTREAM).duplicated();
        assertTrue(duplicated > 150 && duplicated < 350, "duplicated=" + duplicated + " of " + n + " at 0.25");
        Map<Long, Integer> copies = new HashMap<>();
        for (long seq : got) {
            copies.merge(seq, 1, Integer::sum);
        }
        assertEquals(n, copies.size(), "every datagram arrived");
        assertEquals(duplicated, copies.values().stream().filter(c -> c == 2).count(), "copies=" + copies);
        assertTrue(copies.values().stream().allMatch(c -> c <= 2), "never more than one extra copy");
    }

    @Test
    void latencyDelaysEveryDatagramByAtLeastTheLatency() {
        long latencyMs = 150;
        proxy.addLatency("slow", UPSTREAM, latencyMs, 0);
        for (int i = 0; i < 5; i++) {
            long sentNs = System.nanoTime();
            Udp.send(client, via, Udp.numbered(i, 16));
            DatagramPacket p = Udp.receive(server, 5_000);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
            assertNotNull(p, "datagram " + i);
            assertTrue(elapsedMs >= latencyMs, "datagram " + i + " arrived after " + elapsedMs + " ms");
        }
        assertEquals(5, proxy.counters(UPSTREAM).delayed());
    }

    @Test
    void jitterLargerThanTheGapReordersButLosesNothing() {
        int n = 200;
        proxy.addLatency("jitter", UPSTREAM, 20, 20);
        for (int i = 0; i < n; i++) {
            Udp.send(client, via, Udp.numbered(i, 16));
            Udp.sleep(1);
        }
        List<Long> got = Udp.receiveUntilQuiet(server, 500);
        assertEquals(n, got.size());
        assertEquals(n, new HashSet<>(got).size());
        int inversions = 0;
        for (int i = 1; i < got.size(); i++) {
            if (got.get(i) < got.get(i - 1)) {
                inversions++;
            }
        }
        assertTrue(inversions > 0, "some datagrams overtook others: " + got);
    }

    @Test
    void reorderSwapsEachHeldDatagramWithTheNextOne() {
        proxy.addReorder("swap", UPSTREAM, 1.0, 200);
        for (int i = 0; i < 5; i++) {
            Udp.send(client, via, Udp.numbered(i, 16));
            Udp.awaitCount(this::upIn, i + 1);
        }
        List<Long> got = Udp.receiveUntilQuiet(server, 500);
        assertEquals(List.of(1L, 0L, 3L, 2L, 4L), got, "pairs swapped; the last one released by its timer");
    }

    @Test
    void aBandwidthLimitHoldsDatagramsBackButDropsNone() {
        long rate = 100_000;
        long burst = 10_000;
        int n = 60;
        int size = 1_000;
        proxy.addBandwidth("thin", UPSTREAM, rate, burst);
        long startNs = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Udp.send(client, via, Udp.numbered(i, size));
        }
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DatagramPacket p = Udp.receive(server, 5_000);
            assertNotNull(p, "datagram " + i);
            got.add(Udp.seqOf(p));
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        long notBeforeMs = (n * size - burst) * 1_000 / rate;
        assertTrue(elapsedMs >= notBeforeMs - 5, "60,000 bytes at 100,000 B/s took " + elapsedMs + " ms");
        assertEquals(n, got.size());
        assertTrue(proxy.counters(UPSTREAM).delayed() > 0);
        assertEquals(0, proxy.counters(UPSTREAM).dropped());
    }

    @Test
    void aOneWayPartitionDropsOnlyItsDirectionAndHealingRestoresIt() {
        SocketAddress session = establishSession();
        proxy.partition(DOWNSTREAM);
        Udp.send(client, via, Udp.numbered(1, 16));
        assertNotNull(Udp.receive(server, 2_000), "upstream still passes");
        Udp.send(server, session, Udp.numbered(2, 16));
        Udp.awaitCount(() -> proxy.counters(DOWNSTREAM).dropped(), 1);
        assertNull(Udp.receive(client, 200), "downstream is cut");

        proxy.heal();
        Udp.send(server, session, Udp.numbered(3, 16));
        DatagramPacket p = Udp.receive(client, 2_000);
        assertNotNull(p, "healed");
        assertEquals(3, Udp.seqOf(p));
    }

    @Test
    void aTwoWayPartitionDropsBothDirectionsAndHealingRestoresBoth() {
        SocketAddress session = establishSession();
        proxy.partition();
        Udp.send(client, via, Udp.numbered(1, 16));
        Udp.send(server, session, Udp.numbered(2, 16));
        Udp.awaitCount(() -> proxy.counters(UPSTREAM).dropped(), 1);
        Udp.awaitCount(() -> proxy.counters(DOWNSTREAM).dropped(), 1);
        assertNull(Udp.receive(server, 100));
        assertNull(Udp.receive(client, 100));

        proxy.heal();
        Udp.send(client, via, Udp.numbered(3, 16));
        Udp.send(server, session, Udp.numbered(4, 16));
        assertEquals(3, Udp.seqOf(Udp.receive(server, 2_000)));
        assertEquals(4, Udp.seqOf(Udp.receive(client, 2_000)));
    }

    /** Sends one datagram through, so the proxy has a session socket the server can reply to. */
    private SocketAddress establishSession() {
        Udp.send(client, via, Udp.numbered(0, 16));
        DatagramPacket first = Udp.receive(server, 2_000);
        assertNotNull(first);
        return first.getSocketAddress();
    }

    @Test
    void toxicsChangedWhileTrafficFlowsTakeEffect() throws Exception {
        Loss loss = proxy.addLoss("switch", UPSTREAM, 0.0);
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 3_000 && !Thread.currentThread().isInterrupted(); i++) {
                Udp.send(client, via, Udp.numbered(i, 16));
                Udp.sleep(1);
            }
        }, "test-sender");
        sender.start();
        try (Collector drain = new Collector(server)) {
            Udp.awaitCount(() -> proxy.counters(UPSTREAM).out(), 50);
            loss.setToxicity(1.0);
            long outAtCut = proxy.counters(UPSTREAM).out();
            Udp.awaitCount(() -> proxy.counters(UPSTREAM).dropped(), 50);
            long outAfterDrops = proxy.counters(UPSTREAM).out();
            assertTrue(outAfterDrops <= outAtCut + 1, "at most the datagram in flight passed after the change: "
                    + outAtCut + " -> " + outAfterDrops);
            loss.remove();
            Udp.awaitCount(() -> proxy.counters(UPSTREAM).out(), outAfterDrops + 50);
            long droppedAfterRemove = proxy.counters(UPSTREAM).dropped();
            Udp.sleep(50);
            assertTrue(proxy.counters(UPSTREAM).dropped() <= droppedAfterRemove + 1, "removal took effect");
        } finally {
            sender.interrupt();
            sender.join(5_000);
        }
    }

    @Test
    void closeEndsTheRelayThreadsAndFreesThePort() throws Exception {
        InetSocketAddress listen = proxy.listenAddress();
        proxy.addLatency("slow", UPSTREAM, 10_000, 0);
        Udp.send(client, via, Udp.numbered(1, 16));
        Udp.awaitCount(this::upIn, 1);
        proxy.close();
        assertTrue(proxy.threadsEnded());
        try (DatagramSocket again = new DatagramSocket(listen)) {
            assertEquals(listen.getPort(), again.getLocalPort());
        }
    }

    @Test
    void badParametersAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> proxy.addLoss("l", UPSTREAM, 1.5));
        assertTrue(e.getMessage().contains("toxicity=1.5"), e.getMessage());
        proxy.addLoss("twice", UPSTREAM, 0.1);
        e = assertThrows(IllegalArgumentException.class, () -> proxy.addLoss("twice", DOWNSTREAM, 0.1));
        assertTrue(e.getMessage().contains("name=twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> proxy.addLatency("neg", UPSTREAM, -1, 0));
        assertTrue(e.getMessage().contains("latencyMs=-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> proxy.removeToxic("nope"));
        assertTrue(e.getMessage().contains("name=nope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Proxy.open("far", 0, new InetSocketAddress("192.0.2.1", 9), 1));
        assertTrue(e.getMessage().contains("upstream="), e.getMessage());
    }
}
