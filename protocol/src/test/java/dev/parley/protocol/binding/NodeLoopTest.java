package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.ProtocolConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop's own behaviour with an inbound: wake-ups and failures. */
class NodeLoopTest {

    private final NodeLoop loop = new NodeLoop(301, ProtocolConfig.defaults(), null,
            new LoopbackNetwork().endpoint("alone"), new HostedChannels(), new RemoteEndpoints());

    @AfterEach
    void closeLoop() throws InterruptedException {
        try {
            loop.close();
        } catch (IllegalStateException e) {
            // the failure test closes it itself; a second close reports nothing new
        }
    }

    @Test
    void aTaskSubmittedWhileTheLoopIsInALongParkRunsAtOnceNotWhenTheParkEnds() throws Exception {
        CountDownLatch longParks = new CountDownLatch(1);
        long[] lastPollNs = {System.nanoTime()};
        loop.pollInbound(node -> {
            long now = System.nanoTime();
            if (now - lastPollNs[0] >= TimeUnit.MILLISECONDS.toNanos(500)) {
                longParks.countDown(); // parks double: the next one lasts a second or more
            }
            lastPollNs[0] = now;
            return 0;
        }, TimeUnit.SECONDS.toNanos(60));
        assertTrue(longParks.await(30, TimeUnit.SECONDS), "the idle loop never backed off to long parks");
        Thread.sleep(50); // the loop is in its next park now

        long submittedNs = System.nanoTime();
        CompletableFuture<Long> ranNs = new CompletableFuture<>();
        loop.submit(() -> ranNs.complete(System.nanoTime()));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(ranNs.get(30, TimeUnit.SECONDS) - submittedNs);
        assertTrue(waitedMs < 500, "the task waited for the park to end: ms=" + waitedMs);
    }

    @Test
    void anInboundThatThrowsStopsTheLoopWhoseHooksAndCloseGetThatException() throws Exception {
        IllegalStateException bug = new IllegalStateException("an inbound that cannot poll");
        CompletableFuture<RuntimeException> hooked = new CompletableFuture<>();
        loop.whenStopped(hooked::complete);
        loop.pollInbound(node -> {
            throw bug;
        }, TimeUnit.MILLISECONDS.toNanos(1));
        assertSame(bug, hooked.get(30, TimeUnit.SECONDS), "the stop hook gets the failure");
        assertTrue(loop.stopped());
        IllegalStateException closing = assertThrows(IllegalStateException.class, loop::close);
        assertSame(bug, closing.getCause());
    }
}
