package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Selected;
import dev.parley.SkipGuard;
import dev.parley.TimeoutGuard;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Remote guards in alternations, over the loopback binding: input and output guards
 * beside local and timeout guards, a probe by priSelect that meets a waiting home reader
 * or leaves nothing behind, and a probe to a silent home that ends at the alternation's
 * deadline.
 */
class LoopbackAlternationTest extends LoopbackNodes {

    @Test
    void aRemoteInputGuardFiresWithTheHomeWritersValueBesideALocalGuard() throws Exception {
        Channel<String> g = Channel.create("G");
        homeChannels.host(g, ValueCodec.utf8());
        ChannelOutput<String> homeOut = g.writer();
        ChannelInput<String> remoteIn = remoteReader("G", ValueCodec.utf8());
        Channel<String> idle = Channel.create("idle"); // a local guard that never fires
        Selected[] chosen = new Selected[1];
        Parallel.run(() -> homeOut.write("chosen"), () -> chosen[0] =
                new Alternation(new InputGuard<>(idle.reader()), new InputGuard<>(remoteIn)).select());
        assertEquals(1, chosen[0].index());
        assertEquals("chosen", chosen[0].value());
    }

    @Test
    void aRemoteGuardThatTimesOutTakesNothingAndTheValueGoesToALaterReader() throws Exception {
        Channel<String> t = Channel.create("T");
        homeChannels.host(t, ValueCodec.utf8());
        ChannelInput<String> remoteIn = remoteReader("T", ValueCodec.utf8());
        Selected timedOut = new Alternation(new InputGuard<>(remoteIn), new TimeoutGuard(Duration.ofMillis(50)))
                .priSelect();
        assertEquals(1, timedOut.index());
        ChannelOutput<String> out = t.writer();
        String[] got = new String[1];
        Parallel.run(() -> out.write("not lost"), () -> got[0] = remoteIn.read());
        assertEquals("not lost", got[0]);
    }

    @Test
    void aRemoteOutputGuardIsDoneOnlyWhenTheHomeReaderHasTheValue() throws Exception {
        Channel<String> o = Channel.create("O");
        homeChannels.host(o, ValueCodec.utf8());
        ChannelInput<String> homeIn = o.reader();
        ChannelOutput<String> remoteOut = remoteWriter("O", ValueCodec.utf8());
        String[] got = new String[1];
        Selected[] chosen = new Selected[1];
        Parallel.run(() -> chosen[0] = new Alternation(new OutputGuard<>(remoteOut, "guarded"),
                new TimeoutGuard(Duration.ofSeconds(5))).select(), () -> got[0] = homeIn.read());
        assertEquals(0, chosen[0].index());
        assertEquals("guarded", got[0]);
    }

    @Test
    void aPriSelectProbesARemoteOutputGuardSoAWaitingHomeReaderTakesItsValueBeforeASkipGuard() throws Exception {
        Channel<String> p = hosted(homeChannels, Channel.create("P"));
        ChannelOutput<String> remoteOut = remoteWriter("P", ValueCodec.utf8());
        ChannelInput<String> homeIn = p.reader();
        Alternation alt = new Alternation(new OutputGuard<>(remoteOut, "probed"), new SkipGuard());
        assertEquals(1, alt.priSelect().index(), "no reader at the home: the probe finds none, the skip fires");
        assertEquals(0, homeForeignOffers(), "the probe left nothing at the home");
        String[] got = new String[1];
        Thread reader = Thread.ofVirtual().start(() -> got[0] = homeIn.read());
        try {
            while (reader.getState() == Thread.State.RUNNABLE || reader.getState() == Thread.State.NEW) {
                Thread.sleep(1);
            }
            assertEquals(0, alt.priSelect().index(), "a reader waits at the home: the probe meets it");
        } finally {
            reader.join(TIMEOUT.toMillis());
        }
        assertEquals("probed", got[0]);
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aProbeToASilentHomeEndsAtTheAlternationsDeadlineAndOnAnInterruptNotAtThePeerTimeout() throws Exception {
        hosted(homeChannels, Channel.create("Q"));
        ChannelInput<String> remoteIn = remoteReader("Q", ValueCodec.utf8());
        net.unregister("home"); // the home dies: it hears nothing and says nothing
        home.close();
        Selected timedOut = new Alternation(new InputGuard<>(remoteIn), new TimeoutGuard(Duration.ofMillis(30)))
                .priSelect();
        assertEquals(1, timedOut.index(),
                "the timeout guard fired; the guard did not wait to fail at the peer timeout");
        RuntimeException[] thrown = new RuntimeException[1];
        boolean[] statusKept = new boolean[1];
        Thread selecting = Thread.ofVirtual().start(() -> {
            try {
                new Alternation(new InputGuard<>(remoteIn), new SkipGuard()).priSelect();
            } catch (RuntimeException e) {
                thrown[0] = e;
                statusKept[0] = Thread.currentThread().isInterrupted();
            }
        });
        try {
            Thread.sleep(50); // the probe is out, and no answer comes
            selecting.interrupt();
        } finally {
            selecting.join(TIMEOUT.toMillis());
        }
        assertTrue(thrown[0] instanceof ChannelInterruptedException, "interrupted: " + thrown[0]);
        assertTrue(statusKept[0], "interrupt status kept");
    }

    /** @return the foreign offers the home node holds now, asked on its thread */
    private int homeForeignOffers() throws Exception {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        home.submit(() -> count.complete(home.node().foreignOffers()));
        return count.get();
    }
}
