package dev.parley.spi;

import dev.parley.Channel;
import dev.parley.ChannelOutput;
import dev.parley.ChannelTerminatedException;
import dev.parley.PoisonException;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A rendezvous channel whose waiting reader and writer are both foreign: the relay of
 * {@link Hold}, through public types only, as a transport at the channel's home drives it.
 */
class RelayTest extends ForeignPartyFixture {

    /** A foreign party that records what the channel asks and tells it; a writer can be held. */
    static final class Party implements ForeignParty {
        final Object group; // parties of one group are the same party elsewhere
        final boolean commits; // commitsOnMatch: an unconditional writer, accepted whatever happens
        final LinkedBlockingQueue<Proposal> proposals = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Hold> holds = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Hold.Outcome> ended = new LinkedBlockingQueue<>();
        final AtomicReference<ChannelTerminatedException> terminated = new AtomicReference<>();

        Party(Object group, boolean commits) {
            this.group = group;
            this.commits = commits;
        }

        Party(Object group) {
            this(group, false);
        }

        Party() {
            this(new Object());
        }

        @Override
        public boolean commitsOnMatch() {
            return commits;
        }

        @Override
        public void propose(Proposal proposal) {
            proposals.add(proposal);
        }

        @Override
        public void terminated(ChannelTerminatedException cause) {
            terminated.set(cause);
        }

        @Override
        public boolean sameParty(ForeignParty other) {
            return other instanceof Party p && p.group == group;
        }

        @Override
        public boolean canBeHeld() {
            return true;
        }

        @Override
        public void hold(Hold hold) {
            holds.add(hold);
        }

        @Override
        public void holdEnded(Hold hold, Hold.Outcome outcome) {
            ended.add(outcome);
        }

        Proposal nextProposal() throws InterruptedException {
            Proposal p = proposals.poll(10, TimeUnit.SECONDS);
            assertNotNull(p, "no proposal within 10 s");
            return p;
        }

        Hold nextHold() throws InterruptedException {
            Hold h = holds.poll(10, TimeUnit.SECONDS);
            assertNotNull(h, "no hold asked within 10 s");
            return h;
        }

        Hold.Outcome nextEnd() throws InterruptedException {
            Hold.Outcome o = ended.poll(10, TimeUnit.SECONDS);
            assertNotNull(o, "no end of the hold within 10 s");
            return o;
        }

        void assertQuiet() throws InterruptedException {
            assertNull(proposals.poll(30, TimeUnit.MILLISECONDS), "unexpected proposal");
            assertNull(holds.poll(0, TimeUnit.MILLISECONDS), "unexpected hold");
            assertNull(ended.poll(0, TimeUnit.MILLISECONDS), "unexpected end of a hold");
        }
    }

    /** A foreign writer whose transport cannot hold it (the SPI's defaults). */
    static final class Unholdable implements ForeignParty {
        final LinkedBlockingQueue<Proposal> proposals = new LinkedBlockingQueue<>();

        @Override
        public void propose(Proposal proposal) {
            proposals.add(proposal);
        }

        @Override
        public void terminated(ChannelTerminatedException cause) {
        }
    }

    private static void withdraw(Offer offer) {
        Port port = offer.port();
        port.lock();
        try {
            port.withdraw(offer);
        } finally {
            port.unlock();
        }
    }

    private CompletableFuture<Void> asyncWrite(ChannelOutput<String> out, String value) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread t = track(Thread.ofVirtual().start(() -> {
            try {
                out.write(value);
                f.complete(null);
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }));
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() - deadlineNs < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        return f;
    }

    @Test
    void theWriterIsHeldFirstAndOnlyThenIsTheReaderProposedItsValue() throws Exception {
        Channel<String> c = rendezvous();
        Party reader = new Party();
        Party writer = new Party();
        enroll(c.reader(), reader, null);
        enroll(c.writer(), writer, "relayed");
        Hold hold = writer.nextHold();
        reader.assertQuiet(); // the reader's acceptance would be final: not before the writer is held
        hold.held();
        Proposal p = reader.nextProposal();
        assertEquals("relayed", p.value());
        assertEquals(Long.MAX_VALUE, p.partnerDeadlineNs(), "the held partner is foreign: no local deadline");
        writer.assertQuiet();
        p.accept();
        assertEquals(Hold.Outcome.TAKEN, writer.nextEnd());
        assertThrows(IllegalStateException.class, p::accept, "a proposal is answered once");
        assertThrows(IllegalStateException.class, hold::held, "a hold is answered once");
    }

