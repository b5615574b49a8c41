package dev.parley;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Starts a process without waiting for it, on a thread of its own (virtual by default). The
 * returned {@link Handle} joins it. Poison, retire and failures are handled as in
 * {@link Parallel}; a failure is rethrown by {@link Handle#join()}.
 */
public final class Spawn {

    private Spawn() {
    }

    /**
     * @param process the process to start
     * @return a handle to join it
     */
    public static Handle start(CSProcess process) {
        return start(ProcessRunner.DEFAULT_THREADS, process);
    }

    /**
     * @param threads makes the process's thread
     * @param process the process to start
     * @return a handle to join it
     * @throws IllegalStateException if {@code threads} returns no thread; like any failure to
     *     start the thread, it is thrown after the process's ends have been poisoned
     */
    public static Handle start(ThreadFactory threads, CSProcess process) {
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(process, "process");
        Handle handle = new Handle();
        try {
            Thread thread = threads.newThread(() -> handle.failure = ProcessRunner.run(process));
            if (thread == null) {
                throw new IllegalStateException("thread factory " + threads + " returned no thread");
            }
            handle.thread = thread;
            thread.start();
        } catch (RuntimeException | Error startFailed) {
            // The process will never run: poison its ends so that its neighbours do not wait for it.
            Throwable searchFailed = ProcessRunner.poisonEnds(process, null);
            if (searchFailed != null) {
                startFailed.addSuppressed(searchFailed);
            }
            throw startFailed;
        }
        return handle;
    }

    /** A started process. Any thread may join it, any number of times. */
    public static final class Handle {
        private volatile Thread thread;
        private volatile Throwable failure;

        private Handle() {
        }

        /**
         * Waits until the process has ended.
         *
         * @throws Exception what the process failed with (not poison or retire, which end it normally)
         * @throws ChannelInterruptedException if the waiting thread is interrupted; the process goes on
         */
        public void join() throws Exception {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChannelInterruptedException("join of " + thread.getName());
            }
            if (failure != null) {
                ProcessRunner.rethrow(failure);
            }
        }

        /**
         * Waits at most {@code timeout} for the process to end.
         *
         * @param timeout how long to wait
         * @return true if the process has ended (then its failure, if any, is rethrown), false if not yet
         * @throws Exception what the process failed with
         */
        public boolean join(Duration timeout) throws Exception {
            long ns = Timeouts.toNanos(timeout);
            try {
                if (ns < 0) {
                    thread.join();
                } else if (!thread.join(Duration.ofNanos(ns))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChannelInterruptedException("join of " + thread.getName());
            }
            if (failure != null) {
                ProcessRunner.rethrow(failure);
            }
            return true;
        }

        /** @return true once the process has ended */
        public boolean isDone() {
            return !thread.isAlive();
        }

        @Override
        public String toString() {
            return "Spawn.Handle[" + thread.getName() + (isDone() ? ", done" : ", running") + "]";
        }
    }
}
