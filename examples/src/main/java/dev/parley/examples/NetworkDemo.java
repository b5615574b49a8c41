package dev.parley.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/parley demo}: a {@link Receiver} and a {@link Sender} in two JVMs on loopback.
 * The receiver hosts channel "A" on a port it picks; the sender connects, writes three
 * messages and poisons the channel, which shuts both down. Exits 0 when both exited 0.
 * Both children are started with this JVM's java, class path and Aeron's opens flag, and
 * are killed if anything goes wrong.
 */
public final class NetworkDemo {

    private static final String OPENS = "java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final long CHILD_LIMIT_S = 60;
    /** The nodes' log lines (System.Logger to java.util.logging) on one line each, "INFO ...". */
    private static final String LOG_FORMAT = "-Djava.util.logging.SimpleFormatter.format=%4$s %5$s%6$s%n";

    private NetworkDemo() {
    }

    public static void main(String[] args) throws Exception {
        List<Process> children = new ArrayList<>();
        try {
            Process receiver = start(children, Receiver.class, "--host", "127.0.0.1", "--port", "0");
            CompletableFuture<String> address = new CompletableFuture<>();
            Thread rOut = relay(receiver, "[receiver JVM] ", address);
            String line = address.get(CHILD_LIMIT_S, TimeUnit.SECONDS);
            String port = line.substring(line.lastIndexOf(':') + 1);
            Process sender = start(children, Sender.class, "--host", "127.0.0.1", "--port", port, "--count", "3");
            Thread sOut = relay(sender, "[sender JVM]   ", null);
            int senderExit = waitFor(sender);
            int receiverExit = waitFor(receiver);
            sOut.join();
            rOut.join();
            System.out.println("demo: sender exited " + senderExit + ", receiver exited " + receiverExit);
            System.exit(senderExit == 0 && receiverExit == 0 ? 0 : 1);
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }
    }

    private static Process start(List<Process> children, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens", OPENS, LOG_FORMAT, "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** Copies the child's output, prefixed; completes {@code address} with its first line. */
    private static Thread relay(Process p, String prefix, CompletableFuture<String> address) {
        PrintStream console = System.out;
        return Thread.ofPlatform().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (address != null && line.startsWith("receiver: hosting")) {
                        address.complete(line);
                    }
                    console.println(prefix + line);
                }
            } catch (IOException e) {
                console.println(prefix + "output failed: " + e);
            }
            if (address != null) {
                address.completeExceptionally(new IllegalStateException("the receiver ended before its address"));
            }
        });
    }

    private static int waitFor(Process p) throws InterruptedException {
        if (!p.waitFor(CHILD_LIMIT_S, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child pid=" + p.pid() + " did not end within s=" + CHILD_LIMIT_S);
        }
        return p.exitValue();
    }
}
