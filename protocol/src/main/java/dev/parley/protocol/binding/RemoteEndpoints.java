package dev.parley.protocol.binding;

import dev.parley.ChannelInput;
import dev.parley.ChannelInterruptedException;
import dev.parley.ChannelOutput;
import dev.parley.PoisonException;
import dev.parley.RetiredException;
import dev.parley.protocol.Frame;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.RemoteEnds;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * This node's ends of channels hosted elsewhere, bound to the core's end interfaces: plain
 * and timed reads and writes, poison and retire. Any thread except the node's may call
 * {@link #connect}, {@link #reader}, {@link #writer} and the ends' operations; the
 * {@link RemoteEnds} methods are the node's thread's. Known gap: remote ends cannot yet be
 * alternation guards (that needs a {@link dev.parley.spi.Port} over conditional offers).
 */
public final class RemoteEndpoints implements RemoteEnds {

    /** How an operation ended, as its waiting caller receives it. */
    private record Ended(Outcome outcome, byte[] value) {
    }

    private final Map<Long, CompletableFuture<Ended>> ops = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Long>> lookups = new ConcurrentHashMap<>();
    private volatile NodeLoop loop;

    /** Binds to the loop that runs the node; call once, before any operation. */
    public void attach(NodeLoop nodeLoop) {
        this.loop = nodeLoop;
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
        CompletableFuture<Long> found = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        loop.submit(() -> lookups.put(loop.node().lookup(peer, name, deadline, System.nanoTime()), found));
        long id = await(found, name);
        if (id == -1) {
            throw new IllegalStateException("peer=" + peer + " hosts no channel name=" + name + " after timeout="
                    + timeout);
        }
        if (id == -2) {
            throw new PeerUnreachableException("peer=" + peer + " did not answer within timeout=" + timeout
                    + " looking up name=" + name);
        }
        return id;
    }

    /** @return a new reader end of the remote channel (it counts for retire at the home) */
    public <T> ChannelInput<T> reader(String peer, String name, long channelId, ValueCodec<T> codec) {
        return new Reader<>(open(peer, channelId, Frame.Side.READ), name, codec);
    }

    /** @return a new writer end of the remote channel (it counts for retire at the home) */
    public <T> ChannelOutput<T> writer(String peer, String name, long channelId, ValueCodec<T> codec) {
        return new Writer<>(open(peer, channelId, Frame.Side.WRITE), name, codec);
    }

    private long open(String peer, long channelId, Frame.Side side) {
        CompletableFuture<Long> end = new CompletableFuture<>();
        loop.submit(() -> end.complete(loop.node().openEnd(peer, channelId, side, System.nanoTime())));
        return await(end, "openEnd");
    }

    // ---- RemoteEnds, on the node's thread

    @Override
    public void askHold(long opId, byte[] value) {
        throw new IllegalStateException("askHold for opId=" + opId + ": this binding makes no conditional offers");
    }

    @Override
    public void completed(long opId, Outcome outcome, byte[] value) {
        ops.computeIfAbsent(opId, id -> new CompletableFuture<>()).complete(new Ended(outcome, value));
    }

    @Override
    public void lookedUp(long lookupId, Outcome outcome, long channelId) {
        long result = outcome == Outcome.DONE ? channelId : outcome == Outcome.NOT_DONE ? -1 : -2;
        lookups.remove(lookupId).complete(result);
    }

    // ---- operations

    /**
     * Offers and waits for the outcome. An interrupt withdraws the offer and waits for the
     * withdrawal's outcome; the interrupt status is set again before returning.
     *
     * @return the outcome, once known
     */
    private Ended operate(long endId, byte[] value, long deadlineNs) {
        CompletableFuture<Long> started = new CompletableFuture<>();
        loop.submit(() -> started.complete(loop.node().offer(endId, value, false, deadlineNs, System.nanoTime())));
        long opId = await(started, "offer");
        CompletableFuture<Ended> done = ops.computeIfAbsent(opId, id -> new CompletableFuture<>());
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        interrupted = true;
                        loop.submit(() -> loop.node().withdraw(opId, System.nanoTime()));
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException("operation failed inside the node", e.getCause());
                }
            }
        } finally {
            ops.remove(opId);
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
            case POISONED -> throw new PoisonException(channel);
            case RETIRED -> throw new RetiredException(channel, "is retired");
            case OUTCOME_UNKNOWN -> throw new OutcomeUnknownException("channel '" + channel
                    + "': the outcome of the operation is unknown (the peer restarted or fell silent mid-commit)");
            case PEER_UNREACHABLE -> throw new PeerUnreachableException("channel '" + channel
                    + "': the home node is unreachable; nothing was delivered");
        };
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + Math.max(0, timeout.toNanos());
    }

    private abstract class End {
        final long endId;
        final String name;
        volatile boolean retired;

        End(long endId, String name) {
            this.endId = endId;
            this.name = name;
        }

        public String channelName() {
            return name;
        }

        void checkNotRetired() {
            if (retired) {
                throw new RetiredException(name, "was used through an end that has retired");
            }
        }

        public void poison() {
            if (!retired) {
                loop.submit(() -> loop.node().poison(endId, System.nanoTime()));
            }
        }

        public void retire() {
            if (!retired) {
                retired = true;
                loop.submit(() -> loop.node().retire(endId, System.nanoTime()));
            }
        }
    }

    private final class Reader<T> extends End implements ChannelInput<T> {
        private final ValueCodec<T> codec;

        Reader(long endId, String name, ValueCodec<T> codec) {
            super(endId, name);
            this.codec = codec;
        }

        @Override
        public T read() {
            checkNotRetired();
            Ended e = operate(endId, null, ProtocolNode.NO_DEADLINE);
            check(e, name, Thread.currentThread().isInterrupted());
            return codec.decode(e.value());
        }

        @Override
        public Optional<T> read(Duration timeout) {
            checkNotRetired();
            Ended e = operate(endId, null, deadline(timeout));
            return check(e, name, Thread.currentThread().isInterrupted())
                    ? Optional.of(codec.decode(e.value())) : Optional.empty();
        }
    }

    private final class Writer<T> extends End implements ChannelOutput<T> {
        private final ValueCodec<T> codec;

        Writer(long endId, String name, ValueCodec<T> codec) {
            super(endId, name);
            this.codec = codec;
        }

        @Override
        public void write(T message) {
            Objects.requireNonNull(message, "message");
            checkNotRetired();
            check(operate(endId, codec.encode(message), ProtocolNode.NO_DEADLINE), name,
                    Thread.currentThread().isInterrupted());
        }

        @Override
        public boolean write(T message, Duration timeout) {
            Objects.requireNonNull(message, "message");
            checkNotRetired();
            return check(operate(endId, codec.encode(message), deadline(timeout)), name,
                    Thread.currentThread().isInterrupted());
        }
    }
}