    @Test
    void aReaderThatDeclinesReleasesTheWriterAndAReaderThatCannotTellMakesItUnknown() throws Exception {
        Channel<String> c = rendezvous();
        Party reader = new Party();
        Party writer = new Party();
        enroll(c.reader(), reader, null);
        enroll(c.writer(), writer, "declined");
        writer.nextHold().held();
        reader.nextProposal().decline();
        assertEquals(Hold.Outcome.RELEASED, writer.nextEnd());

        Party reader2 = new Party();
        Party writer2 = new Party();
        enroll(c.writer(), writer2, "unknown");
        enroll(c.reader(), reader2, null);
        writer2.nextHold().held();
        reader2.nextProposal().fail(new IllegalStateException("silent"));
        assertEquals(Hold.Outcome.UNKNOWN, writer2.nextEnd());
        reader.assertQuiet();
        writer.assertQuiet(); // both left with their proposals; their transport offers them anew if they stand
    }

    @Test
    void aRefusedHoldLeavesTheReaderQueuedInItsPlaceForTheNextWriter() throws Exception {
        Channel<String> c = rendezvous();
        Party reader = new Party();
        Party writer = new Party();
        enroll(c.reader(), reader, null);
        enroll(c.writer(), writer, "refused");
        Hold hold = writer.nextHold();
        CompletableFuture<Void> local = asyncWrite(c.writer(), "local"); // the reader is reserved meanwhile
        reader.assertQuiet();
        assertFalse(local.isDone());
        hold.refused();
        Proposal p = reader.nextProposal();
        assertEquals("local", p.value(), "the reader, no longer reserved, meets the waiting local writer");
        p.accept();
        local.get(10, TimeUnit.SECONDS);
        writer.assertQuiet();
    }

    @Test
    void aReaderThatLeavesWhileTheWriterIsAskedReleasesTheWriterWithoutAProposal() throws Exception {
        Channel<String> c = rendezvous();
        Party reader = new Party();
        Party writer = new Party();
        Offer r = enroll(c.reader(), reader, null);
        enroll(c.writer(), writer, "nobody");
        Hold hold = writer.nextHold();
        withdraw(r);
        assertFalse(r.isQueued());
        hold.held();
        assertEquals(Hold.Outcome.RELEASED, writer.nextEnd());
        reader.assertQuiet();
    }

    @Test
    void aPoisonWhileTheWriterIsAskedEndsTheReaderAndReleasesTheWriter() throws Exception {
        Channel<String> c = rendezvous();
        Party reader = new Party();
        Party writer = new Party();
        enroll(c.reader(), reader, null);
        enroll(c.writer(), writer, "poisoned");
        Hold hold = writer.nextHold();
        c.reader().poison();
        assertInstanceOf(PoisonException.class, reader.terminated.get());
        hold.held();
        assertEquals(Hold.Outcome.RELEASED, writer.nextEnd());
        reader.assertQuiet();
    }

    @Test
    void oneForeignReaderIsRelayedToAtMostOneWriterAtATimeAndOthersPairOffInOrder() throws Exception {
        Channel<String> c = rendezvous();
        Party r1 = new Party();
        Party r2 = new Party();
        Party w1 = new Party();
        Party w2 = new Party();
        enroll(c.reader(), r1, null);
        enroll(c.reader(), r2, null);
        enroll(c.writer(), w1, "one");
        enroll(c.writer(), w2, "two");
        Hold h1 = w1.nextHold();
        Hold h2 = w2.nextHold();
        h2.held();
        Proposal p2 = r2.nextProposal(); // r1 is reserved for w1, so w2 relays to r2
        assertEquals("two", p2.value());
        h1.held();
        Proposal p1 = r1.nextProposal();
        assertEquals("one", p1.value());
        p1.accept();
        p2.accept();
        assertEquals(Hold.Outcome.TAKEN, w1.nextEnd());
        assertEquals(Hold.Outcome.TAKEN, w2.nextEnd());
    }

    @Test
    void theSamePartyIsNeverRelayedToItselfNorAWriterItsTransportCannotHold() throws Exception {
        Channel<String> c = rendezvous();
        Object alternation = new Object();
        Party reader = new Party(alternation);
        Party writer = new Party(alternation);
        enroll(c.reader(), reader, null);
        enroll(c.writer(), writer, "self");
        Unholdable plain = new Unholdable();
        enroll(c.writer(), plain, "cannot be held");
        writer.assertQuiet();
        reader.assertQuiet();
        assertNull(plain.proposals.poll(0, TimeUnit.MILLISECONDS));

        Party other = new Party();
        enroll(c.writer(), other, "other");
        other.nextHold().held();
        assertEquals("other", reader.nextProposal().value(), "a later writer of another party is relayed");
    }
}
