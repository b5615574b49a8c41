package dev.parley.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.protocol.binding.OutcomeUnknownException;
import dev.parley.protocol.binding.PeerUnreachableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A home in a child JVM ({@link ChildHome}, started with this JVM's java, class path and
 * Aeron's opens flag) reached from a node in this one. Every child is killed after its test.
 */
class CrossJvmTest {

    private static final long PEER_TIMEOUT_MS = 1000;

    private final Nodes nodes = new Nodes();
    private final List<Process> children = new ArrayList<>();

    /** A child JVM and the lines it printed, read by a thread of its own. */
    private record Child(Process process, LinkedBlockingQueue<String> lines) {
        String nextLine() throws InterruptedException {
            String line = lines.poll(20, TimeUnit.SECONDS);
            if (line == null) {
                fail("the child printed nothing for 20 s (alive=" + process.isAlive() + ")");
            }
            return line;
        }

        int port() throws InterruptedException {
            String line = nextLine();
            assertTrue(line.startsWith("address " + Nodes.HOST + ":"), line);
            return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
        }
    }

    @AfterEach
    void killChildrenAndCloseNodes() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        nodes.close();
    }

    private Child startChild(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ChildHome.class.getName(), String.valueOf(port),
                String.valueOf(PEER_TIMEOUT_MS)).redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        children.add(p);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().name("child-stdout-" + p.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("stdout failed: " + e);
            }
        });
        return new Child(p, lines);
    }

    private Node localNode() {
        return nodes.start(NodeConfig.of(Nodes.HOST, 0).withPeerTimeout(Duration.ofMillis(PEER_TIMEOUT_MS)));
    }

    @Test
    void aMessageWrittenHereIsReadByAReceiverInAChildJvmWhichAPoisonThenEnds() throws Exception {
        Child child = startChild(0);
        int port = child.port();
        ChannelOutput<String> out = localNode().connect("A", Nodes.HOST, port, Codec.strings()).writer();
        out.write("hello over a network");
        assertEquals("got hello over a network", child.nextLine());
        out.poison();
        assertEquals("ended PoisonException", child.nextLine());
        assertTrue(child.process().waitFor(20, TimeUnit.SECONDS), "the child did not exit after the poison");
        assertEquals(0, child.process().exitValue());
    }

    @Test
    void aKilledHomeMakesABlockedRemoteOperationFailWithinThePeerTimeoutAndARestartedOneIsReachedAgain()
            throws Exception {
        Child child = startChild(0);
        int port = child.port();
        Node node = localNode();
        ChannelInput<String> in = node.connect("A", Nodes.HOST, port, Codec.strings()).reader();
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return new AssertionError("the read returned " + in.read() + " with no writer");
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.sleep(200); // let the read reach the home
        long killedNs = System.nanoTime();
        child.process().destroyForcibly();
        Throwable failure = blocked.get(10 * PEER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        long afterMs = (System.nanoTime() - killedNs) / 1_000_000;
        assertTrue(failure instanceof PeerUnreachableException || failure instanceof OutcomeUnknownException,
                "the blocked read failed with " + failure);
        System.out.println("a read blocked on a killed home failed after ms=" + afterMs + " with " + failure);

        Child restarted = startChild(port);
        assertEquals(port, restarted.port());
        ChannelOutput<String> out = node.connect("A", Nodes.HOST, port, Codec.strings()).writer();
        out.write("hello again");
        assertEquals("got hello again", restarted.nextLine());
    }

}
