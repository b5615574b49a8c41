package dev.parley;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SEMANTICS 1: a program whose processes have all ended exits normally, with no global
 * shutdown call: no thread the core started keeps the JVM alive.
 */
class ProgramExitTest {

    /** The program under test: uses channels from main, runs, spawns and joins, then returns. */
    public static final class Program {
        public static void main(String[] args) throws Exception {
            Channel<Integer> c = Channel.create("exit-c");
            Channel<Integer> d = Channel.buffered("exit-d", 2);
            ChannelOutput<Integer> cw = c.writer();
            ChannelInput<Integer> cr = c.reader();
            ChannelOutput<Integer> dw = d.writer();
            ChannelInput<Integer> dr = d.reader();
            Parallel.run(CSProcess.owning(() -> {
                for (int i = 0; i < 100; i++) {
                    cw.write(i);
                }
                cw.retire(); // the relay sees RetiredException and retires its own ends
            }, cw), CSProcess.owning(() -> {
                while (true) {
                    dw.write(cr.read());
                }
            }, cr, dw), () -> {
                for (int i = 0; i < 100; i++) {
                    dr.read();
                }
            });
            Channel<String> e = Channel.create("exit-e");
            ChannelInput<String> er = e.reader();
            Spawn.Handle h = Spawn.start(() -> System.out.println(er.read()));
            e.writer().write("done");
            h.join();
            new Alternation(new TimeoutGuard(java.time.Duration.ofMillis(5))).select();
        }
    }

    @Test
    void aProgramWhoseProcessesAllEndedExitsWithoutAShutdownCall() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Program.class.getName()));
        builder.redirectErrorStream(true);
        Process child = builder.start();
        try {
            boolean exited = child.waitFor(60, TimeUnit.SECONDS);
            String output = new String(child.getInputStream().readNBytes(10_000), StandardCharsets.UTF_8);
            assertTrue(exited, "the program did not exit within 60 s; output: " + output);
            assertEquals(0, child.exitValue(), output);
            assertEquals("done", output.strip());
        } finally {
            child.destroyForcibly();
        }
    }
}
