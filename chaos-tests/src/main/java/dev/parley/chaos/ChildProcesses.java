package dev.parley.chaos;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every child JVM started by this JVM, so that none outlives it: a shutdown hook kills those
 * still alive when this JVM exits normally or on SIGTERM. (A parent killed with SIGKILL runs no
 * hook; children started with {@link ParentWatch} then exit by themselves when their standard
 * input closes.) Thread-safe; any thread may register and unregister.
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "chaos-kill-children"));
    }

    private ChildProcesses() {
    }

    static void register(Process p) {
        LIVE.add(p);
    }

    static void unregister(Process p) {
        LIVE.remove(p);
    }

    static int liveCount() {
        LIVE.removeIf(p -> !p.isAlive());
        return LIVE.size();
    }

    static void killAll() {
        for (Process p : LIVE) {
            p.destroyForcibly();
        }
    }
}
