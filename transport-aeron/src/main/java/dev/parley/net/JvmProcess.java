package dev.parley.net;

import dev.parley.CSProcess;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelTerminatedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A process that runs in a child JVM: the {@link CSProcess} given to the parent's
 * {@code Parallel}, {@code Sequence} or {@code Spawn} starts a JVM (this JVM's java and class
 * path, Aeron's opens flag), which starts a {@link Node} at {@code host:port} and runs a
 * {@link NodeProcess} on it. Like PyCSP's {@code @multiprocess}. Any thread may make one; its
 * {@link #run} blocks the calling process.
 *
 * <pre>{@code
 * Parallel.run(JvmProcess.of(Worker.class, "127.0.0.1", 7001), () -> { ... connect to it ... });
 * }</pre>
 */
public final class JvmProcess implements CSProcess {

    private static final String OPENS = "java.base/jdk.internal.misc=ALL-UNNAMED";

    private final Class<? extends NodeProcess> type;
    private final String host;
    private final int port;
    private final List<String> args;

    private JvmProcess(Class<? extends NodeProcess> type, String host, int port, List<String> args) {
        this.type = Objects.requireNonNull(type, "type");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.args = args;
    }

    /** @return a process running a new {@code type} in a child JVM, on a node at {@code host:port} */
    public static JvmProcess of(Class<? extends NodeProcess> type, String host, int port, String... args) {
        NodeConfig.of(host, port); // the same checks of the address, here in the parent
        return new JvmProcess(type, host, port, List.of(args));
    }

    /**
     * Starts the child JVM and waits for it to end. Blocks until the child exits; an
     * interrupt kills the child and throws {@link ChannelInterruptedException}.
     *
     * @throws IllegalStateException if the child failed (its exception's text and the exit
     *     status in the message), so that the parent's {@code Parallel} sees the failure
     */
    @Override
    public void run() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens", OPENS, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                type.getName(), host, String.valueOf(port)));
        cmd.addAll(args);
        Path err = Files.createTempFile("parley-child-", ".err"); // a file, so that waitFor stays interruptible
        Process child = null;
        try {
            child = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(err.toFile()).start();
            int exit = child.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("process type=" + type.getName() + " at address=" + host + ":"
                        + port + " failed, exit=" + exit + ": "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelInterruptedException("child JVM of " + type.getName());
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            Files.deleteIfExists(err);
        }
    }

    @Override
    public String toString() {
        return "JvmProcess[" + type.getName() + " at " + host + ":" + port + "]";
    }

    /** The child JVM's main: exit 0 when the process ended normally (poison and retire included). */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] argv) throws Exception {
            NodeProcess body = Class.forName(argv[0]).asSubclass(NodeProcess.class).getConstructor().newInstance();
            String[] rest = java.util.Arrays.copyOfRange(argv, 3, argv.length);
            int exit = 0;
            try (Node node = Node.start(argv[1], Integer.parseInt(argv[2]))) {
                body.run(node, rest);
            } catch (ChannelTerminatedException e) {
                exit = 0; // poison or retire ends a process normally
            } catch (Throwable t) {
                System.err.println(t);
                exit = 1;
            }
            System.exit(exit);
        }
    }
}
