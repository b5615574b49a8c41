package dev.parley.spi;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelEnd;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.RetiredException;
import dev.parley.contract.ChannelContract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abandon of an end, as a transport uses it when a remote node restarted: the end leaves
 * the channel's counts without counting as retired (invariant abandoned-is-not-retired). On
 * channels of this JVM, with the contract suites' harness.
 */
class AbandonableEndTest extends ChannelContract {

    private static final Duration QUIET = Duration.ofMillis(50);

    @Override
    protected <T> Channel<T> channel(String name, int capacity) {
        return capacity == 0 ? Channel.create(name) : Channel.buffered(name, capacity);
    }

    private static void abandon(ChannelEnd end) {
        ((AbandonableEnd) end).abandon();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void abandoningTheOnlyWriterLeavesTheChannelOpenAndANewWriterEndIsRead(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> lost = c.writer();
        Party reader = start("reader", () -> assertEquals(7, in.read()));
        awaitBlocked(reader);
        abandon(lost);
        assertStillBlocked(reader, QUIET);
        ChannelOutput<Integer> fresh = c.writer();
        fresh.write(7);
        reader.join();
        fresh.retire();
        assertThrows(RetiredException.class, in::read, "the new end's retire counts: the last writer retired");
    }

    @Test
    void abandoningTheOnlyReaderKeepsAWaitingWriterWaitingForANewReader() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> lost = c.reader();
        Party writer = start("writer", () -> out.write(3));
        awaitBlocked(writer);
        abandon(lost);
        assertStillBlocked(writer, QUIET);
        assertEquals(3, c.reader().read());
        writer.join();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void abandoningOneOfTwoWritersAndRetiringTheOtherRetiresTheChannel(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> lost = c.writer();
        ChannelOutput<Integer> other = c.writer();
        abandon(lost);
        assertEquals(Optional.empty(), in.read(QUIET), "one writer left: still open");
        Party reader = start("reader", in::read);
        awaitBlocked(reader);
        other.retire();
        assertInstanceOf(RetiredException.class, reader.joinFailure());
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 2})
    void abandoningTheLastWriterAfterTheOthersRetiredRetiresTheChannel(int capacity) {
        Channel<Integer> c = channel(capacity);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> first = c.writer();
        ChannelOutput<Integer> second = c.writer();
        ChannelOutput<Integer> lost = c.writer();
        first.retire();
        second.retire();
        Party reader = start("reader", in::read);
        awaitBlocked(reader);
        abandon(lost);
        assertInstanceOf(RetiredException.class, reader.joinFailure(), "every remaining writer end has retired");
        assertThrows(RetiredException.class, () -> c.writer().write(1), "a retired channel stays retired");
    }

    @Test
    void abandoningTheLastReaderAfterTheOthersRetiredFailsAWaitingWriter() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> retired = c.reader();
        ChannelInput<Integer> lost = c.reader();
        retired.retire();
        Party writer = start("writer", () -> out.write(5));
        awaitBlocked(writer);
        abandon(lost);
        assertInstanceOf(RetiredException.class, writer.joinFailure());
    }

    @Test
    void aBufferedChannelWhoseLastWriterIsAbandonedAfterAnotherRetiredIsDrainedThenRetired() {
        Channel<Integer> c = channel(3);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> retired = c.writer();
        ChannelOutput<Integer> lost = c.writer();
        retired.write(1);
        lost.write(2);
        retired.retire();
        abandon(lost);
        assertEquals(1, in.read());
        assertEquals(2, in.read(), "writes that completed before are never lost");
        assertThrows(RetiredException.class, in::read);
    }

    @Test
    void abandoningTwiceOrAfterARetireCountsOnce() {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> lost = c.writer();
        ChannelOutput<Integer> retiredThenAbandoned = c.writer();
        ChannelOutput<Integer> last = c.writer();
        abandon(lost);
        abandon(lost);
        lost.retire(); // an abandoned end has left: its retire counts for nothing
        retiredThenAbandoned.retire();
        abandon(retiredThenAbandoned);
        Party reader = start("reader", () -> assertEquals(8, in.read(), "one writer left: the channel is open"));
        awaitBlocked(reader);
        last.write(8);
        reader.join();
        last.retire();
        assertThrows(RetiredException.class, in::read);
    }

    @Test
    void operationsOnAnAbandonedEndThrowIllegalStateAndItsPoisonDoesNothing() {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> lostIn = c.reader();
        ChannelOutput<Integer> lostOut = c.writer();
        abandon(lostIn);
        abandon(lostOut);
        assertTrue(assertThrows(IllegalStateException.class, lostIn::read).getMessage().contains("abandoned"));
        assertThrows(IllegalStateException.class, () -> lostIn.read(Duration.ofMillis(10)));
        assertThrows(IllegalStateException.class, () -> lostOut.write(1));
        assertThrows(IllegalStateException.class, () -> lostOut.write(1, Duration.ofMillis(10)));
        assertThrows(IllegalStateException.class, () -> new Alternation(new InputGuard<>(lostIn)).select());
        assertThrows(IllegalStateException.class, () -> new Alternation(new OutputGuard<>(lostOut, 1)).select());
        lostIn.poison();
        lostOut.poison();
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        Party reader = start("reader", () -> assertEquals(4, in.read(), "neither poison reached the channel"));
        out.write(4);
        reader.join();
    }
}
