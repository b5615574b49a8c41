package dev.parley.protocol.binding;

import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.protocol.Frame;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.RemoteEnds;
import dev.parley.spi.Decision;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * This node's ends of channels hosted elsewhere, bound to the core's end interfaces: plain
 * and timed reads and writes, poison and retire. Any thread except the node's may call
 * {@link #connect}, {@link #reader}, {@link #writer} and the ends' operations; the
 * {@link RemoteEnds} methods are the node's thread's. The ends are also alternation guards:
 * a guard becomes a conditional offer, and the node asks the alternation's {@link Decision}
 * (tryHold) before the home may commit it.
 *
 * <h2>Implementation note</h2>
 * This class keeps what the ends share: the node's loop, the futures that callers wait on for
 * it, the lookups and openings of ends, and the offer of an operation with the wait for its
 * outcome. {@link RemoteEnd} is the end itself, with its re-open after a restart of its home
 * and its poison and retire; {@link RemoteGuards} keeps the ends' alternation guards, and
 * {@link WriteAheads} their writes ahead; the {@link RemoteEnds} callbacks about guards and
 * writes ahead are passed on to those two.
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
    record Ended(Outcome outcome, byte[] value) {
    }

    private final Map<Long, CompletableFuture<Ended>> ops = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Long>> lookups = new ConcurrentHashMap<>();
    /** Every future a caller waits on for the node, until it completes. */
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    /** The guards of this node's ends; made when the loop is attached. */
    private volatile RemoteGuards guards;
    /** The writes ahead of this node's writer ends; made when the loop is attached. */
    private volatile WriteAheads writeAheads;
    private volatile NodeLoop loop;
    private final Duration reopenTimeout;
    private final boolean writeAhead;

    /**
     * @param reopenTimeout how long an untimed operation on an end lost to its home's restart
     *     waits for the channel to be found again at the new incarnation, after which it fails as
     *     {@link #connect} does
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
        this.guards = new RemoteGuards(nodeLoop, this); // before the stop hook, which may run at once
        nodeLoop.whenStopped(this::stopped);
        this.writeAheads = new WriteAheads(nodeLoop);
    }

    // ---- for the ends and their guards

    NodeLoop loop() {
        return loop;
    }

    RemoteGuards guards() {
        return guards;
    }

    WriteAheads writeAheads() {
        return writeAheads;
    }

    Duration reopenTimeout() {
        return reopenTimeout;
    }

    /** Marks a future that a caller waits on, and completes it at once if the node has stopped. */
    <V> CompletableFuture<V> waitedOn(CompletableFuture<V> future) {
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
        guards.stopped(cause);
        for (CompletableFuture<?> f : waiting) {
            f.completeExceptionally(cause);
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
    static long found(long id, String peer, String name, Duration timeout, String why) {
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
    long lookup(String peer, String name, long deadlineNs) {
        CompletableFuture<Long> found = waitedOn(new CompletableFuture<>());
        loop.submit(() -> lookups.put(loop.node().lookup(peer, name, deadlineNs, System.nanoTime()), found));
        return await(found, name);
    }

    /** @return a new reader end of the remote channel (it counts for retire at the home) */
    public <T> ChannelInput<T> reader(String peer, String name, long channelId, ValueCodec<T> codec) {
        return new RemoteEnd.Reader<>(this, open(peer, channelId, Frame.Side.READ), peer, name, codec);
    }

    /** @return a new writer end of the remote channel (it counts for retire at the home) */
    public <T> ChannelOutput<T> writer(String peer, String name, long channelId, ValueCodec<T> codec) {
        return new RemoteEnd.Writer<>(this, open(peer, channelId, Frame.Side.WRITE), peer, name, codec);
    }

    /** @return the id of a new end on {@code side} of the channel, opened by the node */
    long open(String peer, long channelId, Frame.Side side) {
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
        guards.askHold(opId);
    }

    @Override
    public void completed(long opId, Outcome outcome, byte[] value) {
        if (guards.completed(opId, outcome, value)) {
            return;
        }
        ops.computeIfAbsent(opId, id -> new CompletableFuture<>()).complete(new Ended(outcome, value));
    }

    @Override
    public void holdReleased(long opId) {
        guards.holdReleased(opId);
    }

    @Override
    public void lookedUp(long lookupId, Outcome outcome, long channelId) {
        long result = outcome == Outcome.DONE ? channelId : outcome == Outcome.NOT_DONE ? -1 : -2;
        lookups.remove(lookupId).complete(result);
    }

    /**
     * On the node's thread, just after the node made offer {@code opId}: how it ended if it
     * ended inside the node's call (a poisoned side, say), else null. Forgets the operation
     * either way.
     */
    Ended endedInsideOffer(long opId) {
        CompletableFuture<Ended> early = ops.remove(opId);
        return early != null && early.isDone() ? early.join() : null;
    }

    // ---- operations

    /** What an operation's waiter receives when its end was lost before anything was offered. */
    static final Ended LOST = new Ended(Outcome.NOT_DONE, null);

    /** What it receives when another thread retired its end before the offer's task ran. */
    static final Ended RETIRED_MEANWHILE = new Ended(Outcome.RETIRED, null);

    /**
     * One try of an operation: offers through end {@code endId} of {@code end} and waits for
     * the outcome. The offer's task first asks the node whether that end is lost (or was
     * replaced by a re-open meanwhile), and then offers nothing; {@link RemoteEnd#operate}
     * re-opens the end and tries again. The caller waits once per try, on a future that the
     * offer's task registers under the operation's id, so that the node's thread wakes it only
     * when the outcome is known. An interrupt, even one set before the call, withdraws the offer
     * (a task that runs after the offer's) and waits for the withdrawal's outcome; the interrupt
     * status is set again before returning.
     *
     * @param endId the end to offer through, as {@code end} had it when the try began
     * @return the outcome, once known; {@link #LOST} if nothing was offered because the end was
     *     lost or replaced; {@link #RETIRED_MEANWHILE} if {@code end} retired before the offer's
     *     task ran
     */
    Ended offer(RemoteEnd end, long endId, byte[] value, long deadlineNs) {
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
        return awaitOutcome(endId, opId, done);
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
    Outcome endAction(LongSupplier start) {
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
}
