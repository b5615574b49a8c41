package dev.parley.protocol.binding;

import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.protocol.Frame;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.HoldAnswer;
import dev.parley.protocol.RemoteEnds;
import dev.parley.spi.Decision;
import dev.parley.spi.GuardableEnd;
import dev.parley.spi.Offer;
import dev.parley.spi.Port;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's ends of channels hosted elsewhere, bound to the core's end interfaces: plain
 * and timed reads and writes, poison and retire. Any thread except the node's may call
 * {@link #connect}, {@link #reader}, {@link #writer} and the ends' operations; the
 * {@link RemoteEnds} methods are the node's thread's. The ends are also alternation guards:
 * a guard becomes a conditional offer, and the node asks the alternation's {@link Decision}
 * (tryHold) before the home may commit it.
 *
 * <h2>Implementation note</h2>
 * A guard's port never completes at poll time (whether the home has a partner is known only
 * after a round trip); where a selection must know it now (a priority or fair order, or a skip
 * guard), it probes the port first: an immediate conditional offer, which the home matches on
 * arrival or withdraws at once, and the selection's thread waits for that answer. Enroll and
 * withdraw only submit to the node's thread, whose FIFO order makes
 * a withdraw follow its enroll. A decision held for a conditional write stays held until the
 * home confirms (TAKEN), the home falls silent for the peer timeout, or the alternation's
 * deadline plus one peer timeout passes (the guard's offer carries that deadline).
 *
 * <p>{@code poison()} and {@code retire()} wait for the home's APPLIED, so that an operation
 * after them, on any end, sees them as it would a local poison or retire. They have no
 * deadline: the node ends them OUTCOME_UNKNOWN once the home has been silent for the peer
 * timeout.
 *
 * <p>An end whose home restarted since it was opened is lost: the state machine ends every
 * offer through it OUTCOME_UNKNOWN at once, without a frame. A plain or timed read or write
 * asks the node, in the same task as its offer, whether the end is lost; if it is, nothing is
 * offered, and the end is re-opened: the channel is looked up again by name at the same peer
 * (its id may differ in the new incarnation), a new end is opened on the same side, the lost
 * one is retired here, and the operation is offered through the new end, which the Java end
 * uses from then on. A restart noticed after the offer still ends the operation
 * OUTCOME_UNKNOWN. The re-open is bounded by the operation's deadline (a timed operation whose
 * deadline passes meanwhile, or whose channel is not hosted by then, returns false or empty),
 * or, for an untimed one, by the re-open timeout given at construction, after which it fails
 * as {@link #connect} does. An end retired by its user stays retired: a re-open that races
 * with the retire retires the new end too. An alternation's guard on a lost end re-opens it
 * too, on a thread of its own (its enroll runs under the alternation's locks and must not wait
 * for a lookup), bounded by the alternation's deadline, while the alternation waits; the guard
 * is then offered through the new end unless the alternation withdrew it meanwhile, and a
 * re-open that fails fails the guard. Poison and retire do not re-open.
 *
 * <p>A writer end writes ahead when its home grants it slots of a buffered channel (the
 * protocol's credits): a write under a slot returns without waiting, and only a write that
 * finds none offers; {@link WriteAheads} keeps the slots and the writes on their way.
 *
 * <p>When the node's thread stops (its node closed, or a failure), every caller still waiting
 * for it is woken: an operation in flight throws {@link OutcomeUnknownException} (its message
 * was delivered at most once), a pending connect or end creation, and every operation started
 * afterwards, throws {@link IllegalStateException}, and an alternation waiting on a remote
 * guard fails with that guard. Each waiting caller is registered before its task is submitted
 * and checks {@link NodeLoop#stopped} afterwards, so none is missed by the stop hook.
 */
public final class RemoteEndpoints implements RemoteEnds {

    /** How an operation ended, as its waiting caller receives it. */
    private record Ended(Outcome outcome, byte[] value) {
    }

    private static final AtomicLong LOCK_ORDERS = new AtomicLong();

    private final Map<Long, CompletableFuture<Ended>> ops = new ConcurrentHashMap<>();
    /** Conditional offers by operation id; touched only on the node's thread. */
    private final Map<Long, Guarded> guarded = new java.util.HashMap<>();
    /**
     * The party id of each alternation that offered remote guards (an OFFER's party), so that a
     * home never relays one alternation's writer guard to its own reader guard; touched only on
     * the node's thread, and forgotten with the decision.
     */
    private final Map<Decision, Long> parties = new java.util.WeakHashMap<>();
    private long nextParty = 1;
    private final Map<Long, CompletableFuture<Long>> lookups = new ConcurrentHashMap<>();
    /** Every future a caller waits on for the node, until it completes. */
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    /** Guard offers whose enroll task has not run yet. */
    private final Set<Offer> enrolling = ConcurrentHashMap.newKeySet();
    /** The writes ahead of this node's writer ends; made when the loop is attached. */
    private volatile WriteAheads writeAheads;
    private volatile NodeLoop loop;
    private final Duration reopenTimeout;
    private final boolean writeAhead;

    /**
     * @param reopenTimeout how long an untimed operation on an end lost to its home's restart
     *     waits for the channel to be found again at the new incarnation (see the class comment)
     * @param writeAhead whether writer ends take the slots a buffered home grants and write
     *     ahead under them; false: every remote write waits until its home stored or delivered it
     */
    public RemoteEndpoints(Duration reopenTimeout, boolean writeAhead) {
        if (reopenTimeout.isNegative()) {
            throw new IllegalArgumentException("reopenTimeout=" + reopenTimeout + " is negative");
        }
        this.reopenTimeout = reopenTimeout;
        this.writeAhead = writeAhead;
    }

    /** Writer ends that do not write ahead. */
    public RemoteEndpoints(Duration reopenTimeout) {
        this(reopenTimeout, false);
    }

    /** Writer ends that do not write ahead, with a re-open timeout of {@value #DEFAULT_REOPEN_SECONDS} s. */
    public RemoteEndpoints() {
        this(Duration.ofSeconds(DEFAULT_REOPEN_SECONDS), false);
    }

    private static final long DEFAULT_REOPEN_SECONDS = 10;

    /** Binds to the loop that runs the node; call once, before any operation. */
    public void attach(NodeLoop nodeLoop) {
        this.loop = nodeLoop;
        nodeLoop.whenStopped(this::stopped);
        this.writeAheads = new WriteAheads(nodeLoop);
    }

    /** Marks a future that a caller waits on, and completes it at once if the node has stopped. */
    private <V> CompletableFuture<V> waitedOn(CompletableFuture<V> future) {
        waiting.add(future);
        future.whenComplete((v, e) -> waiting.remove(future));
        if (loop.stopped()) {
            future.completeExceptionally(new NodeStopped(loop.failure()));
        }
        return future;
    }

    /** The node's thread stopped: wakes everyone who waits for it (on that thread, after its last task). */
    private void stopped(RuntimeException failure) {
        NodeStopped cause = new NodeStopped(failure);
        for (Guarded g : guarded.values()) {
            g.stopped(cause);
        }
        guarded.clear();
        for (Offer offer : enrolling) {
            enrolling.remove(offer);
            offer.decision().tryFail(offer.index(), cause.asIllegalState());
        }
        for (CompletableFuture<?> f : waiting) {
            f.completeExceptionally(cause);
        }
    }

    /** Completes the futures of callers waiting for a node that stopped; see the class comment. */
    private static final class NodeStopped extends RuntimeException {
        NodeStopped(RuntimeException failure) {
            super(failure == null ? "the node is closed" : "the node's protocol thread stopped on a failure",
                    failure, false, false);
        }

        IllegalStateException asIllegalState() {
            return new IllegalStateException(getMessage(), getCause());
        }
    }

    /**
     * Finds a channel by name at {@code peer}, waiting up to {@code timeout} for it to be
     * hosted. Blocks the calling thread; an interrupt ends the wait with
     * {@link ChannelInterruptedException}.
     *
     * @return the channel's id at its home
     * @throws IllegalStateException if the peer answered but hosts no such channel by then
     * @throws PeerUnreachableException if no peer answered by then
     */
    public long connect(String peer, String name, Duration timeout) {
        return found(lookup(peer, name, System.nanoTime() + timeout.toNanos()), peer, name, timeout, "");
    }

    /**
     * @param id what {@link #lookup} returned
     * @param why what to say first, or ""
     * @return {@code id} when the channel was found; otherwise throws as {@link #connect} documents
     */
    private static long found(long id, String peer, String name, Duration timeout, String why) {
        if (id == -1) {
            throw new IllegalStateException(why + "peer=" + peer + " hosts no channel name=" + name + " after timeout="
                    + timeout);
        }
        if (id == -2) {
            throw new PeerUnreachableException(why + "peer=" + peer + " did not answer within timeout=" + timeout
                    + " looking up name=" + name);
        }
        return id;
    }

    /** @return the channel's id, -1 if the peer hosts no such channel by the deadline, -2 if it did not answer */
    private long lookup(String peer, String name, long deadlineNs) {
        CompletableFuture<Long> found = waitedOn(new CompletableFuture<>());
        loop.submit(() -> lookups.put(loop.node().lookup(peer, name, deadlineNs, System.nanoTime()), found));
        return await(found, name);
    }

    /** @return a new reader end of the remote channel (it counts for retire at the home) */
    public <T> ChannelInput<T> reader(String peer, String name, long channelId, ValueCodec<T> codec) {
        return new Reader<>(open(peer, channelId, Frame.Side.READ), peer, name, codec);
    }

    /** @return a new writer end of the remote channel (it counts for retire at the home) */
    public <T> ChannelOutput<T> writer(String peer, String name, long channelId, ValueCodec<T> codec) {
        return new Writer<>(open(peer, channelId, Frame.Side.WRITE), peer, name, codec);
    }

    private long open(String peer, long channelId, Frame.Side side) {
        boolean ahead = writeAhead && side == Frame.Side.WRITE;
        CompletableFuture<Long> end = waitedOn(new CompletableFuture<>());
        loop.submit(() -> end.complete(loop.node().openEnd(peer, channelId, side, ahead, System.nanoTime())));
        return await(end, "openEnd");
    }

    @Override
    public void credited(long endId, int granted) {
        writeAheads.credited(endId, granted);
    }

    @Override
    public void storedAhead(long endId, long stored) {
        writeAheads.storedAhead(endId, stored);
    }

    @Override
    public int creditTakenBack(long endId) {
        return writeAheads.creditTakenBack(endId);
    }

    // ---- RemoteEnds, on the node's thread

    @Override
    public void askHold(long opId, byte[] value) {
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

    @Override
    public void completed(long opId, Outcome outcome, byte[] value) {
        Guarded g = guarded.remove(opId);
        if (g != null) {
            SameJvmGuards.ended(loop.node().incarnation(), opId);
            g.completed(outcome, value);
            return;
        }
        ops.computeIfAbsent(opId, id -> new CompletableFuture<>()).complete(new Ended(outcome, value));
    }

    @Override
    public void holdReleased(long opId) {
        Guarded g = guarded.get(opId);
        if (g == null || !g.held) {
            throw new IllegalStateException("holdReleased for opId=" + opId + " that holds no decision");
        }
        g.held = false;
        g.offer.decision().release(); // the offer stands: the alternation may commit elsewhere, or withdraw it
    }

    /** A guard's conditional offer, known on the node's thread once the node made it. */
    private final class Guarded {
        final Offer offer;
        final End end;
        /** For a probe: completed once its outcome has reached the decision; null for an enrolled guard. */
        final CompletableFuture<Void> probed;
        boolean held;

        Guarded(Offer offer, End end, CompletableFuture<Void> probed) {
            this.offer = offer;
            this.end = end;
            this.probed = probed;
        }

        void completed(Outcome outcome, byte[] value) {
            Decision d = offer.decision();
            RuntimeException failure = outcome == Outcome.DONE || outcome == Outcome.NOT_DONE ? null
                    : failureOf(outcome, end.name);
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
        private final End end;
        private final long lockOrder = -LOCK_ORDERS.incrementAndGet(); // local channels use positive keys
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<Offer, long[]> opIds = new ConcurrentHashMap<>();

        GuardPort(End end) {
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
            CompletableFuture<Void> probed = waitedOn(new CompletableFuture<>());
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
            CompletableFuture<Ended> early = ops.remove(id);
            if (early != null && early.isDone()) {
                Ended e = early.join(); // completed inside offer() (a poisoned side, say)
                g.completed(e.outcome(), e.value());
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
            return "remote channel '" + end.name + "' (" + (end instanceof Reader<?> ? "read" : "write") + ")";
        }
    }

    @Override
    public void lookedUp(long lookupId, Outcome outcome, long channelId) {
        long result = outcome == Outcome.DONE ? channelId : outcome == Outcome.NOT_DONE ? -1 : -2;
        lookups.remove(lookupId).complete(result);
    }

    // ---- operations

    /** What an operation's waiter receives when its end was lost before anything was offered. */
    private static final Ended LOST = new Ended(Outcome.NOT_DONE, null);

    /** What it receives when another thread retired its end before the offer's task ran. */
    private static final Ended RETIRED_MEANWHILE = new Ended(Outcome.RETIRED, null);

    /**
     * Offers through {@code end} and waits for the outcome, re-opening the end first if its
     * home restarted since it was opened (see the class comment). The caller waits once per
     * operation, on a future that the offer's task registers under the operation's id, so that
     * the node's thread wakes it only when the outcome is known. An interrupt, even one set
     * before the call, withdraws the offer (a task that runs after the offer's) and waits for
     * the withdrawal's outcome; the interrupt status is set again before returning.
     *
     * @return the outcome, once known; NOT_DONE also when the deadline passed during a re-open
     */
    private Ended operate(End end, byte[] value, long deadlineNs) {
        while (true) {
            long endId = end.endId;
            CompletableFuture<Ended> done = waitedOn(new CompletableFuture<>());
            long[] opId = new long[1]; // set on the node's thread once offered; 0 while nothing was
            loop.submit(() -> {
                if (done.isDone()) {
                    return; // failed by the node's stop before this task ran: offer nothing
                }
                if (end.retired) {
                    done.complete(RETIRED_MEANWHILE); // another thread's retire ran first: the node knows no such end
                    return;
                }
                // A re-open by another thread sets endId before it retires the lost end: never offer through that one.
                if (end.endId != endId || loop.node().endLost(endId)) {
                    done.complete(LOST);
                    return;
                }
                long id = loop.node().offer(endId, value, false, deadlineNs, System.nanoTime());
                opId[0] = id;
                CompletableFuture<Ended> early = ops.putIfAbsent(id, done);
                if (early != null) { // completed inside offer(): the end was lost to a restart
                    ops.remove(id);
                    done.complete(early.join());
                }
            });
            Ended ended = awaitOutcome(endId, opId, done);
            if (ended == RETIRED_MEANWHILE) {
                end.checkNotRetired(); // throws
            }
            if (ended != LOST) {
                return ended;
            }
            if (!end.reopen(endId, deadlineNs)) {
                return new Ended(Outcome.NOT_DONE, null);
            }
            end.checkNotRetired(); // retired while it was re-opened
        }
    }

    /**
     * @param opId the operation's id once offered (0 if nothing was), written by the node's
     *     thread before it completes {@code done}
     */
    private Ended awaitOutcome(long endId, long[] opId, CompletableFuture<Ended> done) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        loop.submit(() -> { // after the offer's task: opId is known on the node's thread
                            if (opId[0] != 0) {
                                loop.node().withdraw(opId[0], System.nanoTime());
                            }
                        });
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof NodeStopped stopped)) {
                        throw new IllegalStateException("operation failed inside the node", e.getCause());
                    }
                    if (opId[0] == 0) {
                        throw stopped.asIllegalState(); // nothing was offered
                    }
                    throw new OutcomeUnknownException(stopped.getMessage() + " while an operation on end "
                            + endId + " was in flight; its message was delivered at most once", stopped.getCause());
                }
            }
        } finally {
            if (opId[0] != 0) {
                ops.remove(opId[0]);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts a poison or retire on the node's thread and waits, without giving in to interrupts
     * (the action cannot be taken back; the interrupt status is kept), for its outcome. The
     * node bounds the wait by the peer timeout.
     *
     * @throws NodeStopped if the node's thread stopped meanwhile
     */
    private Outcome endAction(java.util.function.LongSupplier start) {
        CompletableFuture<Long> started = waitedOn(new CompletableFuture<>());
        loop.submit(() -> started.complete(start.getAsLong()));
        long opId = uninterruptibly(started);
        try {
            return uninterruptibly(waitedOn(ops.computeIfAbsent(opId, id -> new CompletableFuture<>()))).outcome();
        } finally {
            ops.remove(opId);
        }
    }

    private static <V> V uninterruptibly(CompletableFuture<V> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof NodeStopped stopped) {
                        throw stopped;
                    }
                    throw new IllegalStateException("poison or retire failed inside the node", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <V> V await(CompletableFuture<V> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChannelInterruptedException(what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NodeStopped stopped) {
                throw stopped.asIllegalState();
            }
            throw new IllegalStateException(what + " failed inside the node", e.getCause());
        }
    }

    /** @return true for DONE, false for NOT_DONE; throws for every other outcome */
    private static boolean check(Ended ended, String channel, boolean interrupted) {
        return switch (ended.outcome()) {
            case DONE -> true;
            case NOT_DONE -> {
                if (interrupted) {
                    throw new ChannelInterruptedException(channel);
                }
                yield false;
            }
            default -> throw failureOf(ended.outcome(), channel);
        };
    }

    /** @return what a failed operation on {@code channel} throws */
    private static RuntimeException failureOf(Outcome outcome, String channel) {
        return switch (outcome) {
            case POISONED -> new PoisonException(channel);
            case RETIRED -> new RetiredException(channel, "is retired");
            case OUTCOME_UNKNOWN -> new OutcomeUnknownException("channel '" + channel
                    + "': the outcome of the operation is unknown (the peer restarted or fell silent mid-commit,"
                    + " or the commit was not confirmed by the deadline plus the peer timeout)");
            case PEER_UNREACHABLE -> new PeerUnreachableException("channel '" + channel
                    + "': the home node is unreachable; nothing was delivered");
            case DONE, NOT_DONE -> throw new IllegalArgumentException("outcome=" + outcome + " is no failure");
        };
    }

    /** @return the deadline {@code timeout} from now; beyond about 146 years, none (no overflow) */
    private static long deadline(Duration timeout) {
        Duration capped = timeout.compareTo(FOREVER) >= 0 ? FOREVER : timeout;
        return capped == FOREVER ? ProtocolNode.NO_DEADLINE : System.nanoTime() + Math.max(0, capped.toNanos());
    }

    /** Timeouts this long or longer never expire: nanoTime arithmetic stays within half the range. */
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE / 2);

    private abstract class End implements GuardableEnd {
        /** The end at the home; replaced when the end is re-opened after the home restarted. */
        volatile long endId;
        final String peer;
        final String name;
        final Frame.Side side;
        volatile boolean retired;
        private final GuardPort port = new GuardPort(this);
        private final ReentrantLock reopening = new ReentrantLock();

        End(long endId, String peer, String name, Frame.Side side) {
            this.endId = endId;
            this.peer = peer;
            this.name = name;
            this.side = side;
        }

        /**
         * Replaces {@code lostId}, an end lost to its home's restart, by a new end on the channel
         * of the same name at the home's new incarnation; returns at once if another operation
         * replaced it already. Only one thread re-opens at a time.
         *
         * @param deadlineNs the operation's deadline, or {@link ProtocolNode#NO_DEADLINE}
         * @return false if a timed operation's deadline passed before the channel was found
         * @throws IllegalStateException if an untimed operation's home answered but hosted no
         *     such channel within the re-open timeout
         * @throws PeerUnreachableException if an untimed operation's home did not answer by then
         * @throws ChannelInterruptedException if interrupted meanwhile (nothing was offered)
         */
        boolean reopen(long lostId, long deadlineNs) {
            boolean timed = deadlineNs != ProtocolNode.NO_DEADLINE;
            long lookupDeadline = timed ? deadlineNs : System.nanoTime() + reopenTimeout.toNanos();
            try {
                reopening.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChannelInterruptedException(name);
            }
            try {
                if (endId != lostId) {
                    return true; // re-opened by another operation meanwhile
                }
                checkNotRetired();
                long channelId = lookup(peer, name, lookupDeadline);
                if (channelId < 0 && timed) {
                    return false;
                }
                long newId = open(peer, found(channelId, peer, name, reopenTimeout,
                        "channel '" + name + "': its home restarted; "), side);
                endId = newId;
                retireHere(lostId); // the restart retired it at the home already
                if (retired) {
                    retireHere(newId); // retired by its user meanwhile: see retire()
                }
                return true;
            } finally {
                reopening.unlock();
            }
        }

        /** Retires {@code id} on the node, for an end that a re-open replaced or that retired meanwhile. */
        private void retireHere(long id) {
            try {
                endAction(() -> loop.node().retire(id, System.nanoTime()));
            } catch (NodeStopped stopped) {
                throw stopped.asIllegalState();
            }
        }

        abstract byte[] encode(Object value);

        abstract Object decode(byte[] bytes);

        @Override
        public Port guardPort() {
            checkNotRetired();
            return port;
        }

        public String channelName() {
            return name;
        }

        void checkNotRetired() {
            if (retired) {
                throw new RetiredException(name, "was used through an end that has retired");
            }
        }

        /**
         * Returns once the home channel is poisoned. Blocks for a round trip, at most until the
         * home has been silent for the peer timeout; an interrupt does not end the wait (the
         * poison cannot be taken back) and the interrupt status is kept.
         *
         * @throws OutcomeUnknownException if the home fell silent for the peer timeout before it
         *     confirmed (the poison is still resent, and applied if the home is heard again), if
         *     it restarted (this end is gone with its old incarnation: nothing is left to poison),
         *     or if this node stopped meanwhile
         * @throws IllegalStateException if this node was closed before, or the home knows no such end
         */
        public void poison() {
            if (retired) {
                return;
            }
            if (loop.stopped()) {
                throw new NodeStopped(loop.failure()).asIllegalState(); // the poison could not leave this node
            }
            Outcome outcome;
            try {
                outcome = endAction(() -> loop.node().poison(endId, System.nanoTime()));
            } catch (NodeStopped stopped) {
                throw new OutcomeUnknownException(stopped.getMessage() + " while a poison of channel '" + name
                        + "' was in flight; the home may or may not have applied it", stopped.getCause());
            }
            switch (outcome) {
                case DONE -> { }
                case NOT_DONE -> {
                    if (!retired) {
                        throw new IllegalStateException("channel '" + name + "': the home knows no end endId="
                                + endId + " (it refused to open it), so the poison was not applied");
                    }
                } // else this end retired meanwhile: a poison through a retired end does nothing
                case OUTCOME_UNKNOWN -> throw new OutcomeUnknownException("channel '" + name
                        + "': the poison was not confirmed: the home fell silent for the peer timeout (the poison"
                        + " is still resent, and is applied if the home is heard again), or it restarted and this"
                        + " end is gone with its channel");
                default -> throw new IllegalStateException("poison of end " + endId + " ended " + outcome);
            }
        }

        /**
         * Returns once the home has retired this end, or at once when it had retired already or
         * its home restarted (which retired it). Blocks as {@link #poison} does. After a
         * {@code close} of this node it only marks the end retired here.
         *
         * @throws OutcomeUnknownException if the home fell silent for the peer timeout before it
         *     confirmed (the retire is still resent, and applied if the home is heard again); the
         *     end is retired here all the same
         */
        public void retire() {
            if (retired) {
                return;
            }
            retired = true;
            if (loop.stopped()) {
                return; // nothing can leave this node any more
            }
            Outcome outcome;
            try {
                outcome = endAction(() -> loop.node().retire(endId, System.nanoTime()));
            } catch (NodeStopped stoppedMeanwhile) {
                return; // as after a close: the end is retired here, and this node is gone
            } finally {
                writeAheads.retired(endId); // its writes ahead were handed over before the RETIRE, which followed them
            }
            switch (outcome) {
                case DONE -> { }
                case OUTCOME_UNKNOWN -> throw new OutcomeUnknownException("channel '" + name
                        + "': the retire was not confirmed: the home fell silent for the peer timeout (the retire"
                        + " is still resent, and is applied if the home is heard again)");
                default -> throw new IllegalStateException("retire of end " + endId + " ended " + outcome);
            }
        }
    }

    private final class Reader<T> extends End implements ChannelInput<T> {
        private final ValueCodec<T> codec;

        Reader(long endId, String peer, String name, ValueCodec<T> codec) {
            super(endId, peer, name, Frame.Side.READ);
            this.codec = codec;
        }

        @Override
        byte[] encode(Object value) {
            throw new IllegalStateException("a reader offers no value");
        }

        @Override
        Object decode(byte[] bytes) {
            return codec.decode(bytes);
        }

        @Override
        public T read() {
            checkNotRetired();
            Ended e = operate(this, null, readDeadline(ProtocolNode.NO_DEADLINE));
            check(e, name, Thread.currentThread().isInterrupted());
            return codec.decode(e.value());
        }

        @Override
        public Optional<T> read(Duration timeout) {
            checkNotRetired();
            Ended e = operate(this, null, readDeadline(deadline(timeout)));
            return check(e, name, Thread.currentThread().isInterrupted())
                    ? Optional.of(codec.decode(e.value())) : Optional.empty();
        }
    }

    /**
     * A read on a thread already interrupted must not wait, but may take what needs no waiting,
     * as a local read does: its offer is then immediate (no time left), which the home matches
     * on arrival or withdraws at once. A write needs no such care: its offer is withdrawn at once
     * (the interrupt), and the home keeps a write that its channel matched on arrival.
     */
    private static long readDeadline(long deadlineNs) {
        return Thread.currentThread().isInterrupted() ? System.nanoTime() : deadlineNs;
    }

    private final class Writer<T> extends End implements ChannelOutput<T> {
        private final ValueCodec<T> codec;

        Writer(long endId, String peer, String name, ValueCodec<T> codec) {
            super(endId, peer, name, Frame.Side.WRITE);
            this.codec = codec;
        }

        @Override
        @SuppressWarnings("unchecked")
        byte[] encode(Object value) {
            return codec.encode((T) value);
        }

        @Override
        Object decode(byte[] bytes) {
            throw new IllegalStateException("a writer receives no value");
        }

        @Override
        public void write(T message) {
            Objects.requireNonNull(message, "message");
            checkNotRetired();
            byte[] value = codec.encode(message);
            if (!writeAheads.write(endId, value, ProtocolNode.NO_DEADLINE)) {
                check(operate(this, value, ProtocolNode.NO_DEADLINE), name, Thread.currentThread().isInterrupted());
            }
        }

        @Override
        public boolean write(T message, Duration timeout) {
            Objects.requireNonNull(message, "message");
            checkNotRetired();
            byte[] value = codec.encode(message);
            long deadlineNs = deadline(timeout);
            return writeAheads.write(endId, value, deadlineNs)
                    || check(operate(this, value, deadlineNs), name, Thread.currentThread().isInterrupted());
        }
    }
}
