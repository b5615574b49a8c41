package dev.parley.spi;

/**
 * One side of a channel (its readers, or its writers) as an alternation sees it: the place where
 * a party polls for a ready partner and, failing that, enrolls an {@link Offer} and waits. Local
 * channel ends are ports; a transport's remote ends implement this interface to take part in
 * alternations beside local guards.
 *
 * <p>Protocol, as the alternation drives it: lock every port involved in ascending
 * {@link #lockOrder()} (each distinct order once); {@link #poll} each guard in selection order with
 * the decision still private; if none completes, {@link #enroll} every guard's offer; unlock; wait
 * on the decision; then {@link #withdraw} every offer that did not fire.
 *
 * <p>A port that {@link #probes()} is asked first, one guard at a time and without locks,
 * when the selection needs to know whether it is ready now: see {@link #probe}.
 *
 * <p>A local channel's port lock is reentrant: a transport may {@link #lock()}, read
 * {@link Offer#isQueued()} to learn whether its foreign offer is still waiting (not yet
 * proposed), {@link #withdraw} it and {@link #unlock()}, all as one step.
 */
public interface Port {

    /**
     * @return the key that orders lock acquisition; two ports that share a lock (the two sides of
     *     one channel) return the same key, and no two different locks share one: take it from
     *     {@link #newLockOrder()} once per lock
     */
    long lockOrder();

    /**
     * Makes a lock-order key that no other lock in this JVM has, local channel or transport: an
     * alternation locks ports with equal keys only once, so a shared key would leave a lock
     * untaken. Any thread may call it.
     *
     * @return a new, positive, unique key
     */
    static long newLockOrder() {
        return LockOrders.next();
    }

    /** Takes this port's lock. */
    void lock();

    /** Releases this port's lock. */
    void unlock();

    /**
     * With the lock held and {@code offer}'s decision not yet published: if a partner is ready, do
     * the communication now, completing the decision through {@link Decision#tryClaim}.
     *
     * @param offer the guard's offer
     * @return true if the decision is now done
     * @throws dev.parley.ChannelTerminatedException if the channel is poisoned or retired for this side
     */
    boolean poll(Offer offer);

    /**
     * With the lock held: publishes {@code offer} so that a partner arriving later finds it. A
     * channel terminated in the meantime fails the decision instead.
     *
     * @param offer the guard's offer
     */
    void enroll(Offer offer);

    /**
     * Without the lock: removes {@code offer} if it is still waiting here. For a foreign offer any
     * thread may call it; a foreign offer already proposed is no longer waiting and stays proposed.
     *
     * @param offer an offer enrolled here earlier
     */
    void withdraw(Offer offer);

    /**
     * @return true if this port learns whether a partner is ready only by asking elsewhere (a
     *     remote end, whose partners wait a round trip away): its {@link #poll} then never
     *     completes, and a selection that must know at the moment of selection whether the guard
     *     is ready (a priority order, or a skip guard after it) calls {@link #probe} instead.
     *     Local channels return false.
     */
    default boolean probes() {
        return false;
    }

    /**
     * Without any lock, with {@code offer}'s decision open and none of its offers published:
     * offers {@code offer} for this moment only, so that a partner ready now completes the
     * decision (as it would complete an enrolled offer) and no partner arriving later finds it.
     * Returns once that is settled: the decision is then done (by this offer, or failed through
     * it), or open with nothing of this offer left anywhere, so that the selection may go on as if
     * it had not been made. The decision's deadline, or an interrupt (whose status is kept), may
     * end the wait sooner: the port then withdraws the decision ({@link Decision#tryWithdraw()}),
     * so that a partner that answers the probe later finds it final.
     *
     * @param offer the guard's offer
     * @throws UnsupportedOperationException if {@link #probes()} is false
     */
    default void probe(Offer offer) {
        throw new UnsupportedOperationException(describe() + " is polled, not probed");
    }

    /**
     * Opens a {@link Credit} on this port: buffer slots reserved for a foreign writer that writes
     * ahead of its acknowledgements. Any thread, without the lock.
     *
     * @param holder told when the channel wants the slots back
     * @return the credit, or null if this port is not the writer side of a buffered channel (the
     *     default)
     */
    default Credit openCredit(CreditHolder holder) {
        return null;
    }

    /** Without the lock: matches waiting parties again, after a held decision was released. */
    void rematch();

    /** @return a name for messages: the channel and the side */
    String describe();
}
