package dev.parley;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;

/**
 * Runs processes side by side, each on a thread of its own (virtual by default), and waits until
 * all have ended. May be called from any thread, including from inside a process.
 *
 * <p>A process that fails (any exception other than poison or retire) has its ends poisoned at
 * once, so that its neighbours stop instead of waiting forever; once every process has ended, the
 * first failure is rethrown unchanged, with later ones attached as suppressed. A failure is
 * recorded before its poison goes out, so one that the poison causes in a neighbour is never
 * taken for the first. If the calling
 * thread is interrupted while it waits, every process is interrupted, and the call still waits
 * for all of them to end, then keeps the interrupt status set.
 */
public final class Parallel {

    private Parallel() {
    }

    /**
     * @param processes the processes to run
     * @throws Exception the first failure of a process, once all have ended
     */
    public static void run(CSProcess... processes) throws Exception {
        run(Arrays.asList(processes));
    }

    /**
     * @param processes the processes to run
     * @throws Exception the first failure of a process, once all have ended
     */
    public static void run(List<? extends CSProcess> processes) throws Exception {
        run(ProcessRunner.DEFAULT_THREADS, processes);
    }

    /**
     * Runs the processes on threads made by {@code threads}, for instance platform threads for a
     * model checker that does not support virtual ones.
     *
     * @param threads makes one thread per process
     * @param processes the processes to run
     * @throws Exception the first failure of a process, once all have ended
     */
    public static void run(ThreadFactory threads, List<? extends CSProcess> processes) throws Exception {
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(processes, "processes");
        List<CSProcess> copy = List.copyOf(processes);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>(copy.size());
        try {
            for (CSProcess process : copy) {
                Thread thread = threads.newThread(() -> ProcessRunner.run(process, failures::add));
                if (thread == null) {
                    throw new IllegalStateException("thread factory " + threads + " returned no thread");
                }
                thread.start();
                started.add(thread);
            }
        } catch (RuntimeException | Error startFailed) {
            // The processes not started will never run: poison their ends so the started ones stop.
            for (CSProcess process : copy.subList(started.size(), copy.size())) {
                ProcessRunner.poisonEnds(process, null);
            }
            failures.add(startFailed);
        }
        joinAll(started);
        Throwable first = failures.poll();
        if (first != null) {
            for (Throwable later = failures.poll(); later != null; later = failures.poll()) {
                first.addSuppressed(later);
            }
            ProcessRunner.rethrow(first);
        }
    }

    static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    threads.forEach(Thread::interrupt);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
