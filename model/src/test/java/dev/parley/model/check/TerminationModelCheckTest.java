package dev.parley.model.check;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.parley.model.check.Scenarios.check;
import static dev.parley.model.check.Scenarios.explore;
import static dev.parley.model.check.Scenarios.parallel;

/** Poison and retire racing with communications, under Lincheck's model checker. */
class TerminationModelCheckTest {

    private static final int INVOCATIONS = 100;

    @Test
    void poisonAfterAWriteWakesTheReaderWaitingForTheNextMessage() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            Object[] got = new Object[2];
            parallel(() -> {
                out.write(1);
                out.poison();
            }, () -> {
                got[0] = in.read();
                got[1] = outcomeOf(in::read);
            });
            check(Integer.valueOf(1).equals(got[0]), "the write before the poison is received", "got", got[0]);
            check(got[1] == PoisonException.class, "the next read throws PoisonException", "got", got[1]);
        });
    }

    @Test
    void aWriteRacingWithPoisonIsEitherReceivedOrFailsWithPoisonException() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            ChannelInput<Integer> poisoner = c.reader();
            Object[] wrote = new Object[1];
            Object[] read = new Object[1];
            parallel(() -> wrote[0] = outcomeOf(() -> {
                out.write(5);
                return "written";
            }), () -> read[0] = outcomeOf(in::read), poisoner::poison);
            boolean delivered = Integer.valueOf(5).equals(read[0]);
            check(delivered == "written".equals(wrote[0]), "a write completes exactly when its message is read",
                    "write", wrote[0], "read", read[0]);
            check(delivered || (wrote[0] == PoisonException.class && read[0] == PoisonException.class),
                    "a failed exchange fails on both sides with PoisonException", "write", wrote[0], "read", read[0]);
        });
    }

    @Test
    void writerPoisonKeepsBufferedMessagesForTheReader() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.buffered(2);
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            List<Object> got = new ArrayList<>();
            parallel(() -> {
                out.write(1);
                out.write(2);
                out.poison();
            }, () -> {
                for (int i = 0; i < 3; i++) {
                    got.add(outcomeOf(in::read));
                }
            });
            check(got.equals(List.of(1, 2, PoisonException.class)), "readers drain the buffer, then see the poison",
                    "got", got);
        });
    }

    @Test
    void readerPoisonDiscardsTheBufferForEveryReader() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.buffered(2);
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            ChannelInput<Integer> poisoner = c.reader();
            out.write(1);
            out.write(2);
            Object[] got = new Object[2];
            Object[] poisonerRead = new Object[1];
            parallel(() -> {
                poisoner.poison();
                poisonerRead[0] = outcomeOf(poisoner::read);
            }, () -> {
                got[0] = outcomeOf(in::read);
                got[1] = outcomeOf(in::read);
            });
            Object after = outcomeOf(in::read);
            boolean firstBeforePoison = Integer.valueOf(1).equals(got[0]);
            check(firstBeforePoison || got[0] == PoisonException.class, "the first read gets 1 or the poison",
                    "got", List.of(got));
            check(got[1] == PoisonException.class || (firstBeforePoison && Integer.valueOf(2).equals(got[1])),
                    "reads before the poison take the buffer in order, reads after it throw", "got", List.of(got));
            check(after == PoisonException.class && poisonerRead[0] == PoisonException.class,
                    "no buffered message survives a reader's poison", "after", after, "poisoner", poisonerRead[0]);
        });
    }

    @Test
    void retireIsCountedPerEndSoTheLastWriterStillDelivers() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> first = c.writer();
            ChannelOutput<Integer> second = c.writer();
            ChannelInput<Integer> in = c.reader();
            Object[] got = new Object[2];
            parallel(first::retire, () -> {
                second.write(3);
                second.retire();
            }, () -> {
                got[0] = outcomeOf(in::read);
                got[1] = outcomeOf(in::read);
            });
            check(Integer.valueOf(3).equals(got[0]), "the writer still alive delivers", "got", List.of(got));
            check(got[1] == RetiredException.class, "once every writer retired, a read throws RetiredException",
                    "got", List.of(got));
        });
    }

    @Test
    void aWriterWaitingWhenTheOnlyReaderRetiresFailsWithRetiredException() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            Object[] wrote = new Object[1];
            parallel(() -> wrote[0] = outcomeOf(() -> {
                out.write(4);
                return "written";
            }), in::retire);
            check(wrote[0] == RetiredException.class, "a write nobody can read fails with RetiredException",
                    "write", wrote[0]);
        });
    }

    /** The value an operation returned, or the class of the channel exception it threw. */
    static Object outcomeOf(java.util.function.Supplier<?> operation) {
        try {
            return operation.get();
        } catch (PoisonException | RetiredException e) {
            return e.getClass();
        }
    }
}
