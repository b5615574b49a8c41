package dev.parley.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes frames to bytes and decodes bytes to frames, authenticating each frame with
 * HMAC-SHA256 over a shared secret, or without a secret checking it with a CRC32C, so that
 * no corrupted frame is taken for a good one. One instance per thread (it keeps a
 * {@link Mac}).
 *
 * <h2>Wire format, version 4</h2>
 * All integers are big-endian (network byte order); {@code u8}, {@code u16}, {@code u32} are
 * unsigned, {@code i64} is a two's-complement 64-bit integer. Every frame starts with this
 * 40-byte envelope:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+---------------+-----------+-+-+
 * |  magic 0x50   |  version = 4  |   type (u8)   | reserved 0|C|M|
 * +---------------+---------------+---------------+-----------+-+-+
 * |                     body length in bytes (u32)                |
 * +---------------------------------------------------------------+
 * |                                                               |
 * +                 sender incarnation id (i64)                   +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                                                               |
 * +        receiver incarnation id (i64), 0 = not known yet       +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                                                               |
 * +       sequence number (i64), 0 for HELLO .. ACK, else &gt; 0     +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                                                               |
 * +      cumulative ack (i64): highest seq delivered in order     +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                  body (body length bytes) ...                 |
 * +---------------------------------------------------------------+
 * |  M: HMAC-SHA256 of every byte before it (32 bytes), or        |
 * |  C: CRC32C of every byte before it (u32)                      |
 * +---------------------------------------------------------------+
 * </pre>
 * Exactly one of {@code M} (bit 0 of the flags byte: a MAC follows; a node with a secret
 * sends and requires it) and {@code C} (bit 1: a CRC32C follows; a node without a secret
 * sends and requires it) is set; the other flag bits are 0. The frame's length is exactly
 * 40 + body length + 32 (M) or + 4 (C). Bodies by type (code):
 * <pre>
 * HELLO (1), HELLO_ACK (2), HEARTBEAT (3), ACK (4): empty
 *
 * LOOKUP (10)                          LOOKUP_REPLY (11)
 * +-------------------------------+    +-------------------------------+
 * |        lookup id (i64)        |    |        lookup id (i64)        |
 * +---------------+---------------+    +-------------------------------+
 * | name len (u16)| name (UTF-8)..|    | channel id (i64), 0 = none    |
 * +---------------+---------------+    +-------------------------------+
 *
 * OPEN_END (12)                        OFFER (20)
 * +-------------------------------+    +-------------------------------+
 * |          end id (i64)         |    |        operation id (i64)     |
 * +-------------------------------+    +-------------------------------+
 * |        channel id (i64)       |    |          end id (i64)         |
 * +---------------+---------------+    +-------------------------------+
 * |side 0=R,1=W u8|res. 0 |A| u8 |    |   party id (i64), 0 = none    |
 * +---------------+---------------+    +-------------+-+---------------+
 *   A = writes ahead (writers only:    | reserved 0 |I|C| (u8)         |
 *   it takes CREDIT, writes STORE)     +-------------+-+---------------+
 *                                      |     value length (u32)        |
 *                                      +-------------------------------+
 *                                      |  value bytes (writers) ...    |
 *                                      +-------------------------------+
 *   C = conditional (an alternation's guard); I = immediate (a read with no time left, or a
 *   guard's probe, C set: the home matches it on arrival or answers WITHDRAWN). A reader's
 *   offer has value length 0. The party id is the same for every guard of one alternation
 *   (never relayed to itself), 0 for a plain read or write.
 *
 * PROPOSE (21), ACCEPT (23), RELEASE (33) DELIVER (22)
 * +-------------------------------+    +-------------------------------+
 * |        operation id (i64)     |    |        operation id (i64)     |
 * +-------------------------------+    +-------------------------------+
 * |        proposal id (i64)      |    |        proposal id (i64)      |
 * +-------------------------------+    +-------------------------------+
 *                                      |     value length (u32)        |
 * DECLINE (24): as ACCEPT, then        +-------------------------------+
 * +---------------+                    |        value bytes ...        |
 * |reason u8 0=BUSY,1=FINAL|           +-------------------------------+
 *
 * TAKEN (25), WITHDRAW (26)            WITHDRAWN (27), TERMINATED (28), ABORTED (29),
 * +-------------------------------+    APPLIED (32)
 * |        operation id (i64)     |    +-------------------------------+
 * +-------------------------------+    |        operation id (i64)     |
 *                                      +---------------+---------------+
 * POISON (30), RETIRE (31)             |   code (u8)   |
 * +-------------------------------+    +---------------+
 * |        operation id (i64)     |      WITHDRAWN: 0 = withdrawn, 1 = already gone
 * +-------------------------------+      TERMINATED: 0 = retired, 1 = poisoned
 * |          end id (i64)         |      ABORTED: 0 = not done, 1 = maybe done
 * +-------------------------------+      APPLIED: 0 = applied, 1 = no such end
 *
 * CREDIT (34)                          STORE (35)
 * +-------------------------------+    +-------------------------------+
 * |          end id (i64)         |    |          end id (i64)         |
 * +-------------------------------+    +---------------+---------------+
 * | more slots (u32), below 2^31  |    | count u16 &gt;= 1|
 * +-------------------------------+    +---------------+---------------+
 * | writes ahead stored (i64)     |    |      value length (u32)       |  \  count times,
 * +-------------------------------+    +-------------------------------+   > in the order
 *                                      |        value bytes ...        |  /  written
 * REVOKE (36), REVOKED (37)            +-------------------------------+
 * +-------------------------------+
 * |          end id (i64)         |
 * +-------------------------------+
 * </pre>
 * Version 2 differed from version 1 in POISON and RETIRE, which carry an operation id, and in
 * APPLIED, their answer. Version 3 adds the party id of OFFER and the type RELEASE, for the
 * home's relay between a remote writer and a remote reader. Version 4 adds the A flag of
 * OPEN_END and the types CREDIT, STORE, REVOKE and REVOKED, for writes ahead into a buffered
 * channel's reserved slots. Nodes of other versions are rejected as UNKNOWN_VERSION.
 *
 * <h2>Implementation note</h2>
 * Invariant <b>decode-total</b>: {@link #decode} returns a {@link Decoded} for every input
 * and throws nothing; each way of being malformed has its {@link Rejection}. Invariant
 * <b>round-trip</b>: {@code decode(encode(f))} equals {@code f} field by field. The MAC (or
 * CRC) is checked before the body is parsed, so that forged or corrupted bytes never reach
 * the body parser.
 */
public final class FrameCodec {

    /** The first byte of every frame. */
    public static final int MAGIC = 0x50;
    /** An OFFER's bytes before its value: operation id, end id, party id, flags, value length. */
    private static final int OFFER_FIXED_BYTES = 29;
    /** The wire version this codec writes and reads. */
    public static final int VERSION = 4;
    /** The envelope's length in bytes. */
    public static final int HEADER_BYTES = 40;
    /** The MAC's length in bytes. */
    public static final int MAC_BYTES = 32;

    /** The CRC's length in bytes. */
    public static final int CRC_BYTES = 4;

    private static final int FLAG_MAC = 1;
    private static final int FLAG_CRC = 2;
    private static final int FLAG_CONDITIONAL = 1;
    private static final int FLAG_IMMEDIATE = 2;
    private static final int FLAG_WRITE_AHEAD = 1;
    private static final int MAX_NAME_BYTES = 0xFFFF;

    private final int maxFrameBytes;
    private final Mac mac;

    /**
     * @param maxFrameBytes the largest frame accepted or produced, envelope and MAC included
     * @param secret the shared secret for HMAC-SHA256, or null for frames without a MAC
     */
    public FrameCodec(int maxFrameBytes, byte[] secret) {
        if (maxFrameBytes < HEADER_BYTES + MAC_BYTES + 64) {
            throw new IllegalArgumentException("maxFrameBytes=" + maxFrameBytes + " is below the minimum "
                    + (HEADER_BYTES + MAC_BYTES + 64));
        }
        if (secret != null && secret.length < 16) {
            throw new IllegalArgumentException("secret of secret.length=" + secret.length
                    + " bytes is too short; use at least 16 random bytes");
        }
        this.maxFrameBytes = maxFrameBytes;
        this.mac = secret == null ? null : newMac(secret);
    }

    private static Mac newMac(byte[] secret) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret.clone(), "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** @return the largest frame this codec accepts or produces */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** @return the largest value an OFFER or DELIVER can carry under {@link #maxFrameBytes()} */
    public int maxValueBytes() {
        return maxFrameBytes - HEADER_BYTES - MAC_BYTES - OFFER_FIXED_BYTES;
    }

    /** @return true when frames carry and require a MAC */
    public boolean authenticates() {
        return mac != null;
    }

    // ------------------------------------------------------------------------------------------
    // Encoding

    /**
     * @param frame the frame to encode
     * @return its bytes, with a MAC when this codec has a secret
     * @throws IllegalArgumentException if the frame would exceed {@link #maxFrameBytes()}
     */
    public byte[] encode(Frame frame) {
        byte[] body = encodeBody(frame.body());
        int total = HEADER_BYTES + body.length + (mac != null ? MAC_BYTES : CRC_BYTES);
        if (total > maxFrameBytes) {
            throw new IllegalArgumentException("frame of type=" + frame.body().type() + " needs bytes=" + total
                    + ", more than maxFrameBytes=" + maxFrameBytes);
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
        out.put((byte) MAGIC).put((byte) VERSION).put((byte) frame.body().type().code())
                .put((byte) (mac != null ? FLAG_MAC : FLAG_CRC));
        out.putInt(body.length);
        out.putLong(frame.from()).putLong(frame.to()).putLong(frame.seq()).putLong(frame.ack());
        out.put(body);
        if (mac != null) {
            mac.update(out.array(), 0, HEADER_BYTES + body.length);
            out.put(mac.doFinal());
        } else {
            out.putInt(crc(out.array(), 0, HEADER_BYTES + body.length));
        }
        return out.array();
    }

    private static byte[] encodeBody(Frame.Body body) {
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

    // ------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Decodes one frame. Never throws (invariant <b>decode-total</b>).
     *
     * @param bytes the buffer
     * @param offset where the frame starts
     * @param length how many bytes the frame has
     * @return the frame, or the reason it was rejected
     */
    public Decoded decode(byte[] bytes, int offset, int length) {
        if (bytes == null || offset < 0 || length < 0 || offset > bytes.length - length) {
            return Decoded.rejected(Rejection.TRUNCATED);
        }
        if (length > maxFrameBytes) {
            return Decoded.rejected(Rejection.OVERSIZED);
        }
        if (length < HEADER_BYTES) {
            return Decoded.rejected(Rejection.TRUNCATED);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.BIG_ENDIAN);

        // Phase 1: the envelope.
        if ((in.get() & 0xFF) != MAGIC) {
            return Decoded.rejected(Rejection.BAD_MAGIC);
        }
        if ((in.get() & 0xFF) != VERSION) {
            return Decoded.rejected(Rejection.UNKNOWN_VERSION);
        }
        FrameType type = FrameType.ofCode(in.get() & 0xFF);
        if (type == null) {
            return Decoded.rejected(Rejection.UNKNOWN_TYPE);
        }
        int flags = in.get() & 0xFF;
        long bodyLength = in.getInt() & 0xFFFF_FFFFL;
        long from = in.getLong();
        long to = in.getLong();
        long seq = in.getLong();
        long ack = in.getLong();
        if (flags != FLAG_MAC && flags != FLAG_CRC) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
        boolean hasMac = flags == FLAG_MAC;
        long expected = HEADER_BYTES + bodyLength + (hasMac ? MAC_BYTES : CRC_BYTES);
        if (expected > length) {
            return Decoded.rejected(Rejection.TRUNCATED);
        }
        if (expected < length) {
            return Decoded.rejected(Rejection.MALFORMED);
        }

        // Phase 2: the MAC or the CRC, before anything reads the body.
        if (mac != null && !hasMac) {
            return Decoded.rejected(Rejection.MISSING_MAC);
        }
        if (mac == null && hasMac) {
            return Decoded.rejected(Rejection.UNEXPECTED_MAC);
        }
        if (mac == null) {
            int carried = ByteBuffer.wrap(bytes, offset + length - CRC_BYTES, CRC_BYTES).getInt();
            if (carried != crc(bytes, offset, HEADER_BYTES + (int) bodyLength)) {
                return Decoded.rejected(Rejection.BAD_CHECKSUM);
            }
        }
        if (mac != null) {
            mac.update(bytes, offset, HEADER_BYTES + (int) bodyLength);
            byte[] computed = mac.doFinal();
            byte[] carried = Arrays.copyOfRange(bytes, offset + length - MAC_BYTES, offset + length);
            if (!MessageDigest.isEqual(computed, carried)) {
                return Decoded.rejected(Rejection.BAD_MAC);
            }
        }
        if (seq < 0 || ack < 0 || type.sequenced() != (seq > 0)) {
            return Decoded.rejected(Rejection.MALFORMED);
        }

        // Phase 3: the body.
        ByteBuffer body = in.slice(HEADER_BYTES, (int) bodyLength).order(ByteOrder.BIG_ENDIAN);
        try {
            Frame.Body parsed = decodeBody(type, body);
            if (parsed == null || body.hasRemaining()) {
                return Decoded.rejected(Rejection.MALFORMED);
            }
            return Decoded.of(new Frame(from, to, seq, ack, parsed));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
    }

    /** @return the body, or null when a field has an undefined value */
    private static Frame.Body decodeBody(FrameType type, ByteBuffer in) {
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

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
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
