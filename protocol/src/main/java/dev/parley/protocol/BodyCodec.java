package dev.parley.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bodies of frames, type by type, to bytes and back, for {@link FrameCodec}, which frames
 * them in the envelope and the trailer. The layouts are drawn in {@link FrameCodec}'s class
 * comment: a change to a body changes both, and the wire version. Stateless; any thread may
 * use it.
 *
 * <h2>Implementation note</h2>
 * Encoding checks one thing, a LOOKUP name's length in bytes; the {@link Frame} records that
 * constrain their fields (OPEN_END, CREDIT, STORE) check them as they are made. Decoding reads
 * the fields in order and returns null for a field with an undefined value (an unknown flag
 * bit, side, reason or code, or a STORE of no values); a body too short for its fields
 * underflows, and a record that refuses its fields throws IllegalArgumentException, both of
 * which {@link FrameCodec#decode} turns into MALFORMED (invariant decode-total), as it does
 * bytes left over.
 */
final class BodyCodec {

    /** An OFFER's bytes before its value: operation id, end id, party id, flags, value length. */
    static final int OFFER_FIXED_BYTES = 29;

    private static final int FLAG_CONDITIONAL = 1;
    private static final int FLAG_IMMEDIATE = 2;
    private static final int FLAG_WRITE_AHEAD = 1;
    private static final int MAX_NAME_BYTES = 0xFFFF;

    private BodyCodec() {
    }

    /**
     * @return the body's bytes, laid out as drawn in {@link FrameCodec}
     * @throws IllegalArgumentException for a LOOKUP whose name exceeds {@link #MAX_NAME_BYTES}
     */
    static byte[] encode(Frame.Body body) {
        return switch (body) {
            case Frame.Hello h -> new byte[0];
            case Frame.HelloAck h -> new byte[0];
            case Frame.Heartbeat h -> new byte[0];
            case Frame.Ack a -> new byte[0];
            case Frame.Lookup l -> {
                byte[] name = l.name().getBytes(StandardCharsets.UTF_8);
                if (name.length > MAX_NAME_BYTES) {
                    throw new IllegalArgumentException("channel name of bytes=" + name.length + " exceeds "
                            + MAX_NAME_BYTES);
                }
                yield buffer(10 + name.length).putLong(l.lookupId()).putShort((short) name.length).put(name).array();
            }
            case Frame.LookupReply r -> buffer(16).putLong(r.lookupId()).putLong(r.channelId()).array();
            case Frame.OpenEnd o -> buffer(18).putLong(o.endId()).putLong(o.channelId())
                    .put((byte) o.side().ordinal()).put((byte) (o.writeAhead() ? FLAG_WRITE_AHEAD : 0)).array();
            case Frame.Offer o -> buffer(OFFER_FIXED_BYTES + o.value().length).putLong(o.opId()).putLong(o.endId())
                    .putLong(o.party())
                    .put((byte) ((o.conditional() ? FLAG_CONDITIONAL : 0) | (o.immediate() ? FLAG_IMMEDIATE : 0)))
                    .putInt(o.value().length).put(o.value())
                    .array();
            case Frame.Propose p -> buffer(16).putLong(p.opId()).putLong(p.proposalId()).array();
            case Frame.Deliver d -> buffer(20 + d.value().length).putLong(d.opId()).putLong(d.proposalId())
                    .putInt(d.value().length).put(d.value()).array();
            case Frame.Accept a -> buffer(16).putLong(a.opId()).putLong(a.proposalId()).array();
            case Frame.Decline d -> buffer(17).putLong(d.opId()).putLong(d.proposalId())
                    .put((byte) d.reason().ordinal()).array();
            case Frame.Release r -> buffer(16).putLong(r.opId()).putLong(r.proposalId()).array();
            case Frame.Taken t -> buffer(8).putLong(t.opId()).array();
            case Frame.Withdraw w -> buffer(8).putLong(w.opId()).array();
            case Frame.Withdrawn w -> buffer(9).putLong(w.opId()).put((byte) w.result().ordinal()).array();
            case Frame.Terminated t -> buffer(9).putLong(t.opId()).put((byte) (t.poison() ? 1 : 0)).array();
            case Frame.Aborted a -> buffer(9).putLong(a.opId()).put((byte) (a.maybeDone() ? 1 : 0)).array();
            case Frame.Poison p -> buffer(16).putLong(p.opId()).putLong(p.endId()).array();
            case Frame.Retire r -> buffer(16).putLong(r.opId()).putLong(r.endId()).array();
            case Frame.Applied a -> buffer(9).putLong(a.opId()).put((byte) a.result().ordinal()).array();
            case Frame.Credit c -> buffer(20).putLong(c.endId()).putInt(c.slots()).putLong(c.stored()).array();
            case Frame.Store st -> {
                int size = 10;
                for (byte[] v : st.values()) {
                    size += 4 + v.length;
                }
                ByteBuffer out = buffer(size).putLong(st.endId()).putShort((short) st.values().size());
                for (byte[] v : st.values()) {
                    out.putInt(v.length).put(v);
                }
                yield out.array();
            }
            case Frame.Revoke r -> buffer(8).putLong(r.endId()).array();
            case Frame.Revoked r -> buffer(8).putLong(r.endId()).array();
        };
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * Reads a body of {@code type} from {@code in}, which holds exactly the body's bytes. The
     * caller checks that nothing is left over.
     *
     * @return the body, or null when a field has an undefined value
     * @throws java.nio.BufferUnderflowException when the body is shorter than its fields
     * @throws IllegalArgumentException when a field is out of the range its record allows
     */
    static Frame.Body decode(FrameType type, ByteBuffer in) {
        return switch (type) {
            case HELLO -> new Frame.Hello();
            case HELLO_ACK -> new Frame.HelloAck();
            case HEARTBEAT -> new Frame.Heartbeat();
            case ACK -> new Frame.Ack();
            case LOOKUP -> {
                long id = in.getLong();
                String name = utf8(bytes(in, in.getShort() & 0xFFFF));
                yield name == null ? null : new Frame.Lookup(id, name);
            }
            case LOOKUP_REPLY -> new Frame.LookupReply(in.getLong(), in.getLong());
            case OPEN_END -> {
                long end = in.getLong();
                long channel = in.getLong();
                int side = in.get();
                int flags = in.get();
                if ((side != 0 && side != 1) || (flags & ~FLAG_WRITE_AHEAD) != 0 || (flags != 0 && side != 1)) {
                    yield null;
                }
                yield new Frame.OpenEnd(end, channel, Frame.Side.values()[side], flags == FLAG_WRITE_AHEAD);
            }
            case OFFER -> {
                long op = in.getLong();
                long end = in.getLong();
                long party = in.getLong();
                int flags = in.get();
                if ((flags & ~(FLAG_CONDITIONAL | FLAG_IMMEDIATE)) != 0) {
                    yield null;
                }
                yield new Frame.Offer(op, end, party, (flags & FLAG_CONDITIONAL) != 0, (flags & FLAG_IMMEDIATE) != 0,
                        bytes(in, in.getInt()));
            }
            case PROPOSE -> new Frame.Propose(in.getLong(), in.getLong());
            case RELEASE -> new Frame.Release(in.getLong(), in.getLong());
            case DELIVER -> new Frame.Deliver(in.getLong(), in.getLong(), bytes(in, in.getInt()));
            case ACCEPT -> new Frame.Accept(in.getLong(), in.getLong());
            case DECLINE -> {
                long op = in.getLong();
                long proposal = in.getLong();
                int reason = in.get();
                yield reason == 0 || reason == 1
                        ? new Frame.Decline(op, proposal, Frame.DeclineReason.values()[reason]) : null;
            }
            case TAKEN -> new Frame.Taken(in.getLong());
            case WITHDRAW -> new Frame.Withdraw(in.getLong());
            case WITHDRAWN -> {
                long op = in.getLong();
                int result = in.get();
                yield result == 0 || result == 1
                        ? new Frame.Withdrawn(op, Frame.WithdrawResult.values()[result]) : null;
            }
            case TERMINATED -> {
                long op = in.getLong();
                Boolean poison = bool(in.get());
                yield poison == null ? null : new Frame.Terminated(op, poison);
            }
            case ABORTED -> {
                long op = in.getLong();
                Boolean maybe = bool(in.get());
                yield maybe == null ? null : new Frame.Aborted(op, maybe);
            }
            case POISON -> new Frame.Poison(in.getLong(), in.getLong());
            case RETIRE -> new Frame.Retire(in.getLong(), in.getLong());
            case APPLIED -> {
                long op = in.getLong();
                int result = in.get();
                yield result == 0 || result == 1 ? new Frame.Applied(op, Frame.ApplyResult.values()[result]) : null;
            }
            case CREDIT -> {
                long end = in.getLong();
                int slots = in.getInt();
                long stored = in.getLong();
                yield slots >= 0 && stored >= 0 ? new Frame.Credit(end, slots, stored) : null;
            }
            case STORE -> {
                long end = in.getLong();
                int count = in.getShort() & 0xFFFF;
                if (count == 0) {
                    yield null;
                }
                List<byte[]> values = new ArrayList<>(Math.min(count, in.remaining() / 4));
                for (int i = 0; i < count; i++) {
                    values.add(bytes(in, in.getInt()));
                }
                yield new Frame.Store(end, values);
            }
            case REVOKE -> new Frame.Revoke(in.getLong());
            case REVOKED -> new Frame.Revoked(in.getLong());
        };
    }
    private static Boolean bool(byte b) {
        return b == 0 ? Boolean.FALSE : b == 1 ? Boolean.TRUE : null;
    }

    /** Reads {@code n} bytes; a negative or too large {@code n} underflows. */
    private static byte[] bytes(ByteBuffer in, int n) {
        if (n < 0 || n > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }

    private static String utf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
