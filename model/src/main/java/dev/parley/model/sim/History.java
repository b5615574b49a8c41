package dev.parley.model.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A record of channel operations as the processes that made them saw them: who wrote or read
 * what on which channel, when each operation started and ended, its deadline, how it ended, and
 * whether a write went ahead (done under a slot its home reserved, before the value arrived).
 * Beside them: values that left a channel without a certain reader ({@link Discard}) and values
 * of writes ahead that could no longer reach their home ({@link Loss}). The simulator fills one
 * per run; the chaos tests over real networks fill one from the real API. {@link HistoryChecker}
 * judges it. Not thread-safe: one thread records (a test that records from several threads
 * wraps it in a lock).
 */
public final class History {

    /** No deadline: the operation may wait for ever. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** Which side of a channel an operation is on. */
    public enum Kind { WRITE, READ }

    /**
     * How an operation ended, as its caller could tell. Only DONE and UNKNOWN may have
     * delivered anything; every other ending delivered nothing.
     */
    public enum Ending {
        /** It happened: written and taken by a reader, or read (with its value). */
        DONE,
        /** Withdrawn or timed out before any commit; an alternation chose another guard. */
        NOT_DONE,
        /** It may have happened, at most once (peer restarted or fell silent at the commit; a crash). */
        UNKNOWN,
        /** The peer was unreachable before any commit; nothing was delivered. */
        UNREACHABLE,
        /** The channel was poisoned; nothing was delivered by this operation. */
        POISONED,
        /** The channel was retired; nothing was delivered by this operation. */
        RETIRED;

        /** @return true when this ending allows that the operation delivered its value */
        public boolean mayHaveDelivered() {
            return this == DONE || this == UNKNOWN;
        }
    }

    /**
     * One operation. {@code value} is the written value for a write, the value received for a
     * DONE read, and null for a read that received nothing. {@code endNs} is -1 while it runs.
     */
    public static final class Op {
        public final long id;
        public final String process;
        public final String channel;
        public final Kind kind;
        public final long startNs;
        public final long deadlineNs;
        String value;
        long endNs = -1;
        Ending ending;
        boolean ahead;

        Op(long id, String process, String channel, Kind kind, String value, long startNs, long deadlineNs) {
            this.id = id;
            this.process = process;
            this.channel = channel;
            this.kind = kind;
            this.value = value;
            this.startNs = startNs;
            this.deadlineNs = deadlineNs;
        }

        /**
         * @return true for a write ahead: DONE as it started, under a buffer slot its home had
         *     reserved for the writer's end, before its value reached the home
         */
        public boolean ahead() {
            return ahead;
        }

        public String value() {
            return value;
        }

        public long endNs() {
            return endNs;
        }

        public Ending ending() {
            return ending;
        }

        public boolean ended() {
            return endNs >= 0;
        }

        @Override
        public String toString() {
            return "#" + id + " " + process + " " + kind + (ahead ? " ahead " : " ") + channel
                    + (value == null ? "" : " '" + value + "'")
                    + " [" + startNs + ".." + (ended() ? endNs + " " + ending : "running") + "]"
                    + (deadlineNs == NO_DEADLINE ? "" : " deadline=" + deadlineNs);
        }
    }

    /**
     * A value that left its channel without a certain reader: a buffered message lost with its
     * home's crash or discarded by poison ({@code uncertain} false), or a buffer's head given to
     * a reader whose outcome is unknown ({@code uncertain} true: that reader may have it).
     */
    public record Discard(String channel, String value, long atNs, String why, boolean uncertain) {
    }

    /**
     * A write ahead whose value never reached its home: the writer's node, or the home, crashed
     * after the write (DONE for its writer) and before the home stored the value. Only a write
     * ahead may be lost so; see {@link HistoryChecker}.
     */
    public record Loss(String channel, String value, long atNs, String why) {
    }

    private final List<Op> ops = new ArrayList<>();
    private final List<Discard> discards = new ArrayList<>();
    private final List<Loss> losses = new ArrayList<>();
    private long resumeFromNs = Long.MAX_VALUE;
    private final long timeoutSlackNs;

    /**
     * @param timeoutSlackNs how long past its deadline an operation may still end: the bound the
     *     protocol documents (one peer timeout) plus the clock's granularity
     */
    public History(long timeoutSlackNs) {
        if (timeoutSlackNs < 0) {
            throw new IllegalArgumentException("timeoutSlackNs=" + timeoutSlackNs + " must not be negative");
        }
        this.timeoutSlackNs = timeoutSlackNs;
    }

    /**
     * Records the start of an operation.
     *
     * @param value the value written, or null for a read
     * @param deadlineNs its deadline, or {@link #NO_DEADLINE}
     * @return the operation, to be passed to {@link #end}
     */
    public Op begin(String process, String channel, Kind kind, String value, long deadlineNs, long nowNs) {
        if ((kind == Kind.WRITE) != (value != null)) {
            throw new IllegalArgumentException("a write needs a value and a read has none: kind=" + kind
                    + ", value=" + value);
        }
        Op op = new Op(ops.size() + 1L, process, channel, kind, value, nowNs, deadlineNs);
        ops.add(op);
        return op;
    }

    /**
     * Records a write ahead: a write that took a buffer slot its home had reserved for the
     * writer's end and so ended DONE as it started, while its value was still on its way.
     *
     * @return the operation, ended DONE at {@code nowNs}
     */
    public Op writtenAhead(String process, String channel, String value, long nowNs) {
        Op op = begin(process, channel, Kind.WRITE, value, NO_DEADLINE, nowNs);
        op.ahead = true;
        end(op, Ending.DONE, null, nowNs);
        return op;
    }

    /**
     * Records how an operation ended.
     *
     * @param valueRead the value a read received (null for a write or a read that got nothing)
     * @throws IllegalStateException if it already ended
     */
    public void end(Op op, Ending ending, String valueRead, long nowNs) {
        if (op.ended()) {
            throw new IllegalStateException("operation ended twice: " + op + ", again with ending=" + ending);
        }
        op.endNs = nowNs;
        op.ending = ending;
        if (op.kind == Kind.READ) {
            op.value = valueRead;
        }
    }

    /** Records that a written value left its channel without a certain reader, for a stated reason. */
    public void discarded(String channel, String value, long atNs, String why, boolean uncertain) {
        discards.add(new Discard(channel, value, atNs, why, uncertain));
    }

    /**
     * Records that the value of a write ahead can no longer reach its home, for a stated reason
     * (its writer's node or its home crashed before the home stored it).
     */
    public void lostInTransit(String channel, String value, long atNs, String why) {
        losses.add(new Loss(channel, value, atNs, why));
    }

    /**
     * Declares that from {@code atNs} on the network is healed and every node is up: operations
     * started then or later must not end UNKNOWN or UNREACHABLE, and untimed ones must end
     * DONE, POISONED or RETIRED.
     */
    public void resumeFrom(long atNs) {
        resumeFromNs = atNs;
    }

    public long resumeFromNs() {
        return resumeFromNs;
    }

    public long timeoutSlackNs() {
        return timeoutSlackNs;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public List<Discard> discards() {
        return Collections.unmodifiableList(discards);
    }

    public List<Loss> losses() {
        return Collections.unmodifiableList(losses);
    }

    /** @return how many operations ended each way, for statistics */
    public java.util.Map<String, Long> endings() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (Op op : ops) {
            out.merge(op.kind + "." + (op.ended() ? op.ending : "RUNNING"), 1L, Long::sum);
            if (op.ahead) {
                out.merge("WRITE.AHEAD", 1L, Long::sum);
            }
        }
        return out;
    }
}
