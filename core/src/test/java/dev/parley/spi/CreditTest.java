package dev.parley.spi;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.PoisonException;
import dev.parley.RetiredException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credits: buffer slots reserved for a foreign writer that writes ahead of its acknowledgements.
 * A reserved slot counts as taken for everyone else, a message stored under it lands in the
 * buffer in arrival order, and the channel asks for the slots back when a writer waits or the
 * channel ends.
 */
class CreditTest {

    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Thread t : threads) {
            t.interrupt();
            assertTrue(t.join(Duration.ofSeconds(10)), t + " still running");
        }
    }

    /** A holder that counts how often the channel wanted its slots back. */
    private static final class Holder implements CreditHolder {
        final AtomicInteger wanted = new AtomicInteger();

        @Override
        public void wanted() {
            wanted.incrementAndGet();
        }
    }

    private static Credit open(Channel<?> c, Holder holder) {
        return ForeignPartyFixture.port(c.writer()).openCredit(holder);
    }

    private <T> CompletableFuture<T> async(Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        threads.add(t);
        return f;
    }

    private static void awaitWaiting(CompletableFuture<?> f) throws InterruptedException {
        Thread.sleep(50);
        assertFalse(f.isDone(), "the local party should be waiting");
    }

    @Test
    void aRendezvousChannelOffersNoCredit() {
        assertNull(open(Channel.create("rendezvous"), new Holder()));
    }

    @Test
    void aCreditReservesFreeSlotsThatLocalWritersThenCannotUse() {
        Channel<String> c = Channel.buffered("reserve", 4);
        Credit credit = open(c, new Holder());
        c.writer().write("local");
        assertEquals(3, credit.grant(10), "every free slot, as the only credit");
        assertEquals(3, credit.reserved());
        assertFalse(c.writer().write("no room", Duration.ZERO), "the reserved slots are taken");
        assertEquals(0, credit.grant(1), "nothing left to grant");
    }

    @Test
    void messagesStoredUnderACreditReachReadersInArrivalOrderAfterWhatWasBuffered() {
        Channel<String> c = Channel.buffered("order", 4);
        Credit credit = open(c, new Holder());
        c.writer().write("first");
        assertEquals(2, credit.grant(2));
        assertTrue(credit.store("second"));
        c.writer().write("third");
        assertTrue(credit.store("fourth"));
        ChannelInput<String> in = c.reader();
        assertEquals(List.of("first", "second", "third", "fourth"),
                List.of(in.read(), in.read(), in.read(), in.read()));
        assertEquals(0, credit.reserved());
    }

    @Test
    void aStoreWakesAReaderWaitingOnAnEmptyBuffer() throws Exception {
        Channel<String> c = Channel.buffered("wake", 2);
        Credit credit = open(c, new Holder());
        assertEquals(2, credit.grant(2));
        ChannelInput<String> in = c.reader();
        CompletableFuture<String> read = async(in::read);
        awaitWaiting(read);
        assertTrue(credit.store("ahead"));
        assertEquals("ahead", read.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aWriterThatWaitsForAReservedSlotAsksForItBackAndGetsItOnRelease() throws Exception {
        Channel<String> c = Channel.buffered("contention", 2);
        Holder holder = new Holder();
        Credit credit = open(c, holder);
        assertEquals(2, credit.grant(2));
        ChannelOutput<String> out = c.writer();
        CompletableFuture<Boolean> write = async(() -> out.write("local", Duration.ofSeconds(10)));
        awaitWaiting(write);
        assertEquals(1, holder.wanted.get(), "asked once, as the writer queued");
        assertEquals(0, credit.grant(1), "no grant while a writer waits");
        assertTrue(credit.store("used one"));
        assertEquals(1, credit.release(), "the unused slot comes back");
        assertTrue(write.get(10, TimeUnit.SECONDS));
        ChannelInput<String> in = c.reader();
        assertEquals(List.of("used one", "local"), List.of(in.read(), in.read()));
    }

    @Test
    void twoCreditsShareTheCapacity() {
        Channel<String> c = Channel.buffered("share", 8);
        Credit a = open(c, new Holder());
        Credit b = open(c, new Holder());
        assertEquals(4, a.grant(100), "half of the capacity for each of two credits");
        assertEquals(4, b.grant(100));
        a.close();
        assertEquals(0, a.grant(1), "a closed credit reserves nothing");
        assertEquals(4, b.grant(100), "the closed credit's slots are free again, and b's share grew");
    }

    @Test
    void aReaderPoisonDropsTheReservedSlotsAndDiscardsLaterArrivals() {
        Channel<String> c = Channel.buffered("reader-poison", 4);
        Holder holder = new Holder();
        Credit credit = open(c, holder);
        assertEquals(4, credit.grant(4));
        ChannelInput<String> in = c.reader();
        in.poison();
        assertEquals(1, holder.wanted.get(), "told the channel ended");
        assertEquals(0, credit.reserved());
        assertFalse(credit.store("too late"), "discarded, as the buffer was");
        assertThrows(PoisonException.class, in::read);
        assertEquals(0, credit.grant(1), "no grant once terminated");
    }

    @Test
    void afterAWriterPoisonReadersReceiveWhatArrivesUnderReservedSlotsThenThePoison() throws Exception {
        Channel<String> c = Channel.buffered("writer-poison", 4);
        Holder holder = new Holder();
        Credit credit = open(c, holder);
        c.writer().write("stored");
        assertEquals(3, credit.grant(3));
        c.writer().poison();
        assertEquals(1, holder.wanted.get());
        ChannelInput<String> in = c.reader();
        assertEquals("stored", in.read());
        CompletableFuture<String> second = async(in::read);
        awaitWaiting(second);
        assertTrue(credit.store("in flight at the poison"));
        assertEquals("in flight at the poison", second.get(10, TimeUnit.SECONDS));
        CompletableFuture<String> third = async(in::read);
        awaitWaiting(third);
        assertEquals(2, credit.release());
        ExecutionExceptionAssert.causeIs(PoisonException.class, third);
        assertThrows(PoisonException.class, in::read);
    }

    @Test
    void afterEveryWriterRetiredReadersWaitForReservedSlotsToo() throws Exception {
        Channel<String> c = Channel.buffered("writers-retired", 2);
        ChannelOutput<String> out = c.writer();
        Credit credit = ForeignPartyFixture.port(out).openCredit(new Holder()); // the only writer end
        assertEquals(2, credit.grant(2));
        out.retire();
        ChannelInput<String> in = c.reader();
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(20)), "a slot is still reserved: nothing yet");
        assertTrue(credit.store("late"));
        assertEquals("late", in.read());
        credit.close();
        assertThrows(RetiredException.class, in::read);
    }

    @Test
    void aStoreAfterTheSlotsWereReleasedIsStillStoredBeyondTheCapacity() {
        Channel<String> c = Channel.buffered("lapsed", 1);
        Credit credit = open(c, new Holder());
        assertEquals(1, credit.grant(1));
        assertEquals(1, credit.release());
        c.writer().write("local");
        assertTrue(credit.store("promised a slot"), "a late arrival is not lost");
        ChannelInput<String> in = c.reader();
        assertEquals(List.of("local", "promised a slot"), List.of(in.read(), in.read()));
    }

    @Test
    void storeAllStoresInOrderUnderOneLockAndCountsWhatItStored() {
        Channel<String> c = Channel.buffered("batch", 4);
        Credit credit = open(c, new Holder());
        assertEquals(3, credit.grant(3));
        assertEquals(3, credit.storeAll(List.of("a", "b", "c")));
        assertEquals(0, credit.reserved());
        ChannelInput<String> in = c.reader();
        assertEquals(List.of("a", "b", "c"), List.of(in.read(), in.read(), in.read()));
        in.poison();
        assertEquals(0, credit.storeAll(List.of("d", "e")), "discarded after a reader's poison");
        assertThrows(NullPointerException.class, () -> credit.storeAll(Arrays.asList("f", null)));
    }

    @Test
    void badArgumentsAreRefused() {
        Credit credit = open(Channel.buffered("bad", 1), new Holder());
        assertThrows(IllegalArgumentException.class, () -> credit.grant(-1));
        assertThrows(NullPointerException.class, () -> credit.store(null));
        assertThrows(NullPointerException.class,
                () -> ForeignPartyFixture.port(Channel.buffered("null", 1).writer()).openCredit(null));
    }

    /** Asserts how a future failed. */
    private static final class ExecutionExceptionAssert {
        static void causeIs(Class<? extends Throwable> type, CompletableFuture<?> f) throws InterruptedException {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertTrue(type.isInstance(e.getCause()), "failed with " + e.getCause());
                return;
            } catch (TimeoutException e) {
                throw new AssertionError("still waiting", e);
            }
            throw new AssertionError("completed normally");
        }
    }
}
