package dev.parley.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The decision's state machine on its own: who may move it, and when its owner wakes. */
class DecisionTest {

    private static final long WAIT_S = 10;

    @Test
    void onlyAHolderMayCommitFailOrReleaseAndTheRefusalNamesTheState() {
        Decision d = new Decision();
        IllegalStateException commit = assertThrows(IllegalStateException.class, () -> d.commit(0, "x"));
        assertTrue(commit.getMessage().contains("OPEN"), commit.getMessage());
        assertThrows(IllegalStateException.class, () -> d.fail(0, new IllegalArgumentException()));
        assertThrows(IllegalStateException.class, d::releaseQuietly);
        assertEquals(Decision.State.OPEN, d.state(), "a refused call changes nothing");

        assertTrue(d.tryClaim(2, "v"));
        assertThrows(IllegalStateException.class, () -> d.commit(1, "again"));
        assertThrows(IllegalStateException.class, () -> d.fail(1, new IllegalArgumentException()));
        assertEquals(2, d.index(), "exactly one guard fires");
        assertEquals("v", d.value());
    }

    @Test
    void tryFailCompletesAnOpenDecisionOnceWithItsErrorAndNothingElse() {
        Decision d = new Decision();
        RuntimeException error = new IllegalStateException("poisoned");
        assertTrue(d.tryFail(3, error));
        assertEquals(Decision.State.DONE, d.state());
        assertSame(error, d.failure());
        assertEquals(3, d.index());
        assertFalse(d.tryFail(1, new IllegalStateException("second")), "a done decision fails no more");
        assertSame(error, d.failure());
        assertFalse(d.tryHold());
        assertFalse(d.tryWithdraw());

        Decision held = new Decision();
        assertTrue(held.tryHold());
        assertFalse(held.tryFail(0, error), "a held decision is its holder's to complete");
        assertEquals(Decision.State.HELD, held.state());
    }

    @Test
    void theOwnerWithdrawsOnlyAnOpenDecisionAndAWithdrawnOneIsFinal() {
        Decision held = new Decision();
        assertTrue(held.tryHold());
        assertFalse(held.tryWithdraw(), "a held decision cannot be withdrawn");
        held.releaseQuietly();
        assertEquals(Decision.State.OPEN, held.state());
        assertTrue(held.tryWithdraw());
        assertEquals(Decision.State.WITHDRAWN, held.state());
        assertFalse(held.tryHold(), "nobody holds a withdrawn decision");
        assertFalse(held.tryClaim(0, "late"));
        assertFalse(held.tryWithdraw());
        assertTrue(held.isFinal());
    }

    @Test
    void anOwnerHeldPastItsDeadlineIsWokenByTheReleaseAndThenTimesOut() throws Exception {
        CompletableFuture<Decision> made = new CompletableFuture<>();
        CompletableFuture<Decision.Outcome> outcome = new CompletableFuture<>();
        Thread owner = Thread.ofVirtual().start(() -> {
            Decision d = new Decision();
            d.setDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
            assertTrue(d.tryHold()); // a partner holds it from the start
            made.complete(d);
            outcome.complete(d.await());
        });
        try {
            Decision d = made.get(WAIT_S, TimeUnit.SECONDS);
            Thread.sleep(100); // well past the deadline: the owner waits for the hold to resolve
            assertFalse(outcome.isDone(), "the owner gave up a held decision at its deadline");
            d.releaseQuietly(); // nothing happened: the owner must wake and see its deadline has passed
            assertEquals(Decision.Outcome.TIMED_OUT, outcome.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(Decision.State.WITHDRAWN, d.state());
        } finally {
            owner.interrupt();
            owner.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
    }

    @Test
    void aVirtualThreadWaitingWithASpinBudgetAndNoPartnerParksAfterItsSpin() throws Exception {
        CompletableFuture<Decision> made = new CompletableFuture<>();
        CompletableFuture<Decision.Outcome> outcome = new CompletableFuture<>();
        Thread owner = Thread.ofVirtual().start(() -> {
            Decision d = new Decision();
            made.complete(d);
            outcome.complete(d.await(new SpinBudget()));
        });
        try {
            Decision d = made.get(WAIT_S, TimeUnit.SECONDS);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (owner.getState() != Thread.State.WAITING && System.nanoTime() < deadlineNs) {
                Thread.sleep(1);
            }
            assertEquals(Thread.State.WAITING, owner.getState(), "a wait with no partner must end its spin and park");
            assertFalse(outcome.isDone());
            assertTrue(d.tryClaim(0, "late"));
            assertEquals(Decision.Outcome.DONE, outcome.get(WAIT_S, TimeUnit.SECONDS), "the commit unparks it");
            assertEquals("late", d.value());
        } finally {
            owner.interrupt();
            owner.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
    }

    @Test
    void aDecisionDoneBeforeItsOwnerWaitsIsDoneAtOnceWithOrWithoutASpin() {
        Decision plain = new Decision();
        assertTrue(plain.tryClaim(1, "early"));
        assertEquals(Decision.Outcome.DONE, plain.await());
        Decision spinning = new Decision();
        assertTrue(spinning.tryClaim(1, "early"));
        assertEquals(Decision.Outcome.DONE, spinning.await(new SpinBudget()));
        assertEquals("early", spinning.value());
    }
}
