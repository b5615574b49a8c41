package dev.parley.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.protocol.binding.PeerUnreachableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nodes in one JVM over Aeron UDP on 127.0.0.1: hosting, connecting, and the node's life. */
class NodeTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private static <T> Channel<T> connect(Node from, Node home, String name, Codec<T> codec) {
        return from.connect(name, Nodes.HOST, Nodes.port(home), codec);
    }

    @Test
    void helloOverANetworkGoesFromARemoteWriterToAReaderAtTheHome() throws Exception {
        Node home = nodes.start();
        Node other = nodes.start();
        ChannelInput<String> in = home.channel("A", Codec.strings()).reader();
        ChannelOutput<String> out = connect(other, home, "A", Codec.strings()).writer();
        String[] got = new String[1];
        Parallel.run(() -> out.write("hello over a network"), () -> got[0] = in.read());
        assertEquals("hello over a network", got[0]);
    }

    @Test
    void helloOverANetworkGoesFromAWriterAtTheHomeToARemoteReader() throws Exception {
        Node home = nodes.start();
        Node other = nodes.start();
        ChannelOutput<String> out = home.channel("A", Codec.strings()).writer();
        ChannelInput<String> in = connect(other, home, "A", Codec.strings()).reader();
        String[] got = new String[1];
        Parallel.run(() -> out.write("hello over a network"), () -> got[0] = in.read());
        assertEquals("hello over a network", got[0]);
    }

    @Test
    void aWriteCrossesToANodeThatAdvertisesTheAddressOfAForwarderInFrontOfIt() throws Exception {
        try (UdpForwarder forwarder = new UdpForwarder()) {
            Node home = nodes.start(NodeConfig.of(Nodes.HOST, 0).withPeerTimeout(Nodes.PEER_TIMEOUT)
                    .withAdvertisedAddress(Nodes.HOST, forwarder.port()));
            forwarder.start(Nodes.port(home));
            Node other = nodes.start();
            ChannelInput<String> in = home.channel("A", Codec.strings()).reader();
            ChannelOutput<String> out = other.connect("A", Nodes.HOST, forwarder.port(), Codec.strings()).writer();
            String[] got = new String[1];
            Parallel.run(() -> out.write("through a forwarder"), () -> got[0] = in.read());
            assertEquals("through a forwarder", got[0]);
            assertEquals(Nodes.HOST + ":" + forwarder.port(), home.advertisedAddress());
            assertTrue(home.address().endsWith(":" + Nodes.port(home)), home.address());
            assertTrue(forwarder.forwarded() > 0, "forwarded=" + forwarder.forwarded());
        }
    }

    @Test
    void aNodeAdvertisesItsBindAddressByDefault() {
        Node node = nodes.start();
        assertEquals(node.address(), node.advertisedAddress());
    }

    @Test
    void anAdvertisedAddressMustBeLocalWithAPortWithinRange() {
        NodeConfig config = NodeConfig.of(Nodes.HOST, 0);
        for (int port : new int[] {0, -1, 65536}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> config.withAdvertisedAddress(Nodes.HOST, port));
            assertTrue(e.getMessage().contains("advertisedPort=" + port), e.getMessage());
        }
        for (String host : new String[] {"0.0.0.0", "8.8.8.8", "", "::1", "a/b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> config.withAdvertisedAddress(host, 7000));
            assertTrue(e.getMessage().contains("advertisedHost=" + host), e.getMessage());
        }
        assertEquals("127.0.0.2", config.withAdvertisedAddress("127.0.0.2", 7000).advertisedHost());
    }

    @Test
    void aNodeStartedOnPortZeroListensOnThePortItReports() {
        Node node = nodes.start();
        assertTrue(Nodes.port(node) > 0, node.address());
        assertTrue(node.address().startsWith(Nodes.HOST + ":"), node.address());
    }

    @Test
    void aSecondNodeOnAUsedPortFailsClearly() {
        Node first = nodes.start();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> nodes.start(NodeConfig.of(Nodes.HOST, Nodes.port(first))));
        assertTrue(e.getMessage().contains("address=" + first.address()), e.getMessage());
    }

    @Test
    void closeFreesThePortForANewNode() {
        Node first = nodes.start();
        int port = Nodes.port(first);
        first.close();
        Node second = nodes.start(NodeConfig.of(Nodes.HOST, port));
        assertEquals(first.address(), second.address());
    }

    @Test
    void connectingWhereNothingListensFailsAfterItsTimeout() {
        Node node = nodes.start();
        long t0 = System.nanoTime();
        assertThrows(PeerUnreachableException.class,
                () -> node.connect("A", Nodes.HOST, 9, Codec.strings(), Duration.ofMillis(300)));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(tookMs >= 300, "failed after ms=" + tookMs + ", before its timeout");
    }

    @Test
    void connectingBeforeTheChannelExistsWaitsAndThenWorks() throws Exception {
        Node home = nodes.start();
        Node other = nodes.start();
        String[] got = new String[1];
        Parallel.run(() -> {
            Thread.sleep(300);
            got[0] = home.channel("late", Codec.strings()).reader().read();
        }, () -> connect(other, home, "late", Codec.strings()).writer().write("worth the wait"));
        assertEquals("worth the wait", got[0]);
    }

    @Test
    void aMessageAboveTheLimitFailsAtWriteWithAClearError() {
        Node home = nodes.start(NodeConfig.of(Nodes.HOST, 0).withMaxMessageBytes(100));
        Node other = nodes.start();
        home.channel("big", Codec.bytes());
        ChannelOutput<byte[]> out = connect(other, home, "big", Codec.bytes()).writer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out.write(new byte[200_000]));
        assertTrue(e.getMessage().contains("bytes=200000"), e.getMessage());
    }

    @Test
    void nodesSharingASecretTalkAndFramesWithAnotherSecretAreDroppedAndCounted() throws Exception {
        byte[] secret = "a shared secret of 32 bytes, ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Node home = nodes.start(NodeConfig.of(Nodes.HOST, 0).withSecret(secret));
        Node friend = nodes.start(NodeConfig.of(Nodes.HOST, 0).withSecret(secret));
        Node stranger = nodes.start(NodeConfig.of(Nodes.HOST, 0).withSecret(new byte[32]));
        ChannelInput<String> in = home.channel("A", Codec.strings()).reader();
        ChannelOutput<String> out = connect(friend, home, "A", Codec.strings()).writer();
        String[] got = new String[1];
        Parallel.run(() -> out.write("signed"), () -> got[0] = in.read());
        assertEquals("signed", got[0]);
        assertThrows(PeerUnreachableException.class,
                () -> stranger.connect("A", Nodes.HOST, Nodes.port(home), Codec.strings(), Duration.ofMillis(300)));
        assertTrue(home.counters().rejected(dev.parley.protocol.Rejection.BAD_MAC) > 0, home.counters().toString());
    }

    @Test
    void aCodecThatThrowsOnAnArrivingValueStopsTheHomeNodeWhoseCloseReportsThatFailure() throws Exception {
        Node home = nodes.start();
        Node other = nodes.start();
        IllegalStateException bug = new IllegalStateException("a codec that cannot decode");
        CountDownLatch decoding = new CountDownLatch(1);
        home.channel("A", Codec.<String>of(s -> s.getBytes(StandardCharsets.UTF_8), bytes -> {
            decoding.countDown();
            throw bug;
        }));
        ChannelOutput<String> out = connect(other, home, "A", Codec.strings()).writer();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                out.write("undecodable", Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // the home stopped: unreachable or outcome unknown, either is right here
            }
        });
        try {
            assertTrue(decoding.await(10, TimeUnit.SECONDS), "the home never decoded the value");
            IllegalStateException closing = assertThrows(IllegalStateException.class, home::close);
            Throwable cause = closing;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertSame(bug, cause, "close reports the exception that stopped the node's thread");
        } finally {
            writer.interrupt();
            writer.join(10_000);
        }
    }

    @Test
    void aNodeCanUseAnExternalMediaDriverWhichOutlivesIt() throws Exception {
        try (EmbeddedDriver external = EmbeddedDriver.start()) {
            Node home = nodes.start(NodeConfig.of(Nodes.HOST, 0).withAeronDirectory(external.directory()));
            Node other = nodes.start();
            ChannelOutput<Integer> out = home.channel("n", Codec.integers()).writer();
            ChannelInput<Integer> in = connect(other, home, "n", Codec.integers()).reader();
            int[] got = new int[1];
            Parallel.run(() -> out.write(42), () -> got[0] = in.read());
            assertEquals(42, got[0]);
            home.close();
            assertTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of(external.directory())),
                    "closing the node must leave the external driver running");
        }
    }
}
