package dev.parley;

import java.time.Duration;

/**
 * The writing end of a channel. Several writers may share a channel (each with its own end). Any
 * thread may write; a write blocks the calling thread until the message is taken (rendezvous) or
 * stored (buffered). Only waiting is interruptible: a write that can complete at once completes
 * even when the thread's interrupt status is set, and leaves it set.
 *
 * @param <T> the type of message
 */
public non-sealed interface ChannelOutput<T> extends ChannelEnd {

    /**
     * Hands {@code message} over: on a rendezvous channel returns once exactly one reader has taken
     * it; on a buffered channel once it is stored.
     *
     * @param message the message, not {@code null}
     * @throws NullPointerException if {@code message} is null
     * @throws PoisonException if the channel is or becomes poisoned before the message is taken
     * @throws RetiredException if the channel is or becomes retired, or this end has retired
     * @throws ChannelInterruptedException if the thread is interrupted while waiting; the message was
     *     not delivered
     */
    void write(T message);

    /**
     * Hands {@code message} over if a reader (or buffer space) is there within {@code timeout}.
     *
     * @param message the message, not {@code null}
     * @param timeout how long to wait at most; zero or negative means do not wait. The call may
     *     return a little after it, only while a partner elsewhere (a networked end) is finishing
     *     a commit that began in time; the result then says what happened
     * @return {@code true} when delivered, {@code false} when the time ran out: then the message
     *     was not delivered to anyone
     * @throws NullPointerException if {@code message} is null
     * @throws PoisonException if the channel is or becomes poisoned before the message is taken
     * @throws RetiredException if the channel is or becomes retired, or this end has retired
     * @throws ChannelInterruptedException if the thread is interrupted while waiting; the message was
     *     not delivered
     */
    boolean write(T message, Duration timeout);
}
