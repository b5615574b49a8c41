package dev.parley.protocol.binding;

import dev.parley.protocol.HomeChannels;
import dev.parley.protocol.Network;
import dev.parley.protocol.ProtocolConfig;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.RemoteEnds;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs one {@link ProtocolNode} on a thread of its own with {@link System#nanoTime()} as its
 * clock: every event for the node, from any thread, is {@link #submit submitted} and runs on
 * that thread, the node's timers are ticked when due, and, once {@link #pollInbound} gave it
 * one, the network's {@link Inbound} is polled there too, so that frames reach the node
 * without a hand-off to another thread. Any thread may submit and close.
 *
 * <h2>Implementation note</h2>
 * One round of the thread: run the submitted tasks, poll the inbound frames, tick the node
 * if a timer is due, and, if none of it found work, idle. Idling never spins: without an
 * inbound the thread parks until the next timer; with one it yields {@value #YIELDS} times,
 * then parks from {@value #MIN_PARK_NS} ns, doubling up to the inbound's maximum park, and
 * never past the next timer, because frames arrive without a wake-up. Ten yields are the
 * driver's own backoff: on 2 cores a longer yield window (50 us) made dense round trips
 * slower, and so did none (docs/NETWORK.md, round trips). A submit wakes a parked thread at
 * once (unpark), so that a caller's event never waits for the park to end.
 * Invariant <b>no-lost-wakeup</b>: the thread sets {@code parked} before it looks at the
 * inbox a last time and parks, and {@link #submit} adds to the inbox before it reads
 * {@code parked}: both are volatile, so either the thread sees the task or the submitter
 * sees the flag and unparks it (a permit given early makes the park return at once).
 * After a tick the next tick waits at least {@value #MIN_TICK_GAP_US} us, so that a timer
 * reported due again at once cannot make the thread spin; tasks and frames are not delayed
 * by it.
 * <p>
 * When the thread stops (closed, or a task or the inbound failed), the tasks still queued
 * are dropped and every {@link #whenStopped} hook runs once, on that thread, so that the
 * binding can wake the callers that wait for the node.
 */
public final class NodeLoop implements AutoCloseable {

    /**
     * Frames from the network, polled on the loop's thread. Polling hands each frame to
     * {@link ProtocolNode#receive}; an exception thrown out of it stops the loop as a failing
     * task does.
     */
    @FunctionalInterface
    public interface Inbound {
        /**
         * Hands the frames that arrived since the last call to {@code node}, on the loop's thread.
         *
         * @return how many were handed over (0: none), which decides whether the loop idles
         */
        int poll(ProtocolNode node);
    }

    private static final long MIN_TICK_GAP_US = 200;
    private static final int YIELDS = 10;
    private static final long MIN_PARK_NS = 1_000;

    private final ProtocolNode node;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Inbound inbound;
    private volatile long maxParkNs;
    private volatile RuntimeException failure;
    private final List<Consumer<RuntimeException>> stopHooks = new CopyOnWriteArrayList<>();
    private volatile boolean hooksRun;

    /**
     * Makes the node and starts its thread.
     *
     * @param incarnation the node's incarnation id (from {@link dev.parley.protocol.Incarnations},
     *     greater at each start; see {@link ProtocolNode})
     */
    public NodeLoop(long incarnation, ProtocolConfig config, byte[] secret, Network network,
            HomeChannels home, RemoteEnds remote) {
        this.node = new ProtocolNode(incarnation, config, secret, network, home, remote);
        node.deferAcks(); // flushed at the end of each round, after the tasks the frames caused
        this.thread = Thread.ofPlatform().daemon().name("parley-protocol-" + Long.toHexString(incarnation))
                .unstarted(this::loop);
        thread.start();
    }

    /** @return the node; call it only from tasks given to {@link #submit} or from the {@link Inbound} */
    public ProtocolNode node() {
        return node;
    }

    /**
     * From now on, polls {@code source} on the node's thread every round, parking at most
     * {@code maxParkNs} between rounds that found nothing. Call once, when the binding is
     * ready for frames.
     *
     * @throws IllegalArgumentException if {@code maxParkNs} is below {@value #MIN_PARK_NS} ns
     * @throws IllegalStateException if an inbound was given already
     */
    public void pollInbound(Inbound source, long maxParkNs) {
        Objects.requireNonNull(source, "source");
        if (maxParkNs < MIN_PARK_NS) {
            throw new IllegalArgumentException("maxParkNs=" + maxParkNs + " is below " + MIN_PARK_NS);
        }
        if (inbound != null) {
            throw new IllegalStateException("the loop polls an inbound already");
        }
        this.maxParkNs = maxParkNs;
        this.inbound = source;
        LockSupport.unpark(thread);
    }

    /** Runs {@code task} on the node's thread, waking it if it is parked. Never blocks. */
    public void submit(Runnable task) {
        inbox.add(task);
        if (parked) { // invariant no-lost-wakeup
            LockSupport.unpark(thread);
        }
    }

    /** @return true once the node's thread stops or is about to: submitted tasks then never run */
    public boolean stopped() {
        return !running;
    }

    /**
     * Runs {@code hook} once when the node's thread stops, on that thread, after its last task;
     * at once if it has stopped already. The hook gets the failure that stopped the thread, or
     * null after a {@link #close}. A caller that registers work for the node and then sees
     * {@link #stopped} must resolve that work itself: the hooks may have run before it registered.
     */
    public void whenStopped(Consumer<RuntimeException> hook) {
        stopHooks.add(hook);
        if (hooksRun && stopHooks.remove(hook)) {
            hook.accept(failure);
        }
    }

    private void loop() {
        try {
            rounds();
        } catch (RuntimeException e) {
            failure = e; // a binding, codec or transport bug: the node stops, close() reports it
        } finally {
            running = false;
            inbox.clear();
            hooksRun = true;
            for (Consumer<RuntimeException> hook : stopHooks) {
                if (stopHooks.remove(hook)) {
                    try {
                        hook.accept(failure);
                    } catch (RuntimeException e) {
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
            }
        }
    }

    private void rounds() {
        long minTickGapNs = TimeUnit.MICROSECONDS.toNanos(MIN_TICK_GAP_US);
        long lastTickNs = System.nanoTime() - minTickGapNs;
        int idleRounds = 0;
        while (running) {
            // run what arrived: tasks, then frames, then the tasks they caused (the binding's
            // reports, whose answers carry the acks), then the acks no answer carried
            int work = runTasks();
            Inbound source = inbound;
            if (source != null) {
                work += source.poll(node);
                work += runTasks();
            }
            long now = System.nanoTime();
            node.flushAcks(now);

            // tick when a timer is due, at most once per gap
            long untilTickNs = until(Math.max(node.nextTimerNs(now), lastTickNs + minTickGapNs), now);
            if (untilTickNs <= 0) {
                node.tick(now);
                lastTickNs = now;
                untilTickNs = until(Math.max(node.nextTimerNs(now), now + minTickGapNs), now);
            }

            // idle when nothing was found
            if (work > 0) {
                idleRounds = 0;
            } else {
                idleRounds++;
                idle(source, idleRounds, untilTickNs);
            }
        }
    }

    /** @return nanoseconds from {@code nowNs} to {@code atNs}; {@link Long#MAX_VALUE} (no timer) stays so */
    private static long until(long atNs, long nowNs) {
        return atNs == Long.MAX_VALUE ? Long.MAX_VALUE : atNs - nowNs;
    }

    /** @return how many tasks ran */
    private int runTasks() {
        int ran = 0;
        Runnable task;
        while (running && (task = inbox.poll()) != null) {
            task.run();
            ran++;
        }
        return ran;
    }

    /** Waits for a submit, a timer or (with an inbound) the backoff's park; see the class comment. */
    private void idle(Inbound source, int idleRounds, long untilTickNs) {
        long parkNs = untilTickNs;
        if (source != null) {
            if (idleRounds <= YIELDS) {
                Thread.yield();
                return;
            }
            int doublings = Math.min(idleRounds - YIELDS - 1, 30);
            parkNs = Math.min(parkNs, Math.min(maxParkNs, MIN_PARK_NS << doublings));
        }
        parked = true;
        if (running && inbox.isEmpty()) {
            LockSupport.parkNanos(this, parkNs);
        }
        parked = false;
    }

    /** @return the exception that stopped the node's thread, or null while it runs or after a clean close */
    public RuntimeException failure() {
        return failure;
    }

    /**
     * Stops the thread and waits for it; the node is not used again.
     *
     * @throws IllegalStateException if a task had failed and stopped the node (its cause attached)
     */
    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join();
        RuntimeException f = failure;
        if (f != null) {
            failure = null;
            throw new IllegalStateException("the protocol node's thread had stopped on a failure", f);
        }
    }
}
