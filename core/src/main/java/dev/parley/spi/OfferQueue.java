package dev.parley.spi;

import dev.parley.internal.SeededBug;

/**
 * A FIFO of offers, linked through the offers themselves so that a withdrawn offer leaves in
 * constant time. Not thread-safe: the owning port's lock guards it.
 */
public final class OfferQueue {

    private Offer head;
    private Offer tail;
    private int size;

    /** @param offer an offer not in any queue; it joins at the tail */
    public void add(Offer offer) {
        if (offer.queued) {
            throw new IllegalStateException("offer is already queued: " + offer);
        }
        if (SeededBug.is(SeededBug.WAITING_PARTIES_LIFO) && head != null) { seededAddFirst(offer); return; }
        offer.queued = true;
        offer.prev = tail;
        offer.next = null;
        if (tail == null) {
            head = offer;
        } else {
            tail.next = offer;
        }
        tail = offer;
        size++;
    }

    /**
     * @param offer an offer of this queue, or one already removed
     * @return true if it was queued and is now removed
     */
    public boolean remove(Offer offer) {
        if (!offer.queued) {
            return false;
        }
        if (offer.prev == null) {
            head = offer.next;
        } else {
            offer.prev.next = offer.next;
        }
        if (offer.next == null) {
            tail = offer.prev;
        } else {
            offer.next.prev = offer.prev;
        }
        offer.prev = null;
        offer.next = null;
        offer.queued = false;
        size--;
        return true;
    }

    /** Only for {@link SeededBug#WAITING_PARTIES_LIFO}: the offer joins at the head. */
    private void seededAddFirst(Offer offer) {
        offer.queued = true;
        offer.prev = null;
        offer.next = head;
        head.prev = offer;
        head = offer;
        size++;
    }

    /** @return the oldest offer, or null */
    public Offer first() {
        return head;
    }

    /**
     * @param offer a queued offer
     * @return the next younger offer, or null
     */
    public Offer after(Offer offer) {
        return offer.next;
    }

    /** @return how many offers are queued */
    public int size() {
        return size;
    }

    /** @return true if no offer is queued */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Unlinks every offer, oldest first, handing each to {@code action}. */
    public void drain(java.util.function.Consumer<Offer> action) {
        while (head != null) {
            Offer o = head;
            remove(o);
            action.accept(o);
        }
    }
}
