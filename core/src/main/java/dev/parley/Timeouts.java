package dev.parley;

import java.time.Duration;
import java.util.Objects;

/** Conversions of user timeouts to nanoseconds: non-positive is 0 ("do not wait"); -1 is "no deadline". */
final class Timeouts {

    /**
     * Timeouts this long or longer (about 146 years) never expire: every deadline, nanoTime plus
     * a timeout, then stays a plain number a transport can add its peer timeout to, without
     * overflow.
     */
    private static final long FOREVER_NS = Long.MAX_VALUE / 2;

    private Timeouts() {
    }

    static long toNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            long ns = timeout.toNanos();
            return ns >= FOREVER_NS ? -1 : ns;
        } catch (ArithmeticException tooLong) {
            return -1; // centuries: wait without a deadline
        }
    }
}
