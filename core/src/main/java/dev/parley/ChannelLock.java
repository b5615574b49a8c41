package dev.parley;

import dev.parley.internal.Spinning;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock of a {@link LocalChannel}: a non-fair {@link ReentrantLock} whose {@link #lock()} lets
 * a virtual thread that finds it held spin briefly before it queues, where a spin can win
 * ({@link Spinning}).
 *
 * <h2>Implementation note</h2>
 * A channel's lock is held for a few hundred nanoseconds at most: to poll, enroll or withdraw
 * an offer, or to commit a partner. With two or more carriers the two parties of a ping-pong
 * often reach it together: one still enrolls its next offer while the other, just completed,
 * comes to answer. Queuing then parks the newcomer, and the holder's unlock must unpark it: a
 * virtual-thread park and unpark (several microseconds) for a wait of a fraction of one. So a
 * virtual thread first retries for up to {@link #SPINS} {@link Thread#onSpinWait()} calls (about
 * 1 us), reading the lock's state before each attempt so as not to bounce its cache line, and
 * queues only then. Where the holder runs on another carrier the spin ends within the holder's
 * few hundred nanoseconds; where it does not (it parked to take a second channel's lock in an
 * alternation's lock order, or the OS took its carrier's core), the spin runs out after about
 * 1 us and the thread queues as it would have at once. Platform threads, one carrier and one
 * processor queue at once, as a plain {@link ReentrantLock} does.
 */
final class ChannelLock extends ReentrantLock {

    /** At most this many {@link Thread#onSpinWait()} calls before queuing: about 1 us here. */
    static final int SPINS = 32;

    @Override
    public void lock() {
        if (tryLock()) {
            return;
        }
        if (Spinning.maySpin()) {
            for (int i = 0; i < SPINS; i++) {
                Thread.onSpinWait();
                if (!isLocked() && tryLock()) {
                    return;
                }
            }
        }
        super.lock();
    }
}
