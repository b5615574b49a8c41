package dev.parley.spi;

import dev.parley.internal.SeededBug;
import dev.parley.internal.Spinning;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import static dev.parley.internal.SeededBug.LOST_WAKEUP;
import static dev.parley.internal.SeededBug.WITHDRAWN_OFFER_MATCHED;

/**
 * The one choice a waiting party makes: a blocked read or write, or one alternation. This is the
 * commit step of every communication, and the core's extension point: local channels, and the
 * networked ends of a transport, complete a party through its decision and nothing else.
 *
 * <p>Any thread may call {@link #tryClaim}, {@link #tryHold}, {@link #commit}, {@link #fail} and
 * {@link #release}; only the owner (the thread that made the decision) waits and withdraws.
 *
 * <h2>States and who moves them</h2>
 * <pre>
 *   OPEN --tryHold (a partner)--------------&gt; HELD --commit/fail (the holder)--&gt; DONE
 *   OPEN &lt;-release (the holder; no communication happened)-- HELD
 *   OPEN --tryWithdraw (the owner: timeout or interrupt)--&gt; WITHDRAWN
 * </pre>
 * {@link #tryClaim} is a hold and a commit in one step, for partners that need not ask anyone.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>A decision reaches DONE at most once, with exactly one guard index: <em>exactly one guard
 *       fires</em>.</li>
 *   <li>DONE and WITHDRAWN are final. A withdrawn decision never communicates: a timed-out or
 *       interrupted operation delivered and took nothing.</li>
 *   <li>While HELD, the owner cannot withdraw; it waits until the holder commits or releases. A
 *       holder must resolve its hold in bounded time: a transport resolves it when the peer falls
       silent for its peer timeout or, for an owner with a deadline, at the latest one peer timeout
       after {@link #deadlineNs()}.</li>
 *   <li>A release makes the decision OPEN again and asks every port it is enrolled at to match
 *       again ({@link Port#rematch()}), because partners that arrived during the hold passed it
 *       over.</li>
 * </ol>
 *
 * <h2>Implementation note: waiting</h2>
 * The owner publishes itself in {@code waiter} (a volatile write) before it first reads the
 * state to decide whether to park, and a holder reads {@code waiter} after its volatile write of
 * the new state: one of the two sees the other's write, so a holder that finds no waiter may skip
 * the unpark, and an owner that was not yet parking sees the new state. Skipping it matters
 * with more than one carrier: unparking a parked virtual thread queues it on the unparker's
 * carrier and wakes an idle carrier to take it.
 *
 * <p>{@link #await(SpinBudget)} lets a virtual thread first spin up to {@code SPINS}
 * {@link Thread#onSpinWait()} calls (about 2 us on the 2-core machine of docs/BENCHMARKS.md) while its
 * partner may be running on another carrier, as {@code java.util.concurrent}'s synchronous queues
 * do. It never spins where it cannot win: on one processor, with one carrier, or on a platform
 * thread (whose park the model checks exercise). A spinner must not hold its carrier while the
 * partner it needs is queued behind it on the same carrier, and the most likely such partner is
 * the one it unparked itself: so each thread that unparks an owner remembers that decision (in a
 * small table striped by thread id, so that a million threads allocate nothing), the owner clears
 * {@code waiter} once it runs again, and a spin that sees that the partner it woke has not run yet
 * yields its carrier ({@link Thread#yield()}) once, then spins on. Parking there would give the
 * carrier to the partner too, but whoever parks needs an unpark later, and two parties that take
 * turns in parking and unparking each other soon share one carrier while the other idles
 * (ping-pong at two carriers measured twice its one-carrier cost so). After a yield the partner
 * runs at once if it was queued here, or has been taken by the other carrier, and the yielder
 * comes back to a spin its partner can still answer. The table may hold a completed decision, and
 * so its received value, until the next wait of a thread with the same stripe. A spin that runs
 * out makes the next spins at the same place ({@link SpinBudget}) wait, so that a loaded machine,
 * where spins rarely win, soon stops spinning. A blocked party with no partner always parks after
 * its spin: idle processes cost no CPU.
 */
