package dev.parley.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Parallel;
import java.net.DatagramSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Processes in child JVMs, seen by the parent's Parallel. Each child ends before its test does. */
class JvmProcessTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    /** Hosts "in" and "out"; reads a number from "in" and writes its double to "out". */
    public static final class Doubler implements NodeProcess {
        @Override
        public void run(Node node, String[] args) {
            var in = node.channel("in", Codec.integers()).reader();
            var out = node.channel("out", Codec.integers()).writer();
            out.write(2 * in.read());
        }
    }

    /** Fails at once with a message of its own. */
    public static final class Failing implements NodeProcess {
        @Override
        public void run(Node node, String[] args) {
            throw new IllegalStateException("failing on purpose with arg=" + args[0]);
        }
    }

    private static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getByName(Nodes.HOST))) {
            return s.getLocalPort();
        }
    }

    @Test
    void aProcessInAChildJvmTalksToTheParentAndItsEndEndsTheParallel() throws Exception {
        int port = freePort();
        Node here = nodes.start();
        int[] got = new int[1];
        Parallel.run(JvmProcess.of(Doubler.class, Nodes.HOST, port), () -> {
            Duration wait = Duration.ofSeconds(20);
            here.connect("in", Nodes.HOST, port, Codec.integers(), wait).writer().write(21);
            got[0] = here.connect("out", Nodes.HOST, port, Codec.integers(), wait).reader().read();
        });
        assertEquals(42, got[0]);
    }

    @Test
    void aFailingProcessInAChildJvmMakesTheParallelThrowWithItsMessage() throws Exception {
        int port = freePort();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parallel.run(JvmProcess.of(Failing.class, Nodes.HOST, port, "x")));
        assertTrue(e.getMessage().contains("failing on purpose with arg=x"), e.getMessage());
        assertTrue(e.getMessage().contains("exit=1"), e.getMessage());
    }
}
