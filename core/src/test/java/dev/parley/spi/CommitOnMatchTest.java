package dev.parley.spi;

import dev.parley.Channel;
import dev.parley.ChannelInput;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Foreign writers that commit on match (a transport's unconditional writes, which it accepts
 * whatever happens): the channel completes with them at once, as with local writers, and tells
 * them afterwards; everything else still waits for the party's answer.
 */
class CommitOnMatchTest extends ForeignPartyFixture {

    private Channel<String> channel(int capacity) {
        return capacity == 0 ? rendezvous() : buffered(capacity);
    }

    /** @param commits whether the channel may commit with the party at the match */
    private static RelayTest.Party party(boolean commits) {
        return new RelayTest.Party(new Object(), commits);
    }

    @Test
    void aZeroTimeoutLocalReadTakesAtOnceFromAWriterThatCommitsOnMatchAndTheWriterIsToldAfter() throws Exception {
        Channel<String> c = channel(0);
        RelayTest.Party writer = party(true);
        enroll(c.writer(), writer, "at once");
        assertEquals(Optional.of("at once"), c.reader().read(Duration.ZERO));
        Proposal told = writer.nextProposal();
        assertNull(told.value(), "a writer receives nothing");
        told.accept();
    }

    @Test
    void aWriterThatMustBeAskedIsNotTakenByAZeroTimeoutRead() throws Exception {
        Channel<String> c = channel(0);
        RelayTest.Party writer = party(false);
        enroll(c.writer(), writer, "ask me");
        assertEquals(Optional.empty(), c.reader().read(Duration.ZERO));
        assertNull(writer.proposals.poll(30, TimeUnit.MILLISECONDS), "nobody waited to be proposed to it");
    }

    @Test
    void aWaitingLocalReaderCompletesAsSuchAWriterArrivesWithoutWaitingForItsAnswer() throws Exception {
        Channel<String> c = channel(0);
        ChannelInput<String> in = c.reader();
        CompletableFuture<String> read = new CompletableFuture<>();
        Thread t = track(Thread.ofVirtual().start(() -> read.complete(in.read())));
        while (t.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        RelayTest.Party writer = party(true);
        enroll(c.writer(), writer, "no round trip");
        assertEquals("no round trip", read.get(10, TimeUnit.SECONDS), "completed before the proposal was answered");
        writer.nextProposal().accept();
    }

    @Test
    void anOlderWriterThatMustBeAskedIsServedFirst() throws Exception {
        Channel<String> c = channel(0);
        RelayTest.Party asked = party(false);
        RelayTest.Party commits = party(true);
        enroll(c.writer(), asked, "older");
        enroll(c.writer(), commits, "younger");
        ChannelInput<String> in = c.reader();
        CompletableFuture<String> read = new CompletableFuture<>();
        track(Thread.ofVirtual().start(() -> read.complete(in.read())));
        Proposal p = asked.nextProposal(); // the older writer is asked, although the younger could commit at once
        assertNull(commits.proposals.poll(30, TimeUnit.MILLISECONDS));
        p.accept();
        assertEquals("older", read.get(10, TimeUnit.SECONDS));
        assertEquals(Optional.of("younger"), in.read(Duration.ZERO));
        commits.nextProposal().accept();
    }

    @Test
    void aBufferedChannelStoresSuchAWritersMessageAtOnce() throws Exception {
        Channel<String> c = channel(2);
        RelayTest.Party writer = party(true);
        enroll(c.writer(), writer, "stored");
        writer.nextProposal().accept(); // told it is stored, before any reader came
        assertEquals(Optional.of("stored"), c.reader().read(Duration.ZERO));
    }

    @Test
    void aRelayProposesSuchAWritersValueToAForeignReaderWithoutWaitingForAHoldAnswer() throws Exception {
        Channel<String> c = channel(0);
        RelayTest.Party reader = party(false);
        RelayTest.Party writer = party(true);
        enroll(c.reader(), reader, null);
        enroll(c.writer(), writer, "relayed at once");
        assertNotNull(writer.holds.poll(10, TimeUnit.SECONDS), "the writer is still told it is held");
        assertEquals("relayed at once", reader.nextProposal().value());
    }
}
