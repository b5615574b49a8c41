package dev.parley;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Chosen when its delay, counted from the start of the selection, has passed and no other guard
 * was chosen first. It never fires before its delay. A delay too long to count in
 * nanoseconds (about 292 years) never fires: the selection then waits as if without it.
 */
public final class TimeoutGuard extends Guard {

    private final Duration delay;

    /** @param delay how long the selection waits for another guard, not negative */
    public TimeoutGuard(Duration delay) {
        this(delay, always());
    }

    /**
     * @param delay how long the selection waits for another guard, not negative
     * @param precondition when false, the guard is not chosen
     */
    public TimeoutGuard(Duration delay, boolean precondition) {
        this(delay, constant(precondition));
    }

    /**
     * @param delay how long the selection waits for another guard, not negative
     * @param precondition evaluated at each selection; when false, the guard is not chosen
     */
    public TimeoutGuard(Duration delay, BooleanSupplier precondition) {
        super(precondition);
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay=" + delay + " must not be negative");
        }
        this.delay = delay;
    }

    /** @return the delay */
    public Duration delay() {
        return delay;
    }

    @Override
    public String toString() {
        return "TimeoutGuard[" + delay + "]";
    }
}
