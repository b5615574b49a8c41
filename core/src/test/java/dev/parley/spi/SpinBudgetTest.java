package dev.parley.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The spin budget's back-off on its own: how many waits park at once after spins that ran out. */
class SpinBudgetTest {

    /** @return how many calls of trySpin refuse before one allows a spin again */
    private static int refusalsBeforeNextSpin(SpinBudget budget) {
        int refused = 0;
        while (!budget.trySpin()) {
            refused++;
            if (refused > SpinBudget.MAX_BACKOFF) {
                throw new AssertionError("refused more than the cap: " + refused);
            }
        }
        return refused;
    }

    @Test
    void aFreshBudgetAllowsSpinningAndASuccessKeepsAllowingIt() {
        SpinBudget budget = new SpinBudget();
        for (int i = 0; i < 100; i++) {
            assertTrue(budget.trySpin(), "wait " + i);
            budget.succeeded();
        }
    }

    @Test
    void eachRunOutSpinDoublesTheWaitsThatParkAtOnceUpToTheCap() {
        SpinBudget budget = new SpinBudget();
        int expected = SpinBudget.MIN_BACKOFF;
        for (int round = 0; round < 12; round++) {
            assertTrue(budget.trySpin());
            budget.ranOut();
            assertEquals(expected, refusalsBeforeNextSpin(budget), "round " + round);
            expected = Math.min(expected * 2, SpinBudget.MAX_BACKOFF);
        }
        assertEquals(SpinBudget.MAX_BACKOFF, expected, "twelve run-outs reach the cap");
    }

    @Test
    void aSpinThatSucceedsResetsTheBackOff() {
        SpinBudget budget = new SpinBudget();
        for (int i = 0; i < 5; i++) {
            budget.ranOut();
            refusalsBeforeNextSpin(budget);
        }
        budget.succeeded();
        budget.ranOut();
        assertEquals(SpinBudget.MIN_BACKOFF, refusalsBeforeNextSpin(budget));
    }
}
