package dev.parley.spi;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.PoisonException;
import dev.parley.Selected;
import dev.parley.SkipGuard;
import dev.parley.TimeoutGuard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe phase of a selection ({@link Port#probe}): which guards are probed, in which order,
 * and what a probe's outcome does to the selection. The probed ends are fakes whose partner
 * answers from a thread of its own, as a remote home would.
 */
class ProbeTest {

    /** What a fake remote end's partner does when a guard is probed. */
    private enum Answer { READY, NOT_READY, POISONED, SILENT }

    /** A reader end whose readiness is learnt by probing; it records every call on its port. */
    private static final class ProbedReader implements ChannelInput<Integer>, GuardableEnd {
        final List<String> calls;
        final String name;
        Answer answer = Answer.NOT_READY;
        int value;
        final Port port = new Port() {
            private final long order = Port.newLockOrder();

            @Override
            public long lockOrder() {
                return order;
            }

            @Override
            public void lock() {
            }

            @Override
            public void unlock() {
            }

            @Override
            public boolean poll(Offer offer) {
                calls.add(name + ".poll");
                return false;
            }

            @Override
            public void enroll(Offer offer) {
                calls.add(name + ".enroll");
            }

            @Override
            public void withdraw(Offer offer) {
                calls.add(name + ".withdraw");
            }

            @Override
            public void rematch() {
            }

            @Override
            public boolean probes() {
                return true;
            }

            @Override
            public void probe(Offer offer) {
                calls.add(name + ".probe");
                if (answer == Answer.SILENT) { // no answer comes: the deadline or an interrupt withdraws
                    waitForDeadlineOrInterrupt(offer.decision());
                    return;
                }
                Thread partner = Thread.ofVirtual().start(() -> {
                    switch (answer) {
                        case READY -> assertTrue(offer.decision().tryClaim(offer.index(), value));
                        case POISONED -> assertTrue(offer.decision().tryFail(offer.index(), new PoisonException(name)));
                        case NOT_READY -> { }
                    }
                });
                try {
                    partner.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public String describe() {
                return name;
            }
        };

        /** As a port whose partner is silent does: withdraws the decision at its deadline or on interrupt. */
        private static void waitForDeadlineOrInterrupt(Decision decision) {
            long deadlineNs = decision.deadlineNs();
            while (!Thread.currentThread().isInterrupted()
                    && (deadlineNs == Long.MAX_VALUE || System.nanoTime() - deadlineNs < 0)) {
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(1_000_000, deadlineNs - System.nanoTime()));
            }
            assertTrue(decision.tryWithdraw());
        }

        ProbedReader(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public Port guardPort() {
            return port;
        }

        @Override
        public Integer read() {
            throw new UnsupportedOperationException("guards only");
        }

        @Override
        public Optional<Integer> read(Duration timeout) {
            throw new UnsupportedOperationException("guards only");
        }

        @Override
        public String channelName() {
            return name;
        }

        @Override
        public void poison() {
        }

        @Override
        public void retire() {
        }
    }

    private final List<String> calls = new ArrayList<>();

    @Test
    void aReadyProbedGuardBeforeASkipGuardFiresWithItsValue() {
        ProbedReader remote = new ProbedReader("r", calls);
        remote.answer = Answer.READY;
        remote.value = 7;
        Selected s = new Alternation(new InputGuard<>(remote), new SkipGuard()).priSelect();
        assertEquals(0, s.index());
        assertEquals(7, (Integer) s.value());
        assertEquals(List.of("r.probe"), calls, "fired by its probe: never polled, enrolled or withdrawn");
    }

    @Test
    void aProbedGuardThatIsNotReadyLetsTheSkipGuardFireInEveryOrder() {
        ProbedReader remote = new ProbedReader("r", calls);
        Alternation alt = new Alternation(new InputGuard<>(remote), new SkipGuard());
        assertEquals(1, alt.priSelect().index());
        assertEquals(1, alt.fairSelect().index());
        assertEquals(List.of("r.probe", "r.poll", "r.probe", "r.poll"), calls,
                "probed, then polled under the lock, and never enrolled: the skip guard fired");
        calls.clear();
        assertEquals(1, alt.select().index());
        assertTrue(calls.equals(List.of("r.probe", "r.poll")) || calls.isEmpty(),
                "probed if visited before the skip guard in the random order, never enrolled: " + calls);
    }

    @Test
    void aSkipGuardBeforeTheProbedGuardFiresWithoutAProbe() {
        ProbedReader remote = new ProbedReader("r", calls);
        remote.answer = Answer.READY;
        assertEquals(0, new Alternation(new SkipGuard(), new InputGuard<>(remote)).priSelect().index());
        assertEquals(List.of(), calls);
    }

    @Test
    void priSelectProbesInOrderAndStopsAtTheFirstReadyGuard() {
        ProbedReader first = new ProbedReader("a", calls);
        ProbedReader second = new ProbedReader("b", calls);
        ProbedReader third = new ProbedReader("c", calls);
        second.answer = Answer.READY;
        second.value = 2;
        third.answer = Answer.READY;
        third.value = 3;
        Selected s = new Alternation(new InputGuard<>(first), new InputGuard<>(second), new InputGuard<>(third))
                .priSelect();
        assertEquals(1, s.index());
        assertEquals(2, (Integer) s.value());
        assertEquals(List.of("a.probe", "b.probe"), calls);
    }

    @Test
    void aPortGuardedTwiceIsProbedOnceForItsFirstGuard() {
        ProbedReader remote = new ProbedReader("r", calls);
        ProbedReader other = new ProbedReader("o", calls);
        Alternation alt = new Alternation(new InputGuard<>(remote), new InputGuard<>(other),
                new InputGuard<>(remote), new SkipGuard());
        assertEquals(3, alt.priSelect().index());
        assertEquals(List.of("r.probe", "o.probe", "r.poll", "o.poll", "r.poll"), calls);
    }

    @Test
    void aReadyLocalGuardBeforeAProbedOneFiresWithoutProbing() {
        ProbedReader remote = new ProbedReader("r", calls);
        remote.answer = Answer.READY;
        Channel<Integer> local = Channel.buffered(1);
        local.writer().write(5);
        Selected s = new Alternation(new InputGuard<>(local.reader()), new InputGuard<>(remote)).priSelect();
        assertEquals(0, s.index());
        assertEquals(5, (Integer) s.value());
        assertEquals(List.of(), calls);
    }

    @Test
    void aProbedGuardThatIsNotReadyGivesWayToALaterReadyLocalGuard() {
        ProbedReader remote = new ProbedReader("r", calls);
        Channel<Integer> local = Channel.buffered(1);
        local.writer().write(5);
        Selected s = new Alternation(new InputGuard<>(remote), new InputGuard<>(local.reader())).priSelect();
        assertEquals(1, s.index());
        assertEquals(5, (Integer) s.value());
        assertEquals(List.of("r.probe"), calls, "the local guard fired in the probe phase");
    }

    @Test
    void aRandomSelectionWithoutASkipGuardEnrollsInsteadOfProbing() throws Exception {
        ProbedReader remote = new ProbedReader("r", calls);
        Channel<Integer> local = Channel.create();
        ChannelOutput<Integer> out = local.writer();
        Thread writer = Thread.ofVirtual().start(() -> out.write(9));
        Selected s = new Alternation(new InputGuard<>(remote), new InputGuard<>(local.reader())).select();
        writer.join();
        assertEquals(1, s.index());
        assertEquals(9, (Integer) s.value());
        assertTrue(List.of(List.of(), List.of("r.poll"), List.of("r.poll", "r.enroll", "r.withdraw")).contains(calls),
                "polled if visited first, perhaps enrolled and withdrawn, never probed: " + calls);
    }

    @Test
    void aProbeThatFailsTheDecisionMakesTheSelectionThrow() {
        ProbedReader remote = new ProbedReader("r", calls);
        remote.answer = Answer.POISONED;
        Channel<Integer> local = Channel.buffered(1);
        local.writer().write(5);
        assertThrows(PoisonException.class,
                () -> new Alternation(new InputGuard<>(remote), new InputGuard<>(local.reader()), new SkipGuard())
                        .priSelect());
        assertEquals(5, local.reader().read(), "the later guard's message is untouched");
    }

    @Test
    void aProbeCutShortByTheDeadlineFiresTheTimeoutGuardAndEnrollsNothing() {
        ProbedReader remote = new ProbedReader("r", calls);
        remote.answer = Answer.SILENT;
        Channel<Integer> local = Channel.create();
        Selected s = new Alternation(new InputGuard<>(remote), new InputGuard<>(local.reader()),
                new TimeoutGuard(Duration.ofMillis(20))).priSelect();
        assertEquals(2, s.index());
        assertEquals(List.of("r.probe"), calls);
    }

    @Test
    void aProbeCutShortByAnInterruptThrowsAndKeepsTheInterruptStatus() throws Exception {
        ProbedReader remote = new ProbedReader("r", calls);
        remote.answer = Answer.SILENT;
        Alternation alt = new Alternation(new InputGuard<>(remote), new SkipGuard());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean statusKept = new AtomicBoolean();
        Thread selecting = Thread.ofVirtual().start(() -> {
            try {
                alt.priSelect();
            } catch (Throwable t) {
                failure.set(t);
                statusKept.set(Thread.currentThread().isInterrupted());
            }
        });
        while (calls.isEmpty() || selecting.getState() == Thread.State.RUNNABLE) {
            Thread.sleep(1);
        }
        selecting.interrupt();
        selecting.join();
        assertInstanceOf(ChannelInterruptedException.class, failure.get());
        assertTrue(statusKept.get());
    }

    @Test
    void aDisabledProbedGuardIsNeitherProbedNorPolled() {
        ProbedReader remote = new ProbedReader("r", calls);
        remote.answer = Answer.READY;
        AtomicInteger selections = new AtomicInteger();
        Alternation alt = new Alternation(new InputGuard<>(remote, () -> selections.getAndIncrement() % 2 == 1),
                new SkipGuard());
        List<Integer> fired = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fired.add(alt.priSelect().index());
        }
        assertEquals(List.of(1, 0, 1, 0), fired);
        assertEquals(List.of("r.probe", "r.probe"), calls);
    }
}
