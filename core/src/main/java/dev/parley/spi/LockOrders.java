package dev.parley.spi;

import java.util.concurrent.atomic.AtomicLong;

/** The one source of lock-order keys in this JVM, shared by local channels and transports. */
final class LockOrders {

    private static final AtomicLong NEXT = new AtomicLong();

    private LockOrders() {
    }

    static long next() {
        return NEXT.incrementAndGet();
    }
}
