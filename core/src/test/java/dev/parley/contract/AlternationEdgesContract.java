package dev.parley.contract;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.Selected;
import dev.parley.SkipGuard;
import dev.parley.TimeoutGuard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SEMANTICS 4, the edges of guarded alternation over channels of the kind under test: a
 * selection that meets a poisoned or retired guard, or is interrupted, throws and fires
 * nothing; bad arguments are rejected when the alternation or guard is made; and a waiting
 * alternation takes its place in a channel's queues beside plain operations (served oldest
 * first, refilling a buffer it reads from, never meeting its own guard on the other side).
 * Which guard a selection chooses, and when, is {@link AlternationContract}'s part.
 */
public abstract class AlternationEdgesContract extends ChannelContract {

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Order.class)
    void aPoisonedGuardMakesTheSelectionThrowWhenItWouldBeChosen(Order order) {
        Channel<Integer> poisoned = channel(0);
        ChannelInput<Integer> in = poisoned.reader();
        ChannelOutput<Integer> out = poisoned.writer();
        poisoned.writer().poison();
        Channel<Integer> quiet = channel(0);
        assertThrows(PoisonException.class, () -> order.on(new Alternation(new InputGuard<>(in))));
        assertThrows(PoisonException.class, () -> order.on(new Alternation(new OutputGuard<>(out, 1))));
        assertThrows(PoisonException.class, () -> order.on(
                new Alternation(new InputGuard<>(quiet.reader()), new InputGuard<>(in))));
        assertThrows(PoisonException.class, () -> order.on(
                new Alternation(new TimeoutGuard(Duration.ofMillis(10)), new InputGuard<>(in))));
    }

    @Test
    void priSelectTakesAReadyGuardOrASkipBeforeAPoisonedOrRetiredOne() {
        Channel<Integer> ready = channel(5);
        ChannelOutput<Integer> readyOut = ready.writer();
        readyOut.write(1);
        readyOut.write(2);
        ChannelInput<Integer> readyIn = ready.reader();
        Channel<Integer> poisoned = channel(0);
        ChannelInput<Integer> pin = poisoned.reader();
        pin.poison();
        Channel<Integer> retired = channel(0);
        ChannelInput<Integer> rin = retired.reader();
        retired.writer().retire();
        assertEquals(1, (Integer) new Alternation(new InputGuard<>(readyIn), new InputGuard<>(pin))
                .priSelect().value());
        assertEquals(0, new Alternation(new SkipGuard(), new InputGuard<>(pin)).priSelect().index());
        assertEquals(2, (Integer) new Alternation(new InputGuard<>(readyIn), new InputGuard<>(rin))
                .priSelect().value());
        assertThrows(PoisonException.class, () -> new Alternation(new InputGuard<>(pin), new SkipGuard()).priSelect());
        assertThrows(RetiredException.class, () -> new Alternation(new InputGuard<>(rin), new SkipGuard()).priSelect());
        assertThrows(RetiredException.class, () -> new Alternation(new InputGuard<>(rin)).fairSelect());
    }

    @Test
    void aRetiredChannelWakesAWaitingAlternationWithRetiredException() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> in = c.reader();
        Party alt = start("alternation", () -> new Alternation(new InputGuard<>(in),
                new InputGuard<>(this.<Integer>channel(0).reader())).select());
        awaitBlocked(alt);
        out.retire();
        assertInstanceOf(RetiredException.class, alt.joinFailure());
    }

    @Test
    void anInterruptedAlternationFiresNothing() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> out = c.writer();
        ChannelInput<Integer> other = this.<Integer>channel(0).reader();
        AtomicBoolean statusKept = new AtomicBoolean();
        Party alt = start("alternation", () -> {
            try {
                new Alternation(new OutputGuard<>(out, 1), new InputGuard<>(other)).select();
            } finally {
                statusKept.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitBlocked(alt);
        alt.interrupt();
        assertInstanceOf(ChannelInterruptedException.class, alt.joinFailure());
        assertTrue(statusKept.get());
        assertEquals(Optional.empty(), c.<Integer>reader().read(Duration.ofMillis(30)));
    }

    @Test
    void anAlternationMayGuardBothSidesOfOneChannelWithoutMeetingItself() {
        Channel<Integer> c = channel(0);
        ChannelInput<Integer> in = c.reader();
        ChannelOutput<Integer> out = c.writer();
        Party alt = start("both sides", () -> {
            Selected s = new Alternation(new InputGuard<>(in), new OutputGuard<>(out, 1)).select();
            assertEquals(1, s.index(), "it must have written to the partner, not to itself");
        });
        awaitBlocked(alt);
        assertEquals(1, c.<Integer>reader().read());
        alt.join();
    }

    @Test
    void badArgumentsAreRejectedWithClearErrors() {
        ChannelOutput<Integer> out = this.<Integer>channel(0).writer();
        assertThrows(IllegalArgumentException.class, () -> new Alternation());
        assertThrows(IllegalArgumentException.class, () -> new Alternation(List.of()));
        assertThrows(NullPointerException.class, () -> new Alternation(new SkipGuard(), null));
        assertThrows(NullPointerException.class, () -> new OutputGuard<>(out, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimeoutGuard(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("-"), e.getMessage());
    }

    @Test
    void waitingPlainWritersAndWaitingOutputGuardsAreServedOldestFirst() {
        Channel<Integer> c = channel(0);
        ChannelOutput<Integer> first = c.writer();
        ChannelOutput<Integer> second = c.writer();
        ChannelOutput<Integer> third = c.writer();
        Party p1 = start("plain writer 1", () -> first.write(1));
        awaitBlocked(p1);
        ChannelOutput<Integer> elsewhere = this.<Integer>channel(0).writer();
        Party p2 = start("alternation writer 2", () -> new Alternation(new OutputGuard<>(second, 2),
                new OutputGuard<>(elsewhere, -2)).select());
        awaitBlocked(p2);
        Party p3 = start("plain writer 3", () -> third.write(3));
        awaitBlocked(p3);
        ChannelInput<Integer> in = c.reader();
        assertEquals(List.of(1, 2, 3), List.of(in.read(), in.read(), in.read()));
        joinAll(List.of(p1, p2, p3));
    }

    @Test
    void aReaderAlternationTakingFromAFullBufferRefillsItFromAWaitingOutputGuard() {
        Channel<Integer> c = channel(1);
        ChannelOutput<Integer> out = c.writer();
        out.write(0);
        ChannelOutput<Integer> elsewhere = this.<Integer>channel(0).writer();
        Party writer = start("alternation writer", () -> assertEquals(0,
                new Alternation(new OutputGuard<>(out, 1), new OutputGuard<>(elsewhere, -1)).select().index()));
        awaitBlocked(writer);
        Alternation reader = new Alternation(new InputGuard<>(c.reader()));
        assertEquals(0, (Integer) reader.select().value());
        writer.join();
        assertEquals(1, (Integer) reader.select().value(), "the waiting guard's value moved into the buffer");
    }
}
