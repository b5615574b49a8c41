package dev.parley.spi;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.ChannelTerminatedException;
import dev.parley.InputGuard;
import dev.parley.PoisonException;
import dev.parley.Selected;
import dev.parley.TimeoutGuard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commit-step SPI as a transport uses it, through public types only: a foreign party
 * enrolls an {@link Offer} at a local channel's {@link Port}, is asked by a
 * {@link Proposal}, and answers later from another thread. Here: a local partner held or
 * met at a rendezvous channel, decline, failure, poison and withdrawal, the deadline each
 * proposal tells, and one answer per proposal; {@link ForeignPartyBufferTest} has the
 * buffered channels and {@link ForeignPartyAlternationTest} the alternations.
 */
class ForeignPartyTest extends ForeignPartyFixture {

    @Test
    void lockOrderKeysForTransportsNeverCollideWithLocalChannels() {
        java.util.Set<Long> keys = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            Channel<String> c = Channel.create("keys-" + i);
            long local = port(c.reader()).lockOrder();
            assertEquals(local, port(c.writer()).lockOrder(), "the two sides of one channel share its lock");
            assertTrue(keys.add(local));
            assertTrue(keys.add(Port.newLockOrder()), "a transport's key must differ from every local one");
        }
    }

    @Test
    void anAcceptedForeignWriteReachesAWaitingLocalReader() throws Exception {
        Channel<String> c = rendezvous();
        ChannelInput<String> in = c.reader();
        CompletableFuture<String> read = async(in::read);
        awaitParked(read);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "from afar");
        Proposal p = remote.next();
        assertNull(p.value(), "a foreign writer receives nothing");
        p.accept();
        assertEquals("from afar", read.get(10, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, p::accept, "a proposal is answered once");
    }

    @Test
    void aDeclinedProposalLeavesTheLocalReaderWaitingAndALocalWriterThatCameMeanwhileIsMatched() throws Exception {
        Channel<String> c = rendezvous();
        ChannelInput<String> in = c.reader();
        CompletableFuture<String> read = async(in::read);
        awaitParked(read);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "declined");
        Proposal p = remote.next();
        ChannelOutput<String> out = c.writer();
        CompletableFuture<Boolean> write = async(() -> {
            out.write("local");
            return true;
        });
        awaitParked(write); // it passed over the held reader
        p.decline();
        assertEquals("local", read.get(10, TimeUnit.SECONDS), "the release must rematch the waiting pair");
        assertTrue(write.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAcceptedForeignReadTakesAWaitingLocalWritersMessage() throws Exception {
        Channel<String> c = rendezvous();
        ChannelOutput<String> out = c.writer();
        CompletableFuture<Boolean> write = async(() -> {
            out.write("to afar");
            return true;
        });
        awaitParked(write);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.reader()), remote, null);
        Proposal p = remote.next();
        assertEquals("to afar", p.value());
        p.accept();
        assertTrue(write.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aLocalTimedReadHeldByAProposalWaitsForTheAnswerEvenPastItsDeadline() throws Exception {
        Channel<String> c = rendezvous();
        ChannelInput<String> in = c.reader();
        long startNs = System.nanoTime();
        CompletableFuture<Optional<String>> read = async(() -> in.read(Duration.ofSeconds(1)));
        awaitParked(read);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "late but committed");
        Proposal p = remote.next();
        Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(startNs - System.nanoTime()) + 1200));
        assertFalse(read.isDone(), "the outcome is not known until the proposal is answered");
        p.accept();
        assertEquals(Optional.of("late but committed"), read.get(10, TimeUnit.SECONDS));
    }

    /**
     * Starts {@code party}, which waits with {@code timeout}, lets {@code foreign} hold it, checks
     * that the proposal tells the party's deadline, and accepts.
     */
    private <T> CompletableFuture<T> heldWithDeadline(Duration timeout, Supplier<T> party, Runnable foreign,
            FakeRemote remote) throws InterruptedException {
        long before = System.nanoTime();
        CompletableFuture<T> f = async(party);
        awaitParked(f);
        long after = System.nanoTime();
        foreign.run();
        Proposal p = remote.next();
        long deadline = p.partnerDeadlineNs();
        assertTrue(deadline - before >= timeout.toNanos() && deadline - after <= timeout.toNanos(),
                "the proposal tells the held party's deadline: " + deadline + ", waited from " + before);
        p.accept();
        return f;
    }

    @Test
    void aProposalTellsTheDeadlineOfTheHeldPartnerAndNoneForAnUntimedOne() throws Exception {
        Channel<String> c = rendezvous();
        ChannelInput<String> in = c.reader();
        FakeRemote remote = new FakeRemote();
        CompletableFuture<Optional<String>> timed = heldWithDeadline(Duration.ofSeconds(30),
                () -> in.read(Duration.ofSeconds(30)), () -> enroll(port(c.writer()), remote, "timed"), remote);
        assertEquals(Optional.of("timed"), timed.get(10, TimeUnit.SECONDS));

        ChannelOutput<String> out = c.writer();
        CompletableFuture<Boolean> untimed = async(() -> {
            out.write("untimed");
            return true;
        });
        awaitParked(untimed);
        enroll(port(c.reader()), remote, null);
        Proposal q = remote.next();
        assertEquals(Long.MAX_VALUE, q.partnerDeadlineNs(), "a plain write waits without a deadline");
        q.accept();
        assertTrue(untimed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aTimeoutOfMoreThanACenturyIsNoDeadlineSoThatDeadlinePlusAPeerTimeoutCannotOverflow() throws Exception {
        Channel<String> c = rendezvous();
        ChannelOutput<String> out = c.writer();
        CompletableFuture<Boolean> write = async(() -> out.write("patient", Duration.ofNanos(Long.MAX_VALUE)));
        awaitParked(write);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.reader()), remote, null);
        Proposal p = remote.next();
        assertEquals(Long.MAX_VALUE, p.partnerDeadlineNs());
        p.accept();
        assertTrue(write.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAlternationsProposalTellsItsEarliestTimeoutAndABufferedMessageTellsNone() throws Exception {
        Channel<String> c = rendezvous();
        ChannelInput<String> in = c.reader();
        FakeRemote remote = new FakeRemote();
        CompletableFuture<Selected> alt = heldWithDeadline(Duration.ofSeconds(20),
                () -> new Alternation(new TimeoutGuard(Duration.ofSeconds(60)), new InputGuard<>(in),
                        new TimeoutGuard(Duration.ofSeconds(20))).select(),
                () -> enroll(port(c.writer()), remote, "alt"), remote);
        assertEquals(1, alt.get(10, TimeUnit.SECONDS).index());

        Channel<String> b = buffered(1);
        b.<String>writer().write("buffered");
        enroll(port(b.reader()), remote, null);
        Proposal head = remote.next();
        assertEquals(Long.MAX_VALUE, head.partnerDeadlineNs(), "nobody is held for a buffered message");
        head.accept();
    }

    @Test
    void aFailedProposalMakesTheHeldLocalPartnerThrowTheGivenError() throws Exception {
        for (boolean localReads : new boolean[] {true, false}) {
            Channel<String> c = rendezvous();
            ChannelInput<String> in = c.reader();
            ChannelOutput<String> out = c.writer();
            CompletableFuture<String> local = async(() -> {
                if (localReads) {
                    return in.read();
                }
                out.write("mine");
                return "wrote";
            });
            awaitParked(local);
            FakeRemote remote = new FakeRemote();
            enroll(port(localReads ? c.writer() : c.reader()), remote, localReads ? "theirs" : null);
            IllegalStateException unknown = new IllegalStateException("peer unreachable at commit");
            remote.next().fail(unknown);
            ExecutionException e = assertThrows(ExecutionException.class, () -> local.get(10, TimeUnit.SECONDS));
            assertEquals(unknown, e.getCause(), "local reads=" + localReads);
            CompletableFuture<String> next = async(in::read);
            awaitParked(next);
            out.write("after");
            assertEquals("after", next.get(10, TimeUnit.SECONDS), "the channel goes on working");
        }
    }

    @Test
    void aForeignOfferAtAPoisonedChannelIsToldSoAndAQueuedOneIsToldOnPoison() {
        Channel<String> c = rendezvous();
        FakeRemote queued = new FakeRemote();
        enroll(port(c.reader()), queued, null);
        assertNull(queued.terminated.get());
        c.writer().poison();
        assertInstanceOf(PoisonException.class, queued.terminated.get());
        FakeRemote late = new FakeRemote();
        Port writerSide;
        try {
            writerSide = port(c.writer());
        } catch (ChannelTerminatedException e) {
            return; // refusing a new end's port at once is also a clear answer
        }
        enroll(writerSide, late, "too late");
        assertInstanceOf(PoisonException.class, late.terminated.get());
    }

    @Test
    void aWithdrawnForeignOfferIsNeverProposedAndLocalPartiesStillMeet() throws Exception {
        Channel<String> c = rendezvous();
        FakeRemote remote = new FakeRemote();
        Port readers = port(c.reader());
        Offer offer = enroll(readers, remote, null);
        readers.withdraw(offer);
        assertFalse(offer.isQueued());
        ChannelOutput<String> out = c.writer();
        CompletableFuture<Boolean> write = async(() -> {
            out.write("local");
            return true;
        });
        awaitParked(write);
        remote.assertNoProposal();
        assertEquals("local", c.reader().read());
        assertTrue(write.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aForeignWriterQueuedFirstIsProposedToALocalReaderThatComesLater() throws Exception {
        Channel<String> c = rendezvous();
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "waited here");
        remote.assertNoProposal(); // no reader yet
        ChannelInput<String> in = c.reader();
        CompletableFuture<String> read = async(in::read);
        remote.next().accept();
        assertEquals("waited here", read.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aForeignReaderQueuedFirstIsProposedToALocalWriterAndATimedWriteTellsTheAnswer() throws Exception {
        Channel<String> c = rendezvous();
        FakeRemote remote = new FakeRemote();
        enroll(port(c.reader()), remote, null);
        ChannelOutput<String> out = c.writer();
        CompletableFuture<Boolean> accepted = async(() -> out.write("taken", Duration.ofSeconds(5)));
        Proposal p = remote.next();
        assertEquals("taken", p.value());
        p.accept();
        assertTrue(accepted.get(10, TimeUnit.SECONDS), "an accepted timed write is done");

        enroll(port(c.reader()), remote, null);
        CompletableFuture<Boolean> declined = async(() -> out.write("declined", Duration.ofMillis(200)));
        remote.next().decline(); // the writer waits on, and nobody else comes
        assertFalse(declined.get(10, TimeUnit.SECONDS), "a declined timed write that ran out is not done");
    }

    @Test
    void everyKindOfProposalRefusesASecondAnswerOfAnyKind() throws Exception {
        List<String> kinds = List.of("accept", "decline", "fail");
        for (String first : kinds) {
            for (String second : kinds) {
                String what = first + " then " + second;
                Proposal[] proposals = {heldPartnerProposal(), bufferHeadProposal(), reservedSlotProposal()};
                for (Proposal p : proposals) {
                    answer(p, first);
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> answer(p, second), what);
                    assertTrue(e.getMessage().contains("answered twice"), what + ": " + e.getMessage());
                }
            }
        }
    }

    private static void answer(Proposal p, String how) {
        switch (how) {
            case "accept" -> p.accept();
            case "decline" -> p.decline();
            default -> p.fail(new IllegalStateException("the foreign party cannot tell"));
        }
    }

    /** @return a proposal holding a waiting local reader for a foreign writer */
    private Proposal heldPartnerProposal() throws InterruptedException {
        Channel<String> c = rendezvous();
        ChannelInput<String> in = c.reader();
        CompletableFuture<String> read = async(() -> {
            try {
                return in.read();
            } catch (RuntimeException failedOrPoisonedAtCleanUp) {
                return null;
            }
        });
        awaitParked(read);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "held");
        return remote.next();
    }

    /** @return a proposal of a buffer's head to a foreign reader */
    private Proposal bufferHeadProposal() throws InterruptedException {
        Channel<String> c = buffered(1);
        c.writer().write("head");
        FakeRemote remote = new FakeRemote();
        enroll(port(c.reader()), remote, null);
        return remote.next();
    }

    /** @return a proposal of a reserved buffer slot to a foreign writer */
    private Proposal reservedSlotProposal() throws InterruptedException {
        Channel<String> c = buffered(1);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "slot");
        return remote.next();
    }
}
