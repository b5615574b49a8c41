package dev.parley;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One branch of an {@link Alternation}: a communication or an event it may choose. Every guard
 * carries a pre-condition, checked at each selection; a guard whose pre-condition is false is
 * never chosen. Guards are immutable and may be reused across selections.
 */
public abstract sealed class Guard permits InputGuard, OutputGuard, TimeoutGuard, SkipGuard {

    private static final BooleanSupplier ALWAYS = () -> true;

    private final BooleanSupplier precondition;

    Guard(BooleanSupplier precondition) {
        this.precondition = Objects.requireNonNull(precondition, "precondition");
    }

    static BooleanSupplier constant(boolean value) {
        return value ? ALWAYS : () -> false;
    }

    static BooleanSupplier always() {
        return ALWAYS;
    }

    /** @return the pre-condition, evaluated now */
    public boolean isEnabled() {
        return precondition.getAsBoolean();
    }
}
