package dev.parley.model.check;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.TimeoutGuard;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that need the real clock, which Lincheck's model checker freezes: timeouts that must
 * run out, and timed operations racing with their own deadlines. Platform threads, joined (and
 * interrupted first if still alive) whatever the outcome.
 */
class RealClockChecksTest {

    @Test
    void aTimeoutGuardAloneFiresNotBeforeItsDelay() {
        Duration delay = Duration.ofMillis(60);
        long startNs = System.nanoTime();
        int chosen = new Alternation(new TimeoutGuard(delay)).select().index();
        long elapsedNs = System.nanoTime() - startNs;
        assertEquals(0, chosen);
        assertTrue(elapsedNs >= delay.toNanos(),
                "fired after elapsedNs=" + elapsedNs + " < delayNs=" + delay.toNanos());
    }

    /** A hang detector, not a speed limit: a woken reader returns in microseconds. */
    @Test
    void aReaderBlockedOnARendezvousIsWokenByTheWriterThatServesIt() throws Exception {
        Channel<Integer> c = Channel.create();
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        AtomicReference<Integer> got = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().name("blocked-reader").start(() -> got.set(in.read()));
        try {
            while (reader.getState() != Thread.State.WAITING && reader.isAlive()) {
                Thread.sleep(1);
            }
            out.write(11);
            assertTrue(reader.join(Duration.ofSeconds(10)), "the served reader was never woken");
            assertEquals(11, got.get());
        } finally {
            reader.interrupt();
            reader.join();
        }
    }

    @Test
    void aBufferWithoutReadersAcceptsExactlyItsCapacity() {
        for (int capacity = 1; capacity <= 3; capacity++) {
            ChannelOutput<Integer> out = Channel.<Integer>buffered(capacity).writer();
            for (int i = 0; i < capacity; i++) {
                assertTrue(out.write(i, Duration.ZERO), "capacity=" + capacity + ": message " + i + " has room");
            }
            assertFalse(out.write(capacity, Duration.ZERO), "capacity=" + capacity + ": the buffer is full");
        }
    }

    /**
     * Many rounds of a timed write against a timed read whose deadlines fall together, so that
     * timeouts race with completions: both sides must agree on whether the message passed.
     */
    @Test
    void timedWritesAndReadsRacingWithTheirDeadlinesAgreeOnEveryExchange() throws Exception {
        int rounds = 400;
        Duration timeout = Duration.ofNanos(200_000);
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean[] wrote = new boolean[rounds];
        AtomicBoolean stop = new AtomicBoolean();
        Channel<Integer> c = Channel.create();
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        Thread writer = Thread.ofPlatform().name("timed-writer").start(() -> {
            try {
                for (int r = 0; r < rounds && !stop.get(); r++) {
                    start.await(10, TimeUnit.SECONDS);
                    wrote[r] = out.write(r, timeout);
                    start.await(10, TimeUnit.SECONDS);
                }
            } catch (Exception | Error e) {
                failure.compareAndSet(null, e);
            }
        });
        try {
            for (int r = 0; r < rounds; r++) {
                start.await(10, TimeUnit.SECONDS);
                Optional<Integer> got = in.read(timeout);
                start.await(10, TimeUnit.SECONDS);
                assertEquals(wrote[r], got.isPresent(), "round " + r + ": write=" + wrote[r] + " read=" + got);
                if (got.isPresent()) {
                    assertEquals(r, got.get(), "round " + r);
                }
            }
        } finally {
            stop.set(true);
            writer.interrupt();
            writer.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("the writer failed", failure.get());
        }
    }
}
