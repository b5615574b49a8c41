package dev.parley.protocol;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One decoded frame: the envelope every frame carries (incarnations, sequence number,
 * cumulative ack) and its typed body. Immutable; any thread may use it.
 *
 * @param from the sender node's incarnation id
 * @param to the incarnation id the sender believes the receiver has, or 0 when it does not
 *     know it yet (only in HELLO)
 * @param seq the reliable layer's sequence number, or 0 for an unsequenced frame
 * @param ack the highest sequence number the sender has delivered in order from the receiver
 * @param body what the frame says
 */
public record Frame(long from, long to, long seq, long ack, Body body) {

    public Frame {
        Objects.requireNonNull(body, "body");
        if (seq < 0 || ack < 0) {
            throw new IllegalArgumentException("seq and ack must not be negative: seq=" + seq + ", ack=" + ack);
        }
        if (body.type().sequenced() != (seq > 0)) {
            throw new IllegalArgumentException("type=" + body.type() + " with seq=" + seq
                    + ": sequenced types need seq > 0, the others seq = 0");
        }
    }

    /** Which side of a channel an end is on. */
    public enum Side { READ, WRITE }

    /** Why a remote end declined a proposal. */
    public enum DeclineReason {
        /** The local decision was held by another partner for a moment: the offer still stands. */
        BUSY,
        /** The offer is gone for good (its decision is final, or it is being withdrawn). */
        FINAL
    }

    /** What the home did with a WITHDRAW. */
    public enum WithdrawResult {
        /** The offer was removed before anything was committed: nothing delivered. */
        WITHDRAWN,
        /** The home knew no such offer any more: it had completed (TAKEN, TERMINATED or ABORTED went first). */
        ALREADY_GONE
    }

    /** The typed content of a frame. */
    public sealed interface Body {
        /** @return the frame type that carries this body */
        FrameType type();
    }

    /** Opens a session: "I am incarnation {@code from}; whom do I talk to?" Always answered by HELLO_ACK. */
    public record Hello() implements Body {
        public FrameType type() { return FrameType.HELLO; }
    }

    /** Answers a HELLO: "I am {@code from}, and I know you are {@code to}". */
    public record HelloAck() implements Body {
        public FrameType type() { return FrameType.HELLO_ACK; }
    }

    /** Keeps an idle session alive so that the peer's timeout does not fire. */
    public record Heartbeat() implements Body {
        public FrameType type() { return FrameType.HEARTBEAT; }
    }

    /** Carries only the envelope's cumulative ack. */
    public record Ack() implements Body {
        public FrameType type() { return FrameType.ACK; }
    }

    /** Asks whether the receiver hosts a channel of this name. */
    public record Lookup(long lookupId, String name) implements Body {
        public Lookup { Objects.requireNonNull(name, "name"); }
        public FrameType type() { return FrameType.LOOKUP; }
    }

    /** Answers a LOOKUP: the channel's id at the home, or 0 when no such channel is hosted (yet). */
    public record LookupReply(long lookupId, long channelId) implements Body {
        public FrameType type() { return FrameType.LOOKUP_REPLY; }
    }

    /**
     * A remote end now exists on the sender, on this side of the home's channel; it counts for
     * retire. A writer end that may {@code writeAhead} takes credits (CREDIT) on a buffered
     * channel and writes under them with STORE.
     */
    public record OpenEnd(long endId, long channelId, Side side, boolean writeAhead) implements Body {
        public OpenEnd {
            Objects.requireNonNull(side, "side");
            if (writeAhead && side != Side.WRITE) {
                throw new IllegalArgumentException("only a writer end writes ahead: endId=" + endId);
            }
        }

        /** An end that does not write ahead. */
        public OpenEnd(long endId, long channelId, Side side) {
            this(endId, channelId, side, false);
        }

        public FrameType type() { return FrameType.OPEN_END; }
    }

    /**
     * A remote end offers to read ({@code value} empty) or to write {@code value}; a conditional
     * offer (an alternation's guard) must be asked before it is committed.
     */
    /**
     * An offer of a remote end. {@code party} names the offering party within its node: the same
     * nonzero id for every guard of one alternation, so that the home never relays a party to
     * itself; 0 for a plain read or write. An {@code immediate} offer (a read whose time is up as
     * it is made: a zero timeout) asks the home to match it on arrival or answer WITHDRAWN at once.
     */
    public record Offer(long opId, long endId, long party, boolean conditional, boolean immediate, byte[] value)
            implements Body {
        public Offer { Objects.requireNonNull(value, "value"); }
        public FrameType type() { return FrameType.OFFER; }
    }

    /** The home holds a reader for a conditional remote writer: "commit your write?" */
    public record Propose(long opId, long proposalId) implements Body {
        public FrameType type() { return FrameType.PROPOSE; }
    }

    /** The home holds a writer for a remote reader and hands it the value: "take it?" */
    public record Deliver(long opId, long proposalId, byte[] value) implements Body {
        public Deliver { Objects.requireNonNull(value, "value"); }
        public FrameType type() { return FrameType.DELIVER; }
    }

