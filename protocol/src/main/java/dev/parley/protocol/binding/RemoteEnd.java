package dev.parley.protocol.binding;

import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.protocol.Frame;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.binding.RemoteEndpoints.Ended;
import dev.parley.spi.GuardableEnd;
import dev.parley.spi.Port;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One of this node's ends of a channel hosted elsewhere, as its user holds it: a
 * {@link Reader} or a {@link Writer}, made by {@link RemoteEndpoints#reader} and
 * {@link RemoteEndpoints#writer}. Any thread except the node's may call its operations;
 * they wait for the node through the {@link RemoteEndpoints} that made the end, and its guard
 * port is {@link RemoteGuards}'s.
 *
 * <h2>Implementation note</h2>
 * {@code poison()} and {@code retire()} wait for the home's APPLIED, so that an operation
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
 * as {@link RemoteEndpoints#connect} does. An end retired by its user stays retired: a re-open
 * that races with the retire retires the new end too. An alternation's guard on a lost end
 * re-opens it too (see {@link RemoteGuards}). Poison and retire do not re-open.
 *
 * <p>A writer end writes ahead when its home grants it slots of a buffered channel (the
 * protocol's credits): a write under a slot returns without waiting, and only a write that
 * finds none offers; {@link WriteAheads} keeps the slots and the writes on their way.
 */
abstract class RemoteEnd implements GuardableEnd {

    /** The end at the home; replaced when the end is re-opened after the home restarted. */
    volatile long endId;
    final String peer;
    final String name;
    final Frame.Side side;
    volatile boolean retired;
    /** What made this end; its operations wait for the node through it. */
    final RemoteEndpoints endpoints;
    final NodeLoop loop;
    private final Port port;
    private final ReentrantLock reopening = new ReentrantLock();

    RemoteEnd(RemoteEndpoints endpoints, long endId, String peer, String name, Frame.Side side) {
        this.endpoints = endpoints;
        this.loop = endpoints.loop();
        this.endId = endId;
        this.peer = peer;
        this.name = name;
        this.side = side;
        this.port = endpoints.guards().port(this);
    }

    /**
     * Offers through this end and waits for the outcome, re-opening the end first if its home
     * restarted since it was opened (see the class comment); each try is one
     * {@link RemoteEndpoints#offer}.
     *
     * @param value what a write offers; null for a read
     * @return the outcome, once known; NOT_DONE also when the deadline passed during a re-open
     */
    final Ended operate(byte[] value, long deadlineNs) {
        while (true) {
            long triedId = endId;
            Ended ended = endpoints.offer(this, triedId, value, deadlineNs);
            if (ended == RemoteEndpoints.RETIRED_MEANWHILE) {
                checkNotRetired(); // throws
            }
            if (ended != RemoteEndpoints.LOST) {
                return ended;
            }
            if (!reopen(triedId, deadlineNs)) {
                return new Ended(Outcome.NOT_DONE, null);
            }
            checkNotRetired(); // retired while it was re-opened
        }
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
    final boolean reopen(long lostId, long deadlineNs) {
        boolean timed = deadlineNs != ProtocolNode.NO_DEADLINE;
        Duration reopenTimeout = endpoints.reopenTimeout();
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
            long channelId = endpoints.lookup(peer, name, lookupDeadline);
            if (channelId < 0 && timed) {
                return false;
            }
            long newId = endpoints.open(peer, RemoteEndpoints.found(channelId, peer, name, reopenTimeout,
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
            endpoints.endAction(() -> loop.node().retire(id, System.nanoTime()));
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
            outcome = endpoints.endAction(() -> loop.node().poison(endId, System.nanoTime()));
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
            outcome = endpoints.endAction(() -> loop.node().retire(endId, System.nanoTime()));
        } catch (NodeStopped stoppedMeanwhile) {
            return; // as after a close: the end is retired here, and this node is gone
        } finally {
            // its writes ahead were handed over before the RETIRE, which followed them
            endpoints.writeAheads().retired(endId);
        }
        switch (outcome) {
            case DONE -> { }
            case OUTCOME_UNKNOWN -> throw new OutcomeUnknownException("channel '" + name
                    + "': the retire was not confirmed: the home fell silent for the peer timeout (the retire"
                    + " is still resent, and is applied if the home is heard again)");
            default -> throw new IllegalStateException("retire of end " + endId + " ended " + outcome);
        }
    }

    /** @return true for DONE, false for NOT_DONE; throws for every other outcome */
    static boolean check(Ended ended, String channel, boolean interrupted) {
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
    static RuntimeException failureOf(Outcome outcome, String channel) {
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
    static long deadline(Duration timeout) {
        Duration capped = timeout.compareTo(FOREVER) >= 0 ? FOREVER : timeout;
        return capped == FOREVER ? ProtocolNode.NO_DEADLINE : System.nanoTime() + Math.max(0, capped.toNanos());
    }

    /** Timeouts this long or longer never expire: nanoTime arithmetic stays within half the range. */
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE / 2);

    /** A reader end. */
    static final class Reader<T> extends RemoteEnd implements ChannelInput<T> {
        private final ValueCodec<T> codec;

        Reader(RemoteEndpoints endpoints, long endId, String peer, String name, ValueCodec<T> codec) {
            super(endpoints, endId, peer, name, Frame.Side.READ);
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
            Ended e = operate(null, readDeadline(ProtocolNode.NO_DEADLINE));
            check(e, name, Thread.currentThread().isInterrupted());
            return codec.decode(e.value());
        }

        @Override
        public Optional<T> read(Duration timeout) {
            checkNotRetired();
            Ended e = operate(null, readDeadline(deadline(timeout)));
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

    /** A writer end; it writes ahead where its home grants slots (see the class comment). */
    static final class Writer<T> extends RemoteEnd implements ChannelOutput<T> {
        private final ValueCodec<T> codec;

        Writer(RemoteEndpoints endpoints, long endId, String peer, String name, ValueCodec<T> codec) {
            super(endpoints, endId, peer, name, Frame.Side.WRITE);
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
            if (!endpoints.writeAheads().write(endId, value, ProtocolNode.NO_DEADLINE)) {
                check(operate(value, ProtocolNode.NO_DEADLINE), name, Thread.currentThread().isInterrupted());
            }
        }

        @Override
        public boolean write(T message, Duration timeout) {
            Objects.requireNonNull(message, "message");
            checkNotRetired();
            byte[] value = codec.encode(message);
            long deadlineNs = deadline(timeout);
            return endpoints.writeAheads().write(endId, value, deadlineNs)
                    || check(operate(value, deadlineNs), name, Thread.currentThread().isInterrupted());
        }
    }
}
