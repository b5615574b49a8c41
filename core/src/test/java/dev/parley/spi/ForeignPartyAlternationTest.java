package dev.parley.spi;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Selected;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A local alternation held by a foreign party's proposal: accepted, it fires that guard
 * and withdraws the others; declined, it is matched again on its other channels, and a
 * decline racing with another partner's claim neither fails nor loses a party.
 */
class ForeignPartyAlternationTest extends ForeignPartyFixture {

    @Test
    void anAlternationHeldByAForeignProposalIsRematchedOnItsOtherChannelWhenDeclined() throws Exception {
        Channel<String> a = rendezvous();
        Channel<String> b = rendezvous();
        ChannelInput<String> ar = a.reader();
        ChannelInput<String> br = b.reader();
        CompletableFuture<Selected> alt = async(
                () -> new Alternation(new InputGuard<>(ar), new InputGuard<>(br)).select());
        awaitParked(alt);
        FakeRemote remote = new FakeRemote();
        enroll(port(b.writer()), remote, "remote on b");
        Proposal p = remote.next();
        ChannelOutput<String> aw = a.writer();
        CompletableFuture<Boolean> write = async(() -> {
            aw.write("local on a");
            return true;
        });
        awaitParked(write);
        p.decline();
        Selected s = alt.get(10, TimeUnit.SECONDS);
        assertEquals(0, s.index());
        assertEquals("local on a", s.value());
        assertTrue(write.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAlternationAcceptedByAForeignPartyFiresThatGuardOnly() throws Exception {
        Channel<String> a = rendezvous();
        Channel<String> b = rendezvous();
        ChannelInput<String> ar = a.reader();
        ChannelInput<String> br = b.reader();
        CompletableFuture<Selected> alt = async(
                () -> new Alternation(new InputGuard<>(ar), new InputGuard<>(br)).select());
        awaitParked(alt);
        FakeRemote remote = new FakeRemote();
        enroll(port(b.writer()), remote, "remote on b");
        remote.next().accept();
        Selected s = alt.get(10, TimeUnit.SECONDS);
        assertEquals(1, s.index());
        assertEquals("remote on b", s.value());
        assertFalse(a.<String>writer().write("nobody", Duration.ofMillis(30)), "the guard on a was withdrawn");
    }

    @Test
    void declinesRacingWithTheWaitingPartnersOtherChoicesNeverFailAndLoseNoParty() throws Exception {
        long seed = 0xdec1L;
        java.util.Random random = new java.util.Random(seed);
        for (int round = 0; round < Integer.getInteger("parley.decline.rounds", 1500); round++) {
            Channel<Integer> x = rendezvous();
            Channel<Integer> y = rendezvous();
            ChannelInput<Integer> xr = x.reader();
            ChannelInput<Integer> yr = y.reader();
            ChannelOutput<Integer> xw = x.writer();
            ChannelOutput<Integer> yw = y.writer();
            CompletableFuture<Integer> reader = async(xr::read);
            awaitParkedBriefly(reader);
            FakeRemote remote = new FakeRemote();
            enroll(port(x.writer()), remote, -1);
            Proposal p = remote.next(); // the local reader is now held
            CompletableFuture<Selected> writer = async(
                    () -> new Alternation(new OutputGuard<>(xw, 1), new OutputGuard<>(yw, 2)).select());
            awaitParkedBriefly(writer);
            int spin = random.nextInt(200);
            CompletableFuture<Integer> other = async(() -> {
                for (int i = 0; i < spin; i++) {
                    Thread.onSpinWait();
                }
                return yr.read();
            });
            p.decline(); // races with the y reader claiming the alternation
            Selected s = writer.get(10, TimeUnit.SECONDS);
            if (s.index() == 0) {
                assertEquals(1, reader.get(10, TimeUnit.SECONDS));
                yw.write(3);
                assertEquals(3, other.get(10, TimeUnit.SECONDS));
            } else {
                assertEquals(2, other.get(10, TimeUnit.SECONDS));
                xw.write(4);
                assertEquals(4, reader.get(10, TimeUnit.SECONDS), "seed " + seed + " round " + round);
            }
        }
    }
}
