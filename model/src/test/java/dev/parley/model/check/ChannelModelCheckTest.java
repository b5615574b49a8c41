package dev.parley.model.check;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.parley.model.check.Scenarios.check;
import static dev.parley.model.check.Scenarios.explore;
import static dev.parley.model.check.Scenarios.parallel;

/** Rendezvous and buffered channels under Lincheck's model checker: every interleaving explored. */
class ChannelModelCheckTest {

    private static final int INVOCATIONS = 100;

    @Test
    void aRendezvousWriteReturnsOnlyAfterAReaderHasStartedToRead() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
            int[] got = new int[1];
            parallel(() -> {
                out.write(7);
                events.add("write returned");
            }, () -> {
                events.add("read called");
                got[0] = in.read();
            });
            check(got[0] == 7, "the reader receives the message written", "got", got[0]);
            check(events.peek().equals("read called"), "a write returns after its reader came", "events", events);
        });
    }

    @Test
    void twoWritersAndOneReaderExchangeEachMessageExactlyOnce() {
        explore(INVOCATIONS, () -> {
            Channel<String> c = Channel.create();
            ChannelOutput<String> a = c.writer();
            ChannelOutput<String> b = c.writer();
            ChannelInput<String> in = c.reader();
            String[] got = new String[2];
            parallel(() -> a.write("a"), () -> b.write("b"), () -> {
                got[0] = in.read();
                got[1] = in.read();
            });
            List<String> sorted = java.util.Arrays.stream(got).sorted().toList();
            check(sorted.equals(List.of("a", "b")), "each message is received exactly once", "got", List.of(got));
        });
    }

    @Test
    void aBufferOfOneKeepsOrderAndHoldsTheSecondWriteUntilARead() {
        explore(INVOCATIONS, () -> checkBuffer(1, 2));
    }

    @Test
    void aBufferOfTwoKeepsOrderAndHoldsTheThirdWriteUntilARead() {
        explore(INVOCATIONS, () -> checkBuffer(2, 3));
    }

    /** One writer writes capacity + 1 messages; the last can only be stored once a read began. */
    private static void checkBuffer(int capacity, int messages) throws Exception {
        Channel<Integer> c = Channel.buffered(capacity);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        Integer[] got = new Integer[messages];
        parallel(() -> {
            for (int i = 0; i < messages; i++) {
                out.write(i);
            }
            events.add("last write returned");
        }, () -> {
            events.add("read called");
            for (int i = 0; i < messages; i++) {
                got[i] = in.read();
            }
        });
        for (int i = 0; i < messages; i++) {
            check(got[i] == i, "buffered messages are read oldest first", "capacity", capacity, "got", List.of(got));
        }
        check(events.peek().equals("read called"), "a full buffer holds the writer", "capacity", capacity,
                "events", events);
    }
}
