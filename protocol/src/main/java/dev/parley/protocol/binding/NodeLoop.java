package dev.parley.protocol.binding;

import dev.parley.protocol.HomeChannels;
import dev.parley.protocol.Network;
import dev.parley.protocol.ProtocolConfig;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.RemoteEnds;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one {@link ProtocolNode} on a thread of its own with {@link System#nanoTime()} as its
 * clock: every event for the node, from any thread, is {@link #submit submitted} and runs on
 * that thread, and the node's timers are ticked when due. Any thread may submit and close.
 *
 * <h2>Implementation note</h2>
 * The thread waits on its inbox until the node's next timer, and at least
 * {@value #MIN_WAIT_US} us after a tick, so that it never spins. When the thread stops (closed,
 * or a task failed), the tasks still queued are dropped and every {@link #whenStopped} hook runs
 * once, on that thread, so that the binding can wake the callers that wait for the node.
 */
public final class NodeLoop implements AutoCloseable {

    private static final long MIN_WAIT_US = 200;

    private final ProtocolNode node;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
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
        this.thread = Thread.ofPlatform().daemon().name("parley-protocol-" + Long.toHexString(incarnation))
                .unstarted(this::loop);
        thread.start();
    }

    /** @return the node; call it only from tasks given to {@link #submit} */
    public ProtocolNode node() {
        return node;
    }

    /** Runs {@code task} on the node's thread. Never blocks. */
    public void submit(Runnable task) {
        inbox.add(task);
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
            runTasks();
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

    private void runTasks() {
        long minWaitNs = TimeUnit.MICROSECONDS.toNanos(MIN_WAIT_US);
        while (running) {
            long now = System.nanoTime();
            long next = node.nextTimerNs(now);
            long waitNs;
            if (next - now <= 0) {
                node.tick(now);
                waitNs = minWaitNs;
            } else {
                waitNs = Math.max(minWaitNs, next - now);
            }
            try {
                Runnable task = inbox.poll(waitNs, TimeUnit.NANOSECONDS);
                while (task != null) {
                    task.run();
                    task = inbox.poll();
                }
            } catch (InterruptedException e) {
                return; // closed
            } catch (RuntimeException e) {
                failure = e; // a binding or codec bug: the node stops, close() reports it
                running = false;
                return;
            }
        }
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
        thread.interrupt();
        thread.join();
        RuntimeException f = failure;
        if (f != null) {
            failure = null;
            throw new IllegalStateException("the protocol node's thread had stopped on a failure", f);
        }
    }
}
