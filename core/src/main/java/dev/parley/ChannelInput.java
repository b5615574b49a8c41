package dev.parley;

import java.time.Duration;
import java.util.Optional;

/**
 * The reading end of a channel. Several readers may share a channel (each with its own end); each
 * message goes to exactly one of them. Any thread may read; a read blocks the calling thread (a
 * virtual thread parks without pinning its carrier). Only waiting is interruptible: a read that
 * can complete at once completes even when the thread's interrupt status is set, and leaves it
 * set.
 *
 * @param <T> the type of message
 */
public non-sealed interface ChannelInput<T> extends ChannelEnd {

    /**
     * Takes the next message, waiting for a writer as long as it takes.
     *
     * @return the message, never {@code null}
     * @throws PoisonException if the channel is or becomes poisoned
     * @throws RetiredException if the channel is or becomes retired, or this end has retired
     * @throws ChannelInterruptedException if the thread is interrupted while waiting; nothing was read
     */
    T read();

    /**
     * Takes the next message if one comes within {@code timeout}.
     *
     * @param timeout how long to wait at most; zero or negative means do not wait. The call may
     *     return a little after it, only while a partner elsewhere (a networked end) is finishing
     *     a commit that began in time; the result then says what happened
     * @return the message, or empty when the time ran out (then nothing was taken)
     * @throws PoisonException if the channel is or becomes poisoned
     * @throws RetiredException if the channel is or becomes retired, or this end has retired
     * @throws ChannelInterruptedException if the thread is interrupted while waiting; nothing was read
     */
    Optional<T> read(Duration timeout);
}
