package dev.parley;

import java.time.Duration;
import java.util.Objects;

/** Conversions of user timeouts to nanoseconds: non-positive is 0 ("do not wait"); -1 is "no deadline". */
final class Timeouts {

    private Timeouts() {
    }

    static long toNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return -1; // centuries: wait without a deadline
        }
    }
}
