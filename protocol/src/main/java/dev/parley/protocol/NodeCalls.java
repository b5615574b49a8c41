package dev.parley.protocol;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * How calls enter one node's state machine: one at a time, calls made from inside a callback
 * queued behind the one that runs, and each outermost call first excusing the node's own
 * stall. {@link ProtocolNode} runs every call through {@link #run} or {@link #call}. Not
 * thread-safe: only its node's thread calls it.
 *
 * <h2>Implementation note</h2>
 * Invariant <b>no-reentry</b>: at most one call runs the state machine at a time; calls made
 * from callbacks wait in {@code deferred} and run, in order, before the outermost call
 * returns. The node's methods that start something (those that return an id, which a
 * deferred call could not return yet, and {@code store}) refuse to run inside a callback
 * ({@link #checkNotInCallback}).
 *
 * <p>Invariant <b>own-stall-is-not-silence</b>: time during which this node itself did not run
 * (its process was stopped, a long pause, a suspended machine) does not count as its peers'
 * silence. A node is called by its timers' due time ({@link ProtocolNode#nextTimerNs}); when a
 * call comes later than that by more than a quarter of the peer timeout, the lateness is
 * excused: every session's last-heard time moves forward by it, before frames that waited in
 * the meantime are taken. Without this a node resumed after a stop longer than the peer
 * timeout would find every peer "silent" at once, end its holds UNKNOWN and its operations
 * UNREACHABLE, though the peers had kept sending. Deadlines are not moved: they are the
 * callers' own. Under simulation nodes are called on time, so nothing is ever excused.
 */
final class NodeCalls {

    private final ProtocolConfig config;
    private final Counters counters;
    private final Sessions sessions;
    /** The node's {@link ProtocolNode#nextTimerNs}. */
    private final LongUnaryOperator nextTimerNs;
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    /** The clock of the last call into the node; {@link Long#MIN_VALUE} before the first. */
    private long lastCallNs = Long.MIN_VALUE;
    private boolean running;

    NodeCalls(ProtocolConfig config, Counters counters, Sessions sessions, LongUnaryOperator nextTimerNs) {
        this.config = config;
        this.counters = counters;
        this.sessions = sessions;
        this.nextTimerNs = nextTimerNs;
    }

    /** Runs {@code step} now, or after the running call if called from one (invariant no-reentry). */
    void run(long nowNs, Runnable step) {
        if (running) {
            deferred.add(step); // invariant no-reentry
            return;
        }
        running = true;
        try {
            excuseStall(nowNs);
            step.run();
            Runnable next;
            while ((next = deferred.poll()) != null) {
                next.run();
            }
        } finally {
            running = false;
        }
    }

    /** Runs {@code step} and returns its result; for calls from outside callbacks only. */
    long call(long nowNs, LongSupplier step) {
        long[] result = new long[1];
        run(nowNs, () -> result[0] = step.getAsLong());
        return result[0];
    }

    /** @throws IllegalStateException if called from inside a callback of this node */
    void checkNotInCallback(String method) {
        if (running) {
            throw new IllegalStateException(method + " was called from inside a callback of this node; "
                    + "call it after the callback returns");
        }
    }

    /** Excuses the node's lateness since its last call (invariant own-stall-is-not-silence). */
    private void excuseStall(long nowNs) {
        long last = lastCallNs;
        if (last != Long.MIN_VALUE && nowNs - last <= 0) {
            return; // the clock did not move on (or a caller passed an older reading)
        }
        lastCallNs = nowNs;
        long stallNs = config.peerTimeoutNs() / 4;
        if (last == Long.MIN_VALUE || nowNs - last <= stallNs) {
            return; // the first call, or one this soon after the last cannot be late by more
        }
        long dueNs = nextTimerNs.applyAsLong(last); // nothing has changed since that call
        if (dueNs == Long.MAX_VALUE) {
            return; // nothing was due: no call was expected, so none is late
        }
        long lateNs = nowNs - Math.max(dueNs, last);
        if (lateNs > stallNs) {
            counters.add(Counters.Event.STALLS_EXCUSED);
            sessions.excuse(lateNs, nowNs);
        }
    }
}
