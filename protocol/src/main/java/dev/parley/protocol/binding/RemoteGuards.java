package dev.parley.protocol.binding;

import dev.parley.RetiredException;
import dev.parley.protocol.HoldAnswer;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.RemoteEnds;
import dev.parley.protocol.binding.RemoteEndpoints.Ended;
import dev.parley.spi.Decision;
import dev.parley.spi.Offer;
import dev.parley.spi.Port;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The alternation guards on a node's remote ends: each end's {@link Port}, and the conditional
 * offers the node made for them. The ports are called by the alternations' threads;
 * {@link #askHold}, {@link #completed}, {@link #holdReleased} and {@link #stopped} are the
 * {@link RemoteEnds} callbacks and the stop hook of the node's thread, to which
 * {@link RemoteEndpoints} passes them on.
 *
 * <h2>Implementation note</h2>
 * A guard's port never completes at poll time (whether the home has a partner is known only
 * after a round trip); where a selection must know it now (a priority or fair order, or a skip
 * guard), it probes the port first: an immediate conditional offer, which the home matches on
 * arrival or withdraws at once, and the selection's thread waits for that answer. Enroll and
 * withdraw only submit to the node's thread, whose FIFO order makes a withdraw follow its
 * enroll. A decision held for a conditional write stays held until the home confirms (TAKEN),
 * the home falls silent for the peer timeout, or the alternation's deadline plus one peer
 * timeout passes (the guard's offer carries that deadline).
 *
 * <p>An alternation's guard on an end lost to its home's restart re-opens the end as an
 * operation does ({@link RemoteEnd}), but on a thread of its own (its enroll runs under the
 * alternation's locks and must not wait for a lookup), bounded by the alternation's deadline,
 * while the alternation waits; the guard is then offered through the new end unless the
 * alternation withdrew it meanwhile, and a re-open that fails fails the guard.
 */
final class RemoteGuards {

    private static final AtomicLong LOCK_ORDERS = new AtomicLong();

    private final NodeLoop loop;
    /** Registers the futures a probe waits on; keeps outcomes that came inside an offer. */
    private final RemoteEndpoints endpoints;
    /** Conditional offers by operation id; touched only on the node's thread. */
    private final Map<Long, Guarded> guarded = new HashMap<>();
    /**
     * The party id of each alternation that offered remote guards (an OFFER's party), so that a
     * home never relays one alternation's writer guard to its own reader guard; touched only on
     * the node's thread, and forgotten with the decision.
     */
    private final Map<Decision, Long> parties = new WeakHashMap<>();
    private long nextParty = 1;
    /** Guard offers whose enroll task has not run yet. */
    private final Set<Offer> enrolling = ConcurrentHashMap.newKeySet();

    RemoteGuards(NodeLoop loop, RemoteEndpoints endpoints) {
        this.loop = loop;
        this.endpoints = endpoints;
    }

    /** @return a new port for {@code end}, which an alternation locks in its own order */
    Port port(RemoteEnd end) {
        return new GuardPort(end);
    }

    /** See {@link RemoteEnds#askHold}. */
    void askHold(long opId) {
        Guarded g = guarded.get(opId);
        if (g == null) {
            throw new IllegalStateException("askHold for opId=" + opId + " that is no conditional offer");
        }
        Decision d = g.offer.decision();
        HoldAnswer answer;
        if (d.tryHold()) {
            g.held = true;
            answer = HoldAnswer.HELD;
        } else {
            answer = d.state() == Decision.State.HELD ? HoldAnswer.BUSY : HoldAnswer.FINAL;
        }
        loop.node().holdAnswered(opId, answer, System.nanoTime()); // queued by the node: we are in its callback
    }

    /**
     * See {@link RemoteEnds#completed}.
     *
     * @return false if {@code opId} is no guard's conditional offer (then nothing was done)
     */
    boolean completed(long opId, Outcome outcome, byte[] value) {
        Guarded g = guarded.remove(opId);
        if (g == null) {
            return false;
        }
        SameJvmGuards.ended(loop.node().incarnation(), opId);
        g.completed(outcome, value);
        return true;
    }

    /** See {@link RemoteEnds#holdReleased}. */
    void holdReleased(long opId) {
        Guarded g = guarded.get(opId);
        if (g == null || !g.held) {
            throw new IllegalStateException("holdReleased for opId=" + opId + " that holds no decision");
        }
        g.held = false;
        g.offer.decision().release(); // the offer stands: the alternation may commit elsewhere, or withdraw it
    }

    /** The node's thread stopped: fails every guard offered or about to be (on that thread). */
    void stopped(NodeStopped cause) {
        for (Guarded g : guarded.values()) {
            g.stopped(cause);
        }
        guarded.clear();
        for (Offer offer : enrolling) {
            enrolling.remove(offer);
            offer.decision().tryFail(offer.index(), cause.asIllegalState());
        }
    }

    /** A guard's conditional offer, known on the node's thread once the node made it. */
    private static final class Guarded {
        final Offer offer;
        final RemoteEnd end;
        /** For a probe: completed once its outcome has reached the decision; null for an enrolled guard. */
        final CompletableFuture<Void> probed;
        boolean held;

        Guarded(Offer offer, RemoteEnd end, CompletableFuture<Void> probed) {
            this.offer = offer;
            this.end = end;
            this.probed = probed;
        }

        void completed(Outcome outcome, byte[] value) {
            Decision d = offer.decision();
            RuntimeException failure = outcome == Outcome.DONE || outcome == Outcome.NOT_DONE ? null
                    : RemoteEnd.failureOf(outcome, end.name);
            if (held) {
                switch (outcome) {
                    case DONE -> d.commit(offer.index(), value == null ? null : end.decode(value));
                    case NOT_DONE -> d.release();
                    default -> d.fail(offer.index(), failure);
                }
            } else if (failure != null) {
                d.tryFail(offer.index(), failure);
            }
            settle();
        }

        private void settle() {
            if (probed != null) {
                probed.complete(null);
            }
        }

        void stopped(NodeStopped cause) {
            Decision d = offer.decision();
            if (held) { // the home may have taken a conditional write: nobody can say
                d.fail(offer.index(), new OutcomeUnknownException("channel '" + end.name + "': " + cause.getMessage()
                        + " while a remote guard was being committed; its message was delivered at most once"));
            } else {
                d.tryFail(offer.index(), cause.asIllegalState());
            }
            settle();
        }
    }

    /** The port of a remote end as an alternation sees it. */
    private final class GuardPort implements Port {
        private final RemoteEnd end;
        private final long lockOrder = -LOCK_ORDERS.incrementAndGet(); // local channels use positive keys
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<Offer, long[]> opIds = new ConcurrentHashMap<>();

        GuardPort(RemoteEnd end) {
            this.end = end;
        }

        @Override
        public long lockOrder() {
            return lockOrder;
        }

        @Override
        public void lock() {
            lock.lock();
        }

        @Override
        public void unlock() {
            lock.unlock();
        }

        @Override
        public boolean poll(Offer offer) {
            end.checkNotRetired();
            return false; // readiness at the home is known only after a round trip: see probe
        }

        @Override
        public boolean probes() {
            return true;
        }

        /**
         * Makes the guard's offer immediate (the home matches it on arrival or withdraws it at
         * once) and waits until its outcome has reached the decision: a round trip, or up to one
         * peer timeout if the home is silent. The alternation's deadline, or an interrupt, ends
         * the wait sooner by withdrawing the decision, unless the home holds it then (the hold is
         * bounded): the immediate offer may still be out, and a late proposal for it finds the
         * decision final and is declined.
         */
        @Override
        public void probe(Offer offer) {
            end.checkNotRetired();
            Decision decision = offer.decision();
            byte[] value = offer.value() == null ? null : end.encode(offer.value());
            long deadlineNs = decision.deadlineNs(); // Long.MAX_VALUE (NO_DEADLINE) for none
            CompletableFuture<Void> probed = endpoints.waitedOn(new CompletableFuture<>());
            long[] opId = new long[1]; // set on the node's thread once offered
            loop.submit(() -> {
                if (!probed.isDone()) { // else failed by the node's stop before this task ran
                    offerGuard(offer, value, deadlineNs, opId, probed);
                }
            });
            boolean interrupted = Thread.interrupted();
            boolean waitForTheEnd = false; // the decision is held or done: only the outcome can end the wait
            try {
                while (true) {
                    if ((interrupted || !waitForTheEnd && deadlineNs != Long.MAX_VALUE
                            && System.nanoTime() - deadlineNs >= 0) && !probed.isDone()) {
                        if (decision.tryWithdraw()) {
                            loop.submit(() -> { // after the offer's task, and before any later RETIRE of the end
                                if (opId[0] != 0) {
                                    loop.node().withdraw(opId[0], System.nanoTime());
                                }
                            });
                            return;
                        }
                        waitForTheEnd = true;
                    }
                    try {
                        if (waitForTheEnd || deadlineNs == Long.MAX_VALUE) {
                            probed.get();
                        } else {
                            probed.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                        }
                        return;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (TimeoutException e) {
                        // the deadline passed: withdraw, at the top of the loop
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof NodeStopped stopped)) {
                            throw new IllegalStateException("a probe of a remote guard failed inside the node",
                                    e.getCause());
                        }
                        decision.tryFail(offer.index(), stopped.asIllegalState());
                        return;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void enroll(Offer offer) {
            byte[] value = offer.value() == null ? null : end.encode(offer.value());
            long ownerDeadlineNs = offer.decision().deadlineNs(); // Long.MAX_VALUE (NO_DEADLINE) for none
            long[] opId = new long[1];
            opIds.put(offer, opId);
            enrolling.add(offer);
            loop.submit(() -> {
                if (enrolling.remove(offer)) { // else failed by the stop hook (not while the thread runs tasks)
                    offerGuard(offer, value, ownerDeadlineNs, opId, null);
                }
            });
            if (loop.stopped() && enrolling.remove(offer)) {
                offer.decision().tryFail(offer.index(), new NodeStopped(loop.failure()).asIllegalState());
            }
        }

        /**
         * On the node's thread: offers the guard through its end, or, if the end was lost to a
         * restart of its home, re-opens the end first on a thread of its own (a lookup takes a
         * round trip) and then offers through the new end, unless the alternation withdrew the
         * guard meanwhile. A re-open that fails fails the guard as the operation would fail.
         *
         * @param opId where the operation's id goes, once offered
         * @param probed a probe's completion (see {@link #probe}); null for an enrolled guard
         */
        private void offerGuard(Offer offer, byte[] value, long ownerDeadlineNs, long[] opId,
                CompletableFuture<Void> probed) {
            if (probed == null ? !opIds.containsKey(offer) : offer.decision().isFinal()) {
                if (probed != null) {
                    probed.complete(null);
                }
                return; // withdrawn while its end was re-opened
            }
            if (end.retired) { // retired by another thread since the guard was made: the node knows no such end
                offer.decision().tryFail(offer.index(),
                        new RetiredException(end.name, "was used through an end that has retired"));
                if (probed != null) {
                    probed.complete(null);
                }
                return;
            }
            long endId = end.endId;
            if (loop.node().endLost(endId)) {
                Thread.ofVirtual().name("parley-reopen-guard").start(() -> {
                    try {
                        if (end.reopen(endId, ownerDeadlineNs)) {
                            loop.submit(() -> offerGuard(offer, value, ownerDeadlineNs, opId, probed));
                        } else if (probed != null) {
                            probed.complete(null); // the owner's deadline passed: its timeout guard fires
                        } // else the owner's deadline passed: its timeout guard fires, and it withdraws this one
                    } catch (RuntimeException e) {
                        offer.decision().tryFail(offer.index(), e);
                        if (probed != null) {
                            probed.complete(null);
                        }
                    }
                });
                return;
            }
            long party = parties.computeIfAbsent(offer.decision(), d -> nextParty++);
            long id = probed != null ? loop.node().probe(endId, value, party, ownerDeadlineNs, System.nanoTime())
                    : loop.node().offer(endId, value, true, party, ownerDeadlineNs, System.nanoTime());
            opId[0] = id;
            Guarded g = new Guarded(offer, end, probed);
            Ended early = endpoints.endedInsideOffer(id);
            if (early != null) {
                g.completed(early.outcome(), early.value()); // completed inside offer() (a poisoned side, say)
            } else {
                guarded.put(id, g);
                SameJvmGuards.offered(loop.node().incarnation(), id, offer.decision());
            }
        }

        @Override
        public void withdraw(Offer offer) {
            long[] opId = opIds.remove(offer);
            if (opId != null) {
                loop.submit(() -> { // after the enroll's task; 0 while its end is being re-opened
                    if (opId[0] != 0) {
                        loop.node().withdraw(opId[0], System.nanoTime());
                    }
                });
            }
        }

        @Override
        public void rematch() {
            // Nothing waits here: the home re-offers a guard it was told BUSY about.
        }

        @Override
        public String describe() {
            String side = end instanceof RemoteEnd.Reader<?> ? "read" : "write";
            return "remote channel '" + end.name + "' (" + side + ")";
        }
    }
}
