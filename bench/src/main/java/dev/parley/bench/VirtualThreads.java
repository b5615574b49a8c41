package dev.parley.bench;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts the baselines' processes: each body on a virtual thread of its own, then waits for all.
 * Called by one thread at a time (a benchmark or a test). If a body fails, every other one is
 * interrupted so that none stays blocked on a partner that has gone, and the first failure is
 * rethrown once all have ended.
 */
final class VirtualThreads {

    /** A baseline process body. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private VirtualThreads() {
    }

    /**
     * Runs every body on its own virtual thread and waits for all of them.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits
     * @throws Exception the first failure of a body
     */
    static void runAll(Body... bodies) throws Exception {
        Thread[] threads = new Thread[bodies.length];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.Builder builder = Thread.ofVirtual().name("baseline-", 0);
        for (int i = 0; i < bodies.length; i++) {
            Body body = bodies[i];
            threads[i] = builder.unstarted(() -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    if (failure.compareAndSet(null, t)) {
                        for (Thread other : threads) {
                            other.interrupt();
                        }
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Throwable first = failure.get();
        if (first instanceof Exception e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
    }
}