    /** The remote end commits to the proposal (a reader: it took the value). */
    public record Accept(long opId, long proposalId) implements Body {
        public FrameType type() { return FrameType.ACCEPT; }
    }

    /** The remote end does not commit to the proposal. */
    public record Decline(long opId, long proposalId, DeclineReason reason) implements Body {
        public Decline { Objects.requireNonNull(reason, "reason"); }
        public FrameType type() { return FrameType.DECLINE; }
    }

    /** The home tells a remote writer that a reader took its value: the write is done. */
    public record Taken(long opId) implements Body {
        public FrameType type() { return FrameType.TAKEN; }
    }

    /**
     * The home lets go of a writer that accepted proposal {@code proposalId} but whose value no
     * reader took (the relay's reader declined): the writer's offer stands again, and its
     * decision is no longer held.
     */
    public record Release(long opId, long proposalId) implements Body {
        public FrameType type() { return FrameType.RELEASE; }
    }

    /** The remote end takes its offer back. */
    public record Withdraw(long opId) implements Body {
        public FrameType type() { return FrameType.WITHDRAW; }
    }

    /** The home confirms a WITHDRAW. */
    public record Withdrawn(long opId, WithdrawResult result) implements Body {
        public Withdrawn { Objects.requireNonNull(result, "result"); }
        public FrameType type() { return FrameType.WITHDRAWN; }
    }

    /** The home tells a remote end that its offer ended because the channel was poisoned or retired. */
    public record Terminated(long opId, boolean poison) implements Body {
        public FrameType type() { return FrameType.TERMINATED; }
    }

    /**
     * The home gave the offer up because the sender fell silent (or, for a proposal out, the
     * held partner's deadline plus one peer timeout passed); {@code maybeDone} when a proposal
     * was out, so that the outcome is unknown.
     */
    public record Aborted(long opId, boolean maybeDone) implements Body {
        public FrameType type() { return FrameType.ABORTED; }
    }

    /** A remote end poisons the home's channel; the home answers APPLIED for {@code opId}. */
    public record Poison(long opId, long endId) implements Body {
        public FrameType type() { return FrameType.POISON; }
    }

    /** A remote end retires from the home's channel; the home answers APPLIED for {@code opId}. */
    public record Retire(long opId, long endId) implements Body {
        public FrameType type() { return FrameType.RETIRE; }
    }

    /**
     * The home reserved {@code slots} more buffer slots for a remote writer end that writes
     * ahead (0: none now): the end may send that many more writes in STOREs without waiting.
     * {@code stored} counts the end's writes ahead that the home has stored so far: the home
     * answers every STORE with a CREDIT while the end's slots are not being revoked, so an end
     * that has sent more writes than that knows that another answer (a CREDIT, or a REVOKE)
     * is coming.
     */
    public record Credit(long endId, int slots, long stored) implements Body {
        public Credit {
            if (slots < 0 || stored < 0) {
                throw new IllegalArgumentException("slots=" + slots + " and stored=" + stored
                        + " must not be negative");
            }
        }

        public FrameType type() { return FrameType.CREDIT; }
    }

    /**
     * A remote writer end writes {@code values}, in order, into as many of the slots its credits
     * reserved: one or more writes ahead in one frame. The list is kept as given, seen through an
     * unmodifiable view (a STORE may carry thousands of values): its maker must not change it.
     */
    public record Store(long endId, List<byte[]> values) implements Body {
        public Store {
            values = Collections.unmodifiableList(values);
            if (values.isEmpty() || values.size() > MAX_STORE_VALUES) {
                throw new IllegalArgumentException("a STORE carries 1 to " + MAX_STORE_VALUES + " values, not "
                        + values.size());
            }
        }

        /** One write ahead. */
        public Store(long endId, byte[] value) {
            this(endId, List.of(value));
        }

        public FrameType type() { return FrameType.STORE; }
    }

    /** The most values one STORE carries (its count is a u16). */
    public static final int MAX_STORE_VALUES = 0xFFFF;

    /** The home wants the end's reserved slots back: it answers REVOKED once its STOREs are sent. */
    public record Revoke(long endId) implements Body {
        public FrameType type() { return FrameType.REVOKE; }
    }

    /** The answer to REVOKE: every STORE under the end's credits was sent before; the rest is given back. */
    public record Revoked(long endId) implements Body {
        public FrameType type() { return FrameType.REVOKED; }
    }

    /** What the home did with a POISON or RETIRE. */
    public enum ApplyResult {
        /** Done at the home channel before this answer was sent. */
        APPLIED,
        /** The home knows no such end (it refused to open it): nothing was done. */
        NO_SUCH_END
    }

    /** The home answers a POISON or RETIRE once it has acted on it. */
    public record Applied(long opId, ApplyResult result) implements Body {
        public Applied { Objects.requireNonNull(result, "result"); }
        public FrameType type() { return FrameType.APPLIED; }
    }
}