public final class Decision {

    /** The states of a decision; see the class comment for the transitions. */
    public enum State { OPEN, HELD, DONE, WITHDRAWN }

    private static final State[] STATES = State.values();

    private static final int OPEN = 0;
    private static final int HELD = 1;
    private static final int DONE = 2;
    private static final int WITHDRAWN = 3;

    /** What {@link #await(long)} ended with. */
    public enum Outcome { DONE, TIMED_OUT, INTERRUPTED }

    private static final VarHandle STATE;
    private static final VarHandle WAITER;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Decision.class, "state", int.class);
            WAITER = MethodHandles.lookup().findVarHandle(Decision.class, "waiter", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state = OPEN;
    // The owner while it waits to be unparked: set before it first decides to park, cleared (in
    // order, not as a fence) once it runs again with the decision done. See the implementation note.
    private volatile Thread waiter;
    // Written by the holder before the volatile write of DONE, read by the owner after reading DONE.
    private int index = -1;
    // The value received, or a Failure holding what the owner throws: one field, not two, keeps a
    // decision at 40 bytes, and a failure is rare enough to pay for its wrapper.
    private Object value;
    // What a release rematches: null, a plain operation's only Offer, or an alternation's Offer[].
    private Object enrolled;
    // Written by the owner before any offer is published; read by partners under a port's lock.
    private long deadlineNs = Long.MAX_VALUE;

    /** Makes an open decision owned by the calling thread. */
    public Decision() {
    }

    /** @return the current state (a snapshot) */
    public State state() {
        return STATES[state];
    }

    /** @return true once the decision can no longer communicate (DONE or WITHDRAWN) */
    public boolean isFinal() {
        int s = state;
        return s == DONE || s == WITHDRAWN;
    }

    /**
     * Remembers the offers the owner enrolled, so that a {@link #release()} can ask their ports to
     * match again. Called by the owner before any offer is published.
     *
     * @param enrolled the offers of this decision; null entries are skipped, so an alternation
     *     may pass an array it filled only in part
     */
    public void setOffers(Offer[] enrolled) {
        this.enrolled = enrolled;
    }

    /**
     * Like {@link #setOffers(Offer[])} for a decision with one offer (a plain read or write),
     * without an array to hold it.
     *
     * @param enrolled the only offer of this decision
     */
    public void setOffer(Offer enrolled) {
        this.enrolled = enrolled;
    }

    /**
     * Records the deadline the owner will {@link #await()}: a timed read's or write's, an
     * alternation's earliest timeout guard's. A holder that waits on a partner elsewhere reads it
     * to bound its hold. Called by the owner before any offer is published.
     *
     * @param deadlineNs the {@link System#nanoTime()} at which the owner gives up, or
     *     {@link Long#MAX_VALUE} (the default) for none
     */
    public void setDeadline(long deadlineNs) {
        this.deadlineNs = deadlineNs;
    }

    /**
     * @return the {@link System#nanoTime()} at which the owner gives up waiting for a partner, or
     *     {@link Long#MAX_VALUE} when it waits without a deadline
     */
    public long deadlineNs() {
        return deadlineNs;
    }

    /**
     * Holds an open decision for a commit that needs a partner's answer first.
     *
     * @return true if this caller now holds the decision; false if it was not OPEN
     */
    public boolean tryHold() {
        if (SeededBug.is(WITHDRAWN_OFFER_MATCHED) && STATE.compareAndSet(this, WITHDRAWN, HELD)) { return true; }
        return STATE.compareAndSet(this, OPEN, HELD);
    }

    /**
     * Completes an open decision in one step.
     *
     * @param guardIndex the guard (or 0 for a plain operation) that communicated
     * @param received the value a reader receives, or null for a writer
     * @return true if the decision was OPEN and is now DONE
     */
    public boolean tryClaim(int guardIndex, Object received) {
        if (!tryHold()) {
            return false;
        }
        finish(guardIndex, received); // this caller's hold: no need to check it
        return true;
    }

    /**
     * Completes a held decision: the communication of guard {@code guardIndex} happened.
     *
     * @param guardIndex the guard that communicated
     * @param received the value a reader receives, or null for a writer
     */
    public void commit(int guardIndex, Object received) {
        checkHeld("commit");
        finish(guardIndex, received);
    }

    /**
     * Completes a held decision with a failure of guard {@code guardIndex}, such as poison.
     *
     * @param guardIndex the guard whose channel failed
     * @param error what the owner throws
     */
    public void fail(int guardIndex, RuntimeException error) {
        checkHeld("fail");
        finish(guardIndex, new Failure(error));
    }

    /**
     * Fails an open decision in one step.
     *
     * @param guardIndex the guard whose channel failed
     * @param error what the owner throws
     * @return true if the decision was OPEN and is now DONE with {@code error}
     */
    public boolean tryFail(int guardIndex, RuntimeException error) {
        if (!tryHold()) {
            return false;
        }
        finish(guardIndex, new Failure(error));
        return true;
    }

    /**
     * Gives a held decision back, unchanged: no communication happened. Every port the decision is
     * enrolled at is asked to match again, and the owner re-checks its deadline. Call it without
     * holding any port's lock.
     */
    public void release() {
        releaseQuietly();
        rematch();
    }

    /**
     * Asks every port this decision is enrolled at to match again ({@link Port#rematch()}),
     * without changing its state. The second half of {@link #release()}, for a holder that gave
     * the decision back with {@link #releaseQuietly()} under a port's lock: call it once that lock
     * is released.
     */
    public void rematch() {
        if (enrolled instanceof Offer only) {
            only.port().rematch();
        } else if (enrolled instanceof Offer[] offers) {
            for (Offer offer : offers) {
                if (offer != null) {
                    offer.port().rematch();
                }
            }
        }
    }

    /**
     * Gives a held decision back without asking its ports to match again. For a port that holds
     * its own lock: it must call {@link #rematch()} after unlocking.
     */
    public void releaseQuietly() {
        checkHeld("release");
        state = OPEN;
        unparkWaiter(); // it re-checks its deadline
    }

    /**
     * Withdraws an open decision; only the owner calls this.
     *
     * @return true if withdrawn; false if a partner holds it or it is done
     */
    public boolean tryWithdraw() {
        return STATE.compareAndSet(this, OPEN, WITHDRAWN);
    }

    /**
     * Waits, as the owner, until the decision is done or, failing that, withdrawn at its
     * {@link #deadlineNs()} or on interrupt. While a partner holds the decision the owner waits for
     * the hold to resolve, even past the deadline, so that the outcome is always known. An
     * interrupt is kept: the thread's interrupt status is set again before this returns.
     *
     * @return DONE, or TIMED_OUT / INTERRUPTED if the decision was withdrawn
     */
    public Outcome await() {
        if (state == DONE) {
            return Outcome.DONE;
        }
        long deadlineNs = this.deadlineNs;
        boolean interrupted = false;
        waiter = Thread.currentThread(); // before reading the state again: see the implementation note
        try {
            while (true) {
                int s = state;
                if (s == DONE) {
                    WAITER.setOpaque(this, null); // tells a spinning partner that this owner runs again
                    return Outcome.DONE;
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                boolean late = deadlineNs != Long.MAX_VALUE && System.nanoTime() - deadlineNs >= 0;
                if ((interrupted || late) && s == OPEN) {
                    if (tryWithdraw()) {
                        return interrupted ? Outcome.INTERRUPTED : Outcome.TIMED_OUT;
                    }
                    continue; // lost the race with a partner: see what it did
                }
                if (s == HELD || deadlineNs == Long.MAX_VALUE || interrupted || late) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, deadlineNs - System.nanoTime());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Like {@link #await()}, but a virtual thread may first spin briefly, on a machine and
     * scheduler with more than one processor and carrier, if {@code budget} allows it; see the
     * implementation note. The outcome is the same as {@link #await()}'s: the spin only saves a park
     * when a partner commits within it. An interrupt or a deadline that passes during the spin is
     * seen when it ends, at most about 2 us later.
     *
     * @param budget where this wait learns whether spinning pays: one per channel or alternation
     * @return DONE, or TIMED_OUT / INTERRUPTED if the decision was withdrawn
     */
    public Outcome await(SpinBudget budget) {
        if (Spinning.maySpin() && state != DONE && budget.trySpin()) {
            int spin = spin();
            if (spin == SPUN_TO_DONE) {
                budget.succeeded();
                return Outcome.DONE;
            }
            budget.ranOut();
        }
        return await();
    }

    /** At most this many {@link Thread#onSpinWait()} calls in one spin: about 2 us here. */
    static final int SPINS = 64;

    private static final int SPUN_TO_DONE = 0;
    private static final int SPUN_OUT = 1;

    /** Stripes of {@link #WOKEN}, a power of two; each owns a 64-byte line of references. */
    private static final int STRIPES = 64;
    private static final int STRIDE = 16;
    /** The decision whose owner each stripe's thread unparked last, if it has not waited since. */
    private static final Decision[] WOKEN = new Decision[STRIPES * STRIDE];

    private static int stripe(Thread thread) {
        return (int) (thread.threadId() & (STRIPES - 1)) * STRIDE;
    }

    /** Spins until done or until it runs out; yields once if the partner this thread woke last is queued. */
    private int spin() {
        int slot = stripe(Thread.currentThread());
        Decision woken = WOKEN[slot];
        if (woken != null) {
            WOKEN[slot] = null;
        }
        for (int i = 0; i < SPINS; i++) {
            if (state == DONE) {
                return SPUN_TO_DONE;
            }
            if (woken != null && woken.waiter != null) {
                woken = null;
                Thread.yield(); // it is likely queued behind us on this carrier: let it run
                continue;
            }
            Thread.onSpinWait();
        }
        return state == DONE ? SPUN_TO_DONE : SPUN_OUT;
    }

    /** Unparks the owner if it published itself as waiting. @return true if it did */
    private boolean unparkWaiter() {
        Thread w = waiter;
        if (w == null) {
            return false; // still spinning or about to look: it will see the new state
        }
        LockSupport.unpark(w);
        return true;
    }

    /** @return the guard index that completed the decision; valid once DONE */
    public int index() {
        return index;
    }

    /** @return the value received; valid once DONE */
    public Object value() {
        return value instanceof Failure ? null : value;
    }

    /** @return the failure the owner throws, or null; valid once DONE */
    public RuntimeException failure() {
        return value instanceof Failure f ? f.error() : null;
    }

    /** What {@link #fail} stores in place of a received value. */
    private record Failure(RuntimeException error) {
    }

    /** Moves a decision this caller holds to DONE and wakes the owner. */
    private void finish(int guardIndex, Object received) {
        this.index = guardIndex;
        this.value = received;
        state = DONE;
        if (SeededBug.is(LOST_WAKEUP)) { return; }
        if (unparkWaiter() && Spinning.maySpin()) {
            WOKEN[stripe(Thread.currentThread())] = this; // a hint for this thread's next spin (implementation note)
        }
    }

    private void checkHeld(String action) {
        if (state != HELD) {
            throw new IllegalStateException("cannot " + action + " a decision in state " + state() + "; hold it first");
        }
    }

    @Override
    public String toString() {
        Thread w = waiter;
        return "Decision[" + state() + (w != null ? ", waiter=" + w.getName() : "") + "]";
    }
}
