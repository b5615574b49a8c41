package dev.parley.spi;

import dev.parley.Channel;
import dev.parley.ChannelTerminatedException;

import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the foreign-party tests share: a fake party elsewhere, the channels and threads a
 * test made (poisoned and stopped after each test), and how a test enrolls a foreign
 * offer at a channel's {@link Port} and waits for a local party to park. {@code RelayTest}
 * and {@code CommitOnMatchTest} build on it too, and other tests of this package reach ports
 * through {@link #port}.
 */
abstract class ForeignPartyFixture {

    private final List<Thread> threads = new ArrayList<>();
    private final List<Channel<?>> channels = new ArrayList<>();

    /** A party elsewhere that records what the channel asks and tells it. */
    static final class FakeRemote implements ForeignParty {
        final LinkedBlockingQueue<Proposal> proposals = new LinkedBlockingQueue<>();
        final AtomicReference<ChannelTerminatedException> terminated = new AtomicReference<>();

        @Override
        public void propose(Proposal proposal) {
            proposals.add(proposal);
        }

        @Override
        public void terminated(ChannelTerminatedException cause) {
            terminated.set(cause);
        }

        Proposal next() throws InterruptedException {
            Proposal p = proposals.poll(10, TimeUnit.SECONDS);
            assertNotNull(p, "no proposal within 10 s");
            return p;
        }

        void assertNoProposal() throws InterruptedException {
            assertNull(proposals.poll(30, TimeUnit.MILLISECONDS), "unexpected proposal");
        }
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        channels.forEach(c -> c.writer().poison());
        for (Thread t : threads) {
            t.interrupt();
            assertTrue(t.join(Duration.ofSeconds(10)), t + " still running");
        }
    }

    <T> Channel<T> rendezvous() {
        Channel<T> c = Channel.create("foreign-" + channels.size());
        channels.add(c);
        return c;
    }

    <T> Channel<T> buffered(int capacity) {
        Channel<T> c = Channel.buffered("foreign-buffered-" + channels.size(), capacity);
        channels.add(c);
        return c;
    }

    <T> CompletableFuture<T> async(Supplier<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                f.complete(body.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        threads.add(t);
        return f;
    }

    static Offer enroll(Port port, ForeignParty party, Object value) {
        Offer offer = Offer.foreign(port, party, value);
        port.lock();
        try {
            port.enroll(offer);
        } finally {
            port.unlock();
        }
        return offer;
    }

    /** Enrolls a foreign offer at the side of {@code end}'s channel that {@code end} is on. */
    static Offer enroll(Object end, ForeignParty party, Object value) {
        return enroll(port(end), party, value);
    }

    static Port port(Object end) {
        return ((GuardableEnd) end).guardPort();
    }

    /** @return {@code t}, which the clean-up interrupts and joins after the test */
    Thread track(Thread t) {
        threads.add(t);
        return t;
    }

    /** Waits until the party last started by {@link #async} is parked, so enrolled, then a little more. */
    void awaitParked(CompletableFuture<?> f) throws InterruptedException {
        awaitParkedBriefly(f);
        Thread.sleep(20); // a parked thread may still be on its way into the channel's lock
        assertFalse(f.isDone(), "the local party should be waiting");
    }

    /** Waits until the thread last started by {@link #async} parks (its party is enrolled). */
    void awaitParkedBriefly(CompletableFuture<?> f) throws InterruptedException {
        Thread t = threads.get(threads.size() - 1);
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING
                && System.nanoTime() - deadlineNs < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        assertFalse(f.isDone());
    }
}
