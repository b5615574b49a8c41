package dev.parley.spi;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Foreign parties at a buffered channel: a foreign reader is proposed the buffer's oldest
 * message and a foreign writer a reserved slot, at once if there is one, else once a
 * local write or read makes one; a declined head stays, a failed head counts as taken,
 * and a failed slot stores nothing.
 */
class ForeignPartyBufferTest extends ForeignPartyFixture {

    @Test
    void aForeignReaderOfABufferedChannelIsOfferedTheOldestMessageAndADeclineKeepsIt() throws Exception {
        Channel<String> c = buffered(1);
        ChannelOutput<String> out = c.writer();
        out.write("first");
        CompletableFuture<Boolean> blocked = async(() -> {
            out.write("second");
            return true;
        });
        awaitParked(blocked);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.reader()), remote, null);
        Proposal p = remote.next();
        assertEquals("first", p.value());
        p.decline();
        ChannelInput<String> in = c.reader();
        assertEquals("first", in.read(), "a declined head stays in the buffer");
        assertTrue(blocked.get(10, TimeUnit.SECONDS), "taking refilled the buffer from the waiting writer");
        enroll(port(c.reader()), remote, null);
        Proposal q = remote.next();
        assertEquals("second", q.value());
        q.accept();
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(30)), "an accepted head left the buffer");
    }

    @Test
    void aForeignWriterOfABufferedChannelGetsAReservedSlot() throws Exception {
        Channel<String> c = buffered(1);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "reserved");
        Proposal p = remote.next();
        ChannelOutput<String> out = c.writer();
        assertFalse(out.write("no room", Duration.ofMillis(30)), "the reserved slot counts against the capacity");
        p.accept();
        ChannelInput<String> in = c.reader();
        assertEquals("reserved", in.read());
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(20)));
    }

    @Test
    void aFailedBufferHeadProposalCountsAsTakenAndAFailedSlotProposalStoresNothing() throws Exception {
        Channel<String> c = buffered(1);
        ChannelOutput<String> out = c.writer();
        out.write("head");
        FakeRemote remote = new FakeRemote();
        enroll(port(c.reader()), remote, null);
        Proposal head = remote.next();
        assertEquals("head", head.value());
        head.fail(new IllegalStateException("unknown"));
        ChannelInput<String> in = c.reader();
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(30)), "at most once: the head left the buffer");
        enroll(port(c.writer()), remote, "slot");
        remote.next().fail(new IllegalStateException("unknown"));
        assertTrue(out.write("local", Duration.ofSeconds(5)), "the slot was freed");
        assertEquals("local", in.read());
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(30)),
                "the failed writer's message was not stored");
    }

    @Test
    void aMessagePutIntoABufferIsProposedToAForeignReaderQueuedThere() throws Exception {
        Channel<String> c = buffered(2);
        FakeRemote remote = new FakeRemote();
        enroll(port(c.reader()), remote, null);
        remote.assertNoProposal(); // nothing buffered yet
        c.writer().write("buffered"); // returns at once: there is room
        Proposal p = remote.next();
        assertEquals("buffered", p.value());
        p.accept();
        assertEquals(Optional.empty(), c.reader().read(Duration.ofMillis(30)), "the foreign reader took it");
    }

    @Test
    void aSlotFreedByALocalReadIsProposedToAForeignWriterQueuedAtAFullBuffer() throws Exception {
        Channel<String> c = buffered(1);
        c.writer().write("fills it");
        FakeRemote remote = new FakeRemote();
        enroll(port(c.writer()), remote, "waits for room");
        remote.assertNoProposal(); // the buffer is full
        ChannelInput<String> in = c.reader();
        assertEquals("fills it", in.read());
        remote.next().accept();
        assertEquals("waits for room", in.read());
    }
}
