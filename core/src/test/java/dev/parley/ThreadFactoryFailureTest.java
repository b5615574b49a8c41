package dev.parley;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A process whose thread cannot be started has its ends poisoned, so that nobody waits for it. */
class ThreadFactoryFailureTest {

    /** Returns a thread that is already running, so that start() throws. */
    private static final ThreadFactory BROKEN = body -> {
        return Thread.ofVirtual().start(() -> { });
    };

    @Test
    void spawnWithAThreadThatCannotStartThrowsAndPoisonsTheProcessEnds() {
        Channel<Integer> c = Channel.create("spawn-broken");
        ChannelInput<Integer> in = c.reader();
        assertThrows(IllegalThreadStateException.class,
                () -> Spawn.start(BROKEN, CSProcess.owning(in::read, in)));
        assertThrows(PoisonException.class, () -> c.writer().write(1, Duration.ofSeconds(5)),
                "the reader that never started must not leave a writer waiting");
    }

    @Test
    void spawnWithAFactoryThatGivesNoThreadSaysSoAndPoisonsTheProcessEnds() {
        Channel<Integer> c = Channel.create("spawn-null");
        ChannelInput<Integer> in = c.reader();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Spawn.start(body -> null, CSProcess.owning(in::read, in)));
        assertTrue(e.getMessage().contains("returned no thread"), e.getMessage());
        assertThrows(PoisonException.class, () -> c.writer().write(1, Duration.ofSeconds(5)));
    }

    @Test
    void parallelWithAThreadThatCannotStartRethrowsAndStopsTheProcessesThatDidStart() {
        Channel<Integer> c = Channel.create("parallel-broken");
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        int[] made = {0};
        ThreadFactory secondBreaks = body -> made[0]++ == 0
                ? Thread.ofVirtual().unstarted(body) : BROKEN.newThread(body);
        assertThrows(IllegalThreadStateException.class, () -> Parallel.run(secondBreaks,
                List.of(CSProcess.owning(in::read, in), CSProcess.owning(() -> out.write(1), out))));
    }
}
