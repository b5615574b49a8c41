package dev.parley.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node's JVM as a child process that a chaos scenario can kill with SIGKILL, restart with
 * the same command (so at the same address), pause with SIGSTOP and resume with SIGCONT.
 * The child runs the same java, the same class path and Aeron's {@code --add-opens} flag; its
 * standard output and error go to a log file, and a line {@code READY <text>} from it
 * announces that it is serving. Made and driven by one scenario thread; {@link #close()} (and,
 * failing that, a shutdown hook) kills the child.
 */
public final class NodeProcess implements AutoCloseable {
    /** The word a child prints at the start of a line once it serves; the rest of the line is its address. */
    public static final String READY = "READY";

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;
    private CompletableFuture<String> ready;
    private Thread pump;
    private int starts;

    private NodeProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a child JVM and returns without waiting for
     * it; {@link #awaitReady(Duration)} waits for its READY line. Output goes to
     * {@code logDir/<name>.log} (appended across restarts).
     */
    public static NodeProcess start(String name, String mainClass, List<String> args, Path logDir,
                                    List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create logDir=" + logDir, e);
        }
        NodeProcess node = new NodeProcess(name, List.copyOf(command), logDir.resolve(name + ".log"));
        try {
            Files.deleteIfExists(node.log);   // a fresh log per start; restarts append to it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the old log=" + node.log, e);
        }
        node.launch();
        return node;
    }

    private void launch() {
        if (pump != null) {
            awaitOutput(Duration.ofSeconds(10));  // the last start's output stays before this start's in the log
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name + ": " + command, e);
        }
        ChildProcesses.register(process);
        starts++;
        ready = new CompletableFuture<>();
        Process p = process;
        CompletableFuture<String> announced = ready;
        pump = new Thread(() -> pumpOutput(p, announced), "node-" + name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Copies the child's output to the log and completes {@code announced} at its READY line. */
    private void pumpOutput(Process p, CompletableFuture<String> announced) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
            out.println("---- start " + starts + " of " + name + ", pid " + p.pid());
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(line);
                if (line.startsWith(READY + " ")) {
                    announced.complete(line.substring(READY.length() + 1).trim());
                }
            }
            out.println("---- end of output, pid " + p.pid());
        } catch (IOException e) {
            announced.completeExceptionally(e);
        } finally {
            announced.completeExceptionally(new IllegalStateException("node " + name + " exited before READY; see "
                    + log));
        }
    }

    /**
     * Blocks until the child has printed its READY line and returns the rest of that line.
     * Throws IllegalStateException if the child exits first or {@code timeout} passes first
     * (the child is left running), and keeps the interrupt status if interrupted.
     */
    public String awaitReady(Duration timeout) {
        try {
            return ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("node " + name + " not ready within timeout=" + timeout + "; see " + log);
        } catch (ExecutionException e) {
            throw new IllegalStateException("node " + name + " failed to start; see " + log, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for node " + name, e);
        }
    }

    /**
     * Blocks until the current start's output, to its end, is in the log: the child has
     * exited and what it printed has been copied. Throws IllegalStateException if that has not
     * happened within {@code timeout}, and keeps the interrupt status if interrupted.
     */
    public void awaitOutput(Duration timeout) {
        try {
            pump.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the output of node " + name, e);
        }
        if (pump.isAlive()) {
            throw new IllegalStateException("node " + name + " pid " + process.pid() + ": its output has not ended"
                    + " within timeout=" + timeout + "; see " + log);
        }
    }

    /**
     * Kills the child with SIGKILL and waits (at most 10 s) until it has gone; returns its exit
     * code. What the child printed before it died still reaches the log: the signal goes
     * through the process handle, since {@link Process#destroyForcibly()} also closes this
     * JVM's end of the child's output, and lines not yet copied from the pipe were lost with it.
     */
    public int kill() {
        process.toHandle().destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + name + " pid " + process.pid() + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted killing node " + name, e);
        }
        ChildProcesses.unregister(process);
        return process.exitValue();
    }

    /**
     * Blocks until the child has exited, at most {@code timeout}, and returns its exit code;
     * throws IllegalStateException if it is still alive then, and keeps the interrupt status.
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("node " + name + " still alive after timeout=" + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for node " + name + " to exit", e);
        }
    }

    /**
     * Starts the child again with the same command, once the last start's output is all in the
     * log (at most 10 s); refuses while it is still alive.
     */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("node " + name + " is still alive: pid=" + process.pid());
        }
        launch();
    }

    /**
     * Stops the child with SIGSTOP: it keeps its sockets but runs nothing until {@link #resume()}.
     * Returns once Linux reports the process stopped (state T in {@code /proc/<pid>/stat},
     * checked every millisecond for up to a second), as the signal is delivered asynchronously.
     */
    public void pause() {
        signal("-STOP");
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            for (int i = 0; i < 1_000 && Files.exists(stat); i++) {
                String line = Files.readString(stat);
                char state = line.charAt(line.lastIndexOf(')') + 2);
                if (state == 'T' || state == 't') {
                    return;
                }
                Thread.sleep(1);
            }
        } catch (IOException e) {
            // the process went away meanwhile, or there is no /proc: the signal was sent all the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Continues a paused child with SIGCONT. */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (!process.isAlive()) {
            throw new IllegalStateException("node " + name + " is not alive: pid=" + process.pid());
        }
        try {
            Process k = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill " + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted signalling node " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** How many times the child was launched (1 after start, 2 after one restart). */
    public int starts() {
        return starts;
    }

    public Path log() {
        return log;
    }

    /** Kills the child if it is alive (resuming it first is not needed: SIGKILL ends a stopped process). */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        ChildProcesses.unregister(process);
    }

    @Override
    public String toString() {
        return "NodeProcess[" + name + ", pid " + process.pid() + (process.isAlive() ? "" : ", exited") + "]";
    }
}
