package dev.parley.model.check;

import dev.parley.CSProcess;
import org.jetbrains.lincheck.Lincheck;

import java.util.concurrent.ThreadFactory;

/**
 * Runs small concurrent scenarios of the real core under Lincheck's model checker, on platform
 * threads (Lincheck does not support virtual ones). Called from test threads only.
 */
final class Scenarios {

    /** Platform threads, named so that Lincheck's traces say which process is which. */
    static final ThreadFactory PLATFORM = Thread::new;

    private Scenarios() {
    }

    /** A scenario body: builds its channels, runs its processes, checks the outcome. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /**
     * Explores {@code invocations} interleavings of {@code body}; an exception or a hang in any of
     * them fails the test with Lincheck's replayable trace.
     */
    static void explore(int invocations, Body body) {
        Lincheck.runConcurrentTest(invocations, () -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /**
     * Runs the processes side by side, each on a platform thread of its own, and waits for all;
     * rethrows the first failure. Plain threads rather than {@code Parallel.run}, whose end
     * searching and poisoning would only lengthen every explored interleaving.
     */
    static void parallel(CSProcess... processes) throws Exception {
        Throwable[] failures = new Throwable[processes.length];
        Thread[] threads = new Thread[processes.length];
        for (int i = 0; i < processes.length; i++) {
            CSProcess process = processes[i];
            int slot = i;
            threads[i] = PLATFORM.newThread(() -> {
                try {
                    process.run();
                } catch (Throwable t) {
                    failures[slot] = t;
                }
            });
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (Throwable failure : failures) {
            if (failure instanceof Exception e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        }
    }

    /** Fails with {@code what} and the observed values unless {@code condition} holds. */
    static void check(boolean condition, String what, Object... observed) {
        if (!condition) {
            StringBuilder message = new StringBuilder(what);
            for (int i = 0; i + 1 < observed.length; i += 2) {
                message.append(i == 0 ? ": " : ", ").append(observed[i]).append('=').append(observed[i + 1]);
            }
            throw new AssertionError(message.toString());
        }
    }
}
