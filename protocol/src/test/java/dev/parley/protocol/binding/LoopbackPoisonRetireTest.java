package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.Parallel;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Poison and retire through remote ends, over the loopback binding: a poison reaches a
 * reader blocked at the home, each returns only once the home applied it (retire counted
 * per end), a silent home makes both throw {@link OutcomeUnknownException}, and after a
 * home restart a retire of a lost end returns while a poison throws.
 */
class LoopbackPoisonRetireTest extends LoopbackNodes {

    @Test
    void poisonFromARemoteEndReachesABlockedReaderAtTheHomeAndLaterRemoteWrites() throws Exception {
        Channel<String> p = Channel.create("P");
        homeChannels.host(p, ValueCodec.utf8());
        ChannelInput<String> in = p.reader();
        ChannelOutput<String> out = remoteWriter("P", ValueCodec.utf8());
        Parallel.run(() -> assertThrows(PoisonException.class, in::read), () -> {
            Thread.sleep(50);
            out.poison();
        });
        assertThrows(PoisonException.class, () -> out.write("too late"));
    }

    @Test
    void aRemotePoisonReturnsOnlyOnceTheHomeChannelIsPoisoned() {
        Channel<String> p = hosted(homeChannels, Channel.buffered("P2", 3));
        ChannelOutput<String> homeOut = p.writer();
        homeOut.write("discarded by the reader's poison");
        ChannelInput<String> homeIn = p.reader();
        ChannelInput<String> remote = remoteReader("P2", ValueCodec.utf8());
        remote.poison();
        assertThrows(PoisonException.class, () -> homeIn.read(Duration.ZERO), "applied before poison() returned");
        assertThrows(PoisonException.class, () -> homeOut.write("x", Duration.ZERO));
        assertThrows(PoisonException.class, () -> remote.read(Duration.ZERO), "and this node knows it at once");
        remote.poison(); // poisoning twice is a no-op
    }

    @Test
    void aRemoteRetireReturnsOnlyOnceTheHomeRetiredThatEndAndRetireCountsPerEnd() {
        Channel<String> r = hosted(homeChannels, Channel.create("R2"));
        ChannelInput<String> homeIn = r.reader();
        ChannelOutput<String> first = remoteWriter("R2", ValueCodec.utf8());
        ChannelOutput<String> second = remoteWriter("R2", ValueCodec.utf8());
        first.retire();
        first.retire(); // a second retire of one end does not count again
        assertEquals(Optional.empty(), homeIn.read(Duration.ofMillis(20)), "one writer left: still open");
        second.retire();
        assertThrows(RetiredException.class, () -> homeIn.read(Duration.ZERO), "applied before retire() returned");
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aPoisonToASilentHomeThrowsOutcomeUnknownAfterThePeerTimeoutAndARetireToo() throws Exception {
        Channel<String> s = hosted(homeChannels, Channel.create("S2"));
        ChannelInput<String> poisoner = remoteReader("S2", ValueCodec.utf8());
        ChannelOutput<String> retirer = remoteWriter("S2", ValueCodec.utf8());
        net.unregister("home"); // the home dies: it hears nothing and says nothing
        home.close();
        long start = System.nanoTime();
        assertThrows(OutcomeUnknownException.class, poisoner::poison);
        long poisonNs = System.nanoTime() - start;
        assertTrue(poisonNs >= CONFIG.peerTimeoutNs() - Duration.ofMillis(60).toNanos(),
                "not before the peer timeout: " + poisonNs);
        assertThrows(OutcomeUnknownException.class, retirer::retire);
        assertThrows(RetiredException.class, () -> retirer.write("x"), "retired here all the same");
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void afterTheHomeRestartedARetireOfAnOldEndReturnsAndAPoisonThrowsOutcomeUnknown() throws Exception {
        Channel<String> old = hosted(homeChannels, Channel.create("L2"));
        ChannelInput<String> oldIn = remoteReader("L2", ValueCodec.utf8());
        ChannelOutput<String> oldOut = remoteWriter("L2", ValueCodec.utf8());
        home.close();
        HostedChannels reborn = new HostedChannels();
        start("home", 102, reborn, new RemoteEndpoints());
        Channel<String> fresh = hosted(reborn, Channel.create("L2"));
        remoteReader("L2", ValueCodec.utf8()); // meets the new incarnation: the old ends are lost
        oldOut.retire();
        assertThrows(OutcomeUnknownException.class, oldIn::poison);
        ChannelInput<String> freshIn = fresh.reader();
        ChannelOutput<String> freshOut = remoteWriter("L2", ValueCodec.utf8());
        String[] got = new String[1];
        Parallel.run(() -> freshOut.write("not poisoned"), () -> got[0] = freshIn.read());
        assertEquals("not poisoned", got[0]);
    }
}
