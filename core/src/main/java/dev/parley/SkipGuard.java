package dev.parley;

import java.util.function.BooleanSupplier;

/**
 * Always ready: chosen when the selection reaches it (in its order) before finding another ready
 * guard. With it an alternation never waits: it polls.
 */
public final class SkipGuard extends Guard {

    /** A skip guard that is always enabled. */
    public SkipGuard() {
        super(always());
    }

    /** @param precondition when false, the guard is not chosen */
    public SkipGuard(boolean precondition) {
        super(constant(precondition));
    }

    /** @param precondition evaluated at each selection; when false, the guard is not chosen */
    public SkipGuard(BooleanSupplier precondition) {
        super(precondition);
    }

    @Override
    public String toString() {
        return "SkipGuard";
    }
}
