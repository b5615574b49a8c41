package dev.parley.contract;

import dev.parley.CSProcess;
import dev.parley.Channel;

import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The base of every contract suite: SEMANTICS.md sections 2 to 4 hold for any kind of channel, so
 * the suites are written against the abstract {@link #channel(String, int)} factory and run once
 * per channel kind by a concrete subclass ({@code Local...Test} in the core; a transport extends
 * the same classes from the core's test-jar). The contract only sends {@link Integer} and
 * {@link String} messages, so a transport's subclass needs codecs for those two types only.
 *
 * <p>A transport module runs the suites with a test-scoped dependency on
 * {@code dev.parley:parley-core} of {@code <type>test-jar</type>} and one subclass per suite
 * ({@link TrafficContract}, {@link RetirePoisonContract}, {@link TimedAndInterruptContract},
 * {@link AlternationContract}, {@link AlternationEdgesContract}, {@link ProcessContract},
 * {@link StressContract}) that implements {@link #channel(String, int)}, and, if its parties
 * block for other reasons first, overrides {@link #awaitBlocked}.
 *
 * <p>Each test runs on the JUnit thread; the parties it starts with {@link #start} run on
 * virtual threads. After each test, whatever happened, every channel made through
 * {@link #channel(int)} is poisoned and every started party still alive is interrupted and
 * joined, so that no thread outlives its test.
 */
public abstract class ChannelContract {

    /** How long a party may take before the test calls it hung; generous, for a loaded machine. */
    protected static final Duration HANG = Duration.ofSeconds(20);

    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<Channel<?>> channels = new ArrayList<>();
    private final List<Party> parties = new ArrayList<>();

    /**
     * Makes a new channel of the kind under test.
     *
     * @param name a name unique within the test run
     * @param capacity 0 for a rendezvous channel, otherwise the buffer's capacity
     * @return the channel
     */
    protected abstract <T> Channel<T> channel(String name, int capacity);

    /** @return a new channel with a unique name, poisoned again after the test */
    protected final <T> Channel<T> channel(int capacity) {
        Channel<T> c = channel(getClass().getSimpleName() + "-" + NAMES.incrementAndGet(), capacity);
        channels.add(c);
        return c;
    }

    /**
     * Waits until {@code party} is blocked in a channel operation. The default looks at the
     * thread's state and then allows a short grace period for the operation to be enrolled;
     * a channel kind that blocks for other reasons first (a network round trip) may override it.
     */
    protected void awaitBlocked(Party party) {
        long deadlineNs = System.nanoTime() + HANG.toNanos();
        int parkedChecks = 0;
        while (parkedChecks < 3) {
            Thread.State state = party.thread.getState();
            boolean parked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
            parkedChecks = parked ? parkedChecks + 1 : 0;
            if (party.future.isDone()) {
                fail(party + " ended instead of blocking: " + party.outcomeForMessage());
            }
            if (System.nanoTime() - deadlineNs > 0) {
                fail(party + " did not block within " + HANG);
            }
            sleep(Duration.ofMillis(5));
        }
        sleep(Duration.ofMillis(20));
    }

    /** Asserts that {@code party} is still blocked a while after the call. */
    protected final void assertStillBlocked(Party party, Duration forAtLeast) {
        sleep(forAtLeast);
        assertFalse(party.future.isDone(), () -> party + " should still be blocked but ended: "
                + party.outcomeForMessage());
    }

    /**
     * Starts {@code body} on a new virtual thread of its own.
     *
     * @param name for messages
     * @return the running party
     */
    protected final Party start(String name, CSProcess body) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
                future.complete(null);
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        Party party = new Party(name, thread, future);
        parties.add(party);
        thread.start();
        return party;
    }

    /** Joins the parties in order: each must end normally within {@link #HANG}. */
    protected static void joinAll(List<Party> all) {
        for (Party p : all) {
            p.join();
        }
    }

    @AfterEach
    final void stopEverything() {
        for (Channel<?> c : channels) {
            try {
                c.writer().poison();
            } catch (RuntimeException ignored) {
                // cleanup only: a channel kind may refuse new ends once terminated
            }
        }
        for (Party p : parties) {
            p.thread.interrupt();
        }
        for (Party p : parties) {
            try {
                if (!p.thread.join(Duration.ofSeconds(10))) {
                    fail(p + " is still running 10 s after the test ended");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while cleaning up");
            }
        }
    }

    protected static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("test thread interrupted", e);
        }
    }

    /** A body running on its own thread, started by {@link #start}. */
    public static final class Party {
        private final String name;
        private final Thread thread;
        private final CompletableFuture<Void> future;

        Party(String name, Thread thread, CompletableFuture<Void> future) {
            this.name = name;
            this.thread = thread;
            this.future = future;
        }

        /** Waits until the body ended normally; fails the test if it threw or hung. */
        public void join() {
            Throwable t = outcome();
            if (t != null) {
                throw new AssertionError(this + " failed", t);
            }
        }

        /**
         * Waits until the body ended by throwing.
         *
         * @return what it threw; fails the test if it ended normally or hung
         */
        public Throwable joinFailure() {
            Throwable t = outcome();
            if (t == null) {
                fail(this + " ended normally, but should have thrown");
            }
            return t;
        }

        /** @return true once the body has ended */
        public boolean isDone() {
            return future.isDone();
        }

        /** Interrupts the party's thread. */
        public void interrupt() {
            thread.interrupt();
        }

        private Throwable outcome() {
            try {
                future.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement frame : thread.getStackTrace()) {
                    stack.append("\n\tat ").append(frame);
                }
                throw new AssertionError(this + " hung for " + HANG + stack);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while joining " + this, e);
            }
        }

        private String outcomeForMessage() {
            return future.isCompletedExceptionally() ? "threw " + future.exceptionNow() : "returned";
        }

        @Override
        public String toString() {
            return "party '" + name + "'";
        }
    }
}
