package dev.parley.protocol.binding;

import dev.parley.protocol.Frame;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.RemoteEnds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writes ahead of a node's remote writer ends: the slots each end's home reserved for it,
 * and its writes made under them that the node has not sent yet. {@link #write} is called by
 * any writer thread; {@link #credited}, {@link #storedAhead} and {@link #creditTakenBack} are
 * the {@link RemoteEnds} callbacks of the node's thread, to which {@link RemoteEndpoints}
 * passes them on.
 *
 * <h2>Implementation note</h2>
 * The node tells an end's slots to {@link #credited}, which adds them to the end's count; a
 * write takes one from the count with a compare-and-set on its own thread, puts the value in
 * the end's queue and, unless a flush is scheduled already, schedules one on the node's thread;
 * it returns without waiting. A flush hands everything queued to the node in as few STOREs as
 * fit ({@link ProtocolNode#store}), in order. When the node takes the slots back
 * ({@link #creditTakenBack}) it zeroes the count and learns how many were unused; every write
 * that took one before is queued, or about to be (a write never waits between its
 * compare-and-set and its queueing), with a flush scheduled after it, and the node sends what
 * waits for those writes only after their STOREs. A write that finds no slot while the end has
 * writes ahead that the home has not answered yet (every STORE is answered with a CREDIT, of
 * more slots or none, while the slots are not taken back) waits for that answer instead of
 * offering at once: the home tops the slots up as the writes arrive, so a writer that outpaces
 * one round trip needs no offer, which would wait a round trip and, with the buffer's free slots
 * reserved, ask for every end's slots back.
 */
final class WriteAheads {

    /** A flush's first guess at a batch's length: a burst of small writes fills a few hundred. */
    private static final int BATCH_CAPACITY = 256;

    private final NodeLoop loop;
    /** The slots and queued writes ahead of each write-ahead end, by end id. */
    private final Map<Long, Ahead> ahead = new ConcurrentHashMap<>();

    WriteAheads(NodeLoop loop) {
        this.loop = loop;
        loop.whenStopped(failure -> ahead.values().forEach(Ahead::signal)); // writers waiting for an answer
    }

    /**
     * One end's unused slots, its writes ahead not yet handed to the node, and what it knows of
     * the home's answers.
     */
    private static final class Ahead {
        final AtomicInteger slots = new AtomicInteger();
        final ConcurrentLinkedQueue<byte[]> queued = new ConcurrentLinkedQueue<>();
        final AtomicBoolean flushScheduled = new AtomicBoolean();
        volatile long handed; // writes handed to the node; written on the node's thread
        volatile long storedAtHome; // as the home's last CREDIT said
        volatile boolean takenBack; // since the last grant: no answer to earlier writes is coming
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();

        /** @return true if the home will still answer writes of this end (a CREDIT, or a REVOKE) */
        boolean answerComing() {
            return !takenBack && (handed > storedAtHome || flushScheduled.get() || !queued.isEmpty());
        }

        void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        boolean takeSlot() {
            int n;
            do {
                n = slots.get();
                if (n == 0) {
                    return false;
                }
            } while (!slots.compareAndSet(n, n - 1));
            return true;
        }
    }

    /** See {@link RemoteEnds#credited}. */
    void credited(long endId, int granted) {
        Ahead a = ahead.computeIfAbsent(endId, id -> new Ahead());
        a.takenBack = false;
        a.slots.addAndGet(granted);
        a.signal();
    }

    /** See {@link RemoteEnds#storedAhead}. */
    void storedAhead(long endId, long stored) {
        Ahead a = ahead.get(endId);
        if (a != null) {
            a.storedAtHome = stored;
            a.signal();
        }
    }

    /** See {@link RemoteEnds#creditTakenBack}. */
    int creditTakenBack(long endId) {
        Ahead a = ahead.get(endId);
        if (a == null) {
            return 0;
        }
        a.takenBack = true;
        int unused = a.slots.getAndSet(0);
        a.signal();
        return unused;
    }

    /** Forgets a retired end, whose writes ahead were all handed to the node before its RETIRE. */
    void retired(long endId) {
        ahead.remove(endId);
    }

    /**
     * Writes {@code value} ahead under one of the end's slots, if it holds one or the home's
     * answer to its earlier writes brings one by {@code deadlineNs}; see the class comment.
     * An interrupt ends the wait (the status is kept).
     *
     * @return true if written so; false if the end holds no slot (the caller offers instead)
     */
    boolean write(long endId, byte[] value, long deadlineNs) {
        Ahead a = ahead.get(endId);
        if (a == null) {
            return false;
        }
        while (!a.takeSlot()) {
            if (loop.stopped() || !a.answerComing() || !awaitAnswer(a, deadlineNs)) {
                return false;
            }
        }
        a.queued.add(value); // nothing between the slot and this: see the class comment
        if (a.flushScheduled.compareAndSet(false, true)) {
            loop.submit(() -> flush(endId, a));
        }
        return true;
    }

    /** @return false if the deadline passed or the thread was interrupted while it waited */
    private boolean awaitAnswer(Ahead a, long deadlineNs) {
        a.lock.lock();
        try {
            while (a.slots.get() == 0 && a.answerComing() && !loop.stopped()) {
                if (deadlineNs == ProtocolNode.NO_DEADLINE) {
                    a.changed.await();
                } else if (a.changed.awaitNanos(deadlineNs - System.nanoTime()) <= 0) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            a.lock.unlock();
        }
    }

    /** On the node's thread: hands every queued write ahead of the end to the node, in order. */
    private void flush(long endId, Ahead a) {
        a.flushScheduled.set(false); // a write queued from now on schedules the next flush
        int limit = loop.node().maxValueBytes(); // see ProtocolNode.fitsOneStore
        List<byte[]> batch = new ArrayList<>(BATCH_CAPACITY);
        long bytes = 0;
        byte[] value;
        while ((value = a.queued.poll()) != null) {
            if (!batch.isEmpty() && (bytes + 4 + value.length > limit || batch.size() == Frame.MAX_STORE_VALUES)) {
                hand(endId, a, batch);
                batch = new ArrayList<>(BATCH_CAPACITY);
                bytes = 0;
            }
            batch.add(value);
            bytes += 4 + value.length;
        }
        if (!batch.isEmpty()) {
            hand(endId, a, batch);
        }
    }

    private void hand(long endId, Ahead a, List<byte[]> batch) {
        loop.node().store(endId, batch, System.nanoTime());
        a.handed += batch.size(); // only this thread writes it
    }
}
