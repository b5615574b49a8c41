package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The edges of Parallel, Sequence and Spawn: interrupts, timeouts of join, and failures of the ends search. */
class ProcessEdgesTest {

    private static final long WAIT_S = 10;

    /** A record process whose only component cannot be read: the search for its ends fails. */
    record Unreadable(ChannelOutput<String> out, RuntimeException ending) implements CSProcess {
        @Override
        public ChannelOutput<String> out() {
            throw new IllegalStateException("this accessor fails");
        }

        @Override
        public void run() {
            throw ending;
        }
    }

    /** A record process that reads once from its input. */
    record ReadsOnce(ChannelInput<String> in) implements CSProcess {
        @Override
        public void run() {
            in.read();
        }
    }

    @Test
    void aProcessEndedByPoisonWhoseEndsCannotBeFoundFailsWithThatSearchFailure() {
        Channel<String> c = Channel.create("unreadable-poison");
        Exception e = assertThrows(Exception.class, () -> Parallel.run(new Unreadable(c.writer(),
                new PoisonException("unreadable-poison"))));
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().contains("to find channel ends"), e.getMessage());
    }

    @Test
    void aFailedProcessWhoseEndsCannotBeFoundRethrowsItsFailureWithTheSearchFailureSuppressed() {
        Channel<String> c = Channel.create("unreadable-failure");
        IllegalArgumentException failure = new IllegalArgumentException("the process's own failure");
        Exception e = assertThrows(Exception.class, () -> Parallel.run(new Unreadable(c.writer(), failure)));
        assertEquals(failure, e);
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().contains("to find channel ends"));
    }

    @Test
    void aSpawnWhoseThreadCannotStartAddsAFailedEndsSearchToItsFailure() {
        Channel<String> c = Channel.create("unstartable");
        ThreadFactory refusing = r -> {
            throw new IllegalStateException("no threads today");
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Spawn.start(refusing, new Unreadable(c.writer(), new PoisonException("unstartable"))));
        assertEquals("no threads today", e.getMessage());
        assertEquals(1, e.getSuppressed().length, "the poison of its ends could not be done, and that is said");
    }

    @Test
    void interruptingTheThreadInParallelInterruptsItsProcessesAndKeepsTheInterruptStatus() throws Exception {
        Channel<String> a = Channel.create("never-written-a");
        Channel<String> b = Channel.create("never-written-b");
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> statusKept = new CompletableFuture<>();
        Thread parent = Thread.ofVirtual().start(() -> {
            try {
                Parallel.run(new ReadsOnce(a.reader()), new ReadsOnce(b.reader()));
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
            statusKept.complete(Thread.currentThread().isInterrupted());
        });
        try {
            awaitWaiting(parent);
            parent.interrupt();
            Throwable e = thrown.get(WAIT_S, TimeUnit.SECONDS);
            assertInstanceOf(ChannelInterruptedException.class, e, "the blocked readers were interrupted");
            assertTrue(statusKept.get(WAIT_S, TimeUnit.SECONDS));
        } finally {
            a.writer().poison();
            b.writer().poison();
            parent.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
    }

    @Test
    void anInterruptedJoinThrowsKeepsTheStatusAndLeavesTheProcessRunning() throws Exception {
        Channel<String> c = Channel.create("spawned-reader");
        Spawn.Handle handle = Spawn.start(new ReadsOnce(c.reader()));
        for (boolean timed : new boolean[] {false, true}) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            CompletableFuture<Boolean> statusKept = new CompletableFuture<>();
            Thread joiner = Thread.ofVirtual().start(() -> {
                try {
                    if (timed) {
                        handle.join(Duration.ofDays(1));
                    } else {
                        handle.join();
                    }
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
                statusKept.complete(Thread.currentThread().isInterrupted());
            });
            awaitWaiting(joiner);
            joiner.interrupt();
            assertInstanceOf(ChannelInterruptedException.class, thrown.get(WAIT_S, TimeUnit.SECONDS), "timed=" + timed);
            assertTrue(statusKept.get(WAIT_S, TimeUnit.SECONDS), "timed=" + timed);
            joiner.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
        assertFalse(handle.join(Duration.ofMillis(10)), "the process goes on");
        c.writer().write("now it ends");
        assertTrue(handle.join(Duration.ofSeconds(WAIT_S)));
    }

    @Test
    void aZeroJoinTimeoutDoesNotWaitAndACenturyOneWaitsWithoutADeadline() throws Exception {
        Channel<String> c = Channel.create("spawned-for-join");
        Spawn.Handle handle = Spawn.start(new ReadsOnce(c.reader()));
        CompletableFuture<Boolean> zero = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                zero.complete(handle.join(Duration.ZERO));
            } catch (Exception e) {
                zero.completeExceptionally(e);
            }
        });
        try {
            assertFalse(zero.get(WAIT_S, TimeUnit.SECONDS), "a zero timeout returns at once, not done");
        } finally {
            c.writer().write("ends it");
            t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
        assertTrue(handle.join(Duration.ofDays(365L * 300)), "centuries mean no deadline, not an overflow");
    }

    @Test
    void aSequenceThatFailsPoisonsTheEndsOfTheProcessesAfterTheFailureOnly() throws Exception {
        Channel<String> before = Channel.buffered("before-the-failure", 1);
        Channel<String> after = Channel.buffered("after-the-failure", 1);
        CSProcess first = CSProcess.owning(() -> { }, before.writer());
        CSProcess failing = () -> {
            throw new IllegalArgumentException("second fails");
        };
        CSProcess never = CSProcess.owning(() -> { }, after.writer());
        assertThrows(IllegalArgumentException.class, () -> Sequence.run(List.of(first, failing, never)));
        assertTrue(before.writer().write("still open", Duration.ZERO), "a process that had ended keeps its ends");
        assertThrows(PoisonException.class, () -> after.writer().write("poisoned", Duration.ZERO),
                "a process that never ran has its ends poisoned");
    }

    private static void awaitWaiting(Thread t) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < until, t + " never waited");
            Thread.sleep(5);
        }
        Thread.sleep(20); // a waiting thread may still be on its way into the blocking call
    }
}
