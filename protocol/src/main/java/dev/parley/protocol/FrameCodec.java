package dev.parley.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
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
 * the body parser. This class frames and checks; the bodies, type by type, are
 * {@link BodyCodec}'s.
 */
public final class FrameCodec {

    /** The first byte of every frame. */
    public static final int MAGIC = 0x50;
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
        return maxFrameBytes - HEADER_BYTES - MAC_BYTES - BodyCodec.OFFER_FIXED_BYTES;
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
        byte[] body = BodyCodec.encode(frame.body());
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
            Frame.Body parsed = BodyCodec.decode(type, body);
            if (parsed == null || body.hasRemaining()) {
                return Decoded.rejected(Rejection.MALFORMED);
            }
            return Decoded.of(new Frame(from, to, seq, ack, parsed));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return Decoded.rejected(Rejection.MALFORMED);
        }
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
