package dev.parley.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Channel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offer queue on its own: FIFO order, removal from anywhere, and its counts. */
class OfferQueueTest {

    private final Port port = ((GuardableEnd) Channel.create("queue-test").reader()).guardPort();

    private Offer offer(int n) {
        return Offer.local(port, new Decision(), n, null);
    }

    @Test
    void offersLeaveOldestFirstAndRemovalFromTheMiddleKeepsTheRestInOrder() {
        OfferQueue q = new OfferQueue();
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        assertNull(q.first());
        Offer a = offer(1);
        Offer b = offer(2);
        Offer c = offer(3);
        q.add(a);
        q.add(b);
        q.add(c);
        assertEquals(3, q.size());
        assertFalse(q.isEmpty());
        assertTrue(a.isQueued());
        assertSame(a, q.first());
        assertSame(b, q.after(a));

        assertTrue(q.remove(b));
        assertFalse(b.isQueued());
        assertFalse(q.remove(b), "removing twice removes nothing");
        assertEquals(2, q.size());
        assertSame(c, q.after(a));

        List<Offer> drained = new ArrayList<>();
        q.drain(drained::add);
        assertEquals(List.of(a, c), drained);
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        assertFalse(a.isQueued());
        assertFalse(c.isQueued());
    }

    @Test
    void anOfferCannotJoinTwoQueuesOrOneTwice() {
        OfferQueue q = new OfferQueue();
        Offer a = offer(1);
        q.add(a);
        assertThrows(IllegalStateException.class, () -> q.add(a));
        assertThrows(IllegalStateException.class, () -> new OfferQueue().add(a));
        assertEquals(1, q.size());
        assertTrue(q.remove(a));
        q.add(a); // once out, it may join again
        assertSame(a, q.first());
    }
}
