package dev.parley.model.check;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static dev.parley.model.check.Scenarios.check;
import static dev.parley.model.check.Scenarios.explore;
import static dev.parley.model.check.Scenarios.parallel;

/**
 * Timed and interrupted operations racing with their partners, under Lincheck's model checker.
 * Lincheck runs with a frozen {@code System.nanoTime()}, so here a timed wait never times out:
 * these scenarios check the immediate paths and the withdraw path (reached by interrupt), and
 * {@link RealClockChecksTest} checks timeouts against the real clock.
 */
class TimedModelCheckTest {

    private static final int INVOCATIONS = 100;
    private static final Duration SHORT = Duration.ofMillis(1);

    @Test
    void aTimedWriteReportsTrueExactlyWhenATimedReadReceivedItsMessage() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            boolean[] wrote = new boolean[1];
            @SuppressWarnings("unchecked")
            Optional<Integer>[] read = new Optional[1];
            parallel(() -> wrote[0] = out.write(8, SHORT), () -> read[0] = in.read(SHORT));
            check(wrote[0] == read[0].isPresent(), "a timed write is true exactly when its message was read",
                    "write", wrote[0], "read", read[0]);
        });
    }

    @Test
    void aZeroTimeoutWriteThatReportsFalseDeliveredNothing() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            int[] got = new int[1];
            parallel(() -> {
                if (!out.write(3, Duration.ZERO)) {
                    out.write(4);
                }
            }, () -> got[0] = in.read());
            check(got[0] == 3 || got[0] == 4, "exactly one of the two writes is received", "got", got[0]);
        });
    }

    @Test
    void aReadWithdrawnByAnInterruptTakesNothingSoTheNextReadGetsTheMessage() {
        explore(INVOCATIONS, () -> {
            Channel<Integer> c = Channel.create();
            ChannelOutput<Integer> out = c.writer();
            ChannelInput<Integer> in = c.reader();
            int[] got = new int[1];
            Thread reader = Scenarios.PLATFORM.newThread(() -> {
                while (true) {
                    try {
                        got[0] = in.read();
                        return;
                    } catch (ChannelInterruptedException e) {
                        Thread.interrupted(); // withdrawn: read again
                    }
                }
            });
            reader.start();
            parallel(() -> out.write(5), reader::interrupt);
            reader.join();
            check(got[0] == 5, "the message is received although a read was withdrawn", "got", got[0]);
        });
    }
}
