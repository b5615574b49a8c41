package dev.parley;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When a process ends by poison or retire, an owned end whose poison or retire fails (as a
 * remote end's does when its home is unreachable) does not keep the other ends from being
 * poisoned or retired, and its failure is rethrown rather than lost.
 */
class EndFailureAtProcessEndTest {

    /** A writer end whose poison and retire fail, as a remote end's may. */
    private static final class FailingEnd implements ChannelOutput<Integer> {
        final IllegalStateException failure = new IllegalStateException("home unreachable");

        @Override
        public void write(Integer message) {
            throw new UnsupportedOperationException("not written in this test");
        }

        @Override
        public boolean write(Integer message, Duration timeout) {
            throw new UnsupportedOperationException("not written in this test");
        }

        @Override
        public String channelName() {
            return "failing";
        }

        @Override
        public void poison() {
            throw failure;
        }

        @Override
        public void retire() {
            throw failure;
        }
    }

    record Stopped(ChannelOutput<Integer> first, ChannelOutput<Integer> second, boolean poison) implements CSProcess {
        @Override
        public void run() {
            if (poison) {
                throw new PoisonException("upstream");
            }
            throw new RetiredException("upstream", "is retired");
        }
    }

    @Test
    void aPoisonThatFailsOnOneEndStillPoisonsTheNextAndIsRethrown() {
        assertThrows(PoisonException.class, () -> stopAndReadAfter(true), "the end after the failing one was poisoned");
    }

    @Test
    void aRetireThatFailsOnOneEndStillRetiresTheNextAndIsRethrown() {
        assertThrows(RetiredException.class, () -> stopAndReadAfter(false), "its only writer end was retired");
    }

    /** Runs the stopped process; checks that the end's failure is rethrown; reads its channel's other side. */
    private static void stopAndReadAfter(boolean poison) {
        FailingEnd failing = new FailingEnd();
        Channel<Integer> local = Channel.create("local");
        ChannelInput<Integer> in = local.reader();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parallel.run(new Stopped(failing, local.writer(), poison)));
        assertSame(failing.failure, e);
        assertEquals(0, e.getSuppressed().length);
        in.read(Duration.ofSeconds(2));
    }
}
