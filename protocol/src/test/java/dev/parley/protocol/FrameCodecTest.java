package dev.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final byte[] SECRET = "sixteen byte key, and some more".getBytes(StandardCharsets.UTF_8);

    /** One frame of every type, so that a new type without a case here fails the coverage test. */
    static List<Frame> oneOfEach() {
        byte[] v = {1, 2, 3, (byte) 0xFF};
        return List.of(
                new Frame(7, 0, 0, 0, new Frame.Hello()),
                new Frame(7, 9, 0, 0, new Frame.HelloAck()),
                new Frame(7, 9, 0, 3, new Frame.Heartbeat()),
                new Frame(7, 9, 0, 4, new Frame.Ack()),
                new Frame(7, 9, 1, 0, new Frame.Lookup(5, "A-\u00e9\u4e2d")),
                new Frame(7, 9, 2, 1, new Frame.LookupReply(5, 42)),
                new Frame(-7, 9, 3, 1, new Frame.OpenEnd(11, 42, Frame.Side.WRITE)),
                new Frame(7, -9, 4, 1, new Frame.Offer(100, 11, 77, true, false, v)),
                new Frame(7, 9, 5, 1, new Frame.Propose(100, 1)),
                new Frame(7, 9, 6, 1, new Frame.Deliver(100, 2, v)),
                new Frame(7, 9, 7, 1, new Frame.Accept(100, 2)),
                new Frame(7, 9, 8, 1, new Frame.Decline(100, 3, Frame.DeclineReason.FINAL)),
                new Frame(7, 9, 9, 1, new Frame.Taken(100)),
                new Frame(7, 9, 16, 1, new Frame.Release(100, 2)),
                new Frame(7, 9, 17, 1, new Frame.Offer(101, 12, 0, false, true, new byte[0])),
                new Frame(7, 9, 10, 1, new Frame.Withdraw(100)),
                new Frame(7, 9, 11, 1, new Frame.Withdrawn(100, Frame.WithdrawResult.ALREADY_GONE)),
                new Frame(7, 9, 12, 1, new Frame.Terminated(100, true)),
                new Frame(7, 9, 13, 1, new Frame.Aborted(100, true)),
                new Frame(7, 9, 14, 1, new Frame.Poison(101, 11)),
                new Frame(7, 9, 15, 1, new Frame.Applied(101, Frame.ApplyResult.NO_SUCH_END)),
                new Frame(7, 9, Long.MAX_VALUE, Long.MAX_VALUE, new Frame.Retire(102, 11)),
                new Frame(7, 9, 18, 1, new Frame.OpenEnd(12, 42, Frame.Side.WRITE, true)),
                new Frame(7, 9, 19, 1, new Frame.Credit(12, 64, 3)),
                new Frame(7, 9, 20, 1, new Frame.Store(12, v)),
                new Frame(7, 9, 21, 1, new Frame.Revoke(12)),
                new Frame(7, 9, 22, 1, new Frame.Revoked(12)));
    }

    /** Frames hold byte arrays, which records compare by reference: compare their encodings instead. */
    static void assertSameFrame(Frame expected, Frame actual) {
        FrameCodec plain = new FrameCodec(4096, null);
        assertNotNull(actual);
        assertEquals(expected.body().type(), actual.body().type());
        assertArrayEquals(plain.encode(expected), plain.encode(actual), () -> "frame " + expected);
    }

    @Test
    void everyFrameTypeSurvivesARoundTripWithAndWithoutAMac() {
        Set<FrameType> seen = EnumSet.noneOf(FrameType.class);
        for (FrameCodec codec : List.of(new FrameCodec(4096, null), new FrameCodec(4096, SECRET))) {
            for (Frame f : oneOfEach()) {
                byte[] bytes = codec.encode(f);
                Decoded d = codec.decode(bytes, 0, bytes.length);
                assertTrue(d.ok(), () -> "rejected " + d.rejection() + " for " + f);
                assertSameFrame(f, d.frame());
                seen.add(f.body().type());
            }
        }
        assertEquals(EnumSet.allOf(FrameType.class), seen);
    }

    @Test
    void theEnvelopeIsBigEndianWithMagicVersionAndType() {
        byte[] bytes = new FrameCodec(4096, null).encode(new Frame(0x0102030405060708L, 0, 0, 0, new Frame.Hello()));
        assertEquals(FrameCodec.MAGIC, bytes[0] & 0xFF);
        assertEquals(FrameCodec.VERSION, bytes[1]);
        assertEquals(FrameType.HELLO.code(), bytes[2]);
        assertEquals(2, bytes[3], "flag C: a CRC32C follows");
        assertEquals(FrameCodec.HEADER_BYTES + FrameCodec.CRC_BYTES, bytes.length);
        assertEquals(0x01, bytes[8]);
        assertEquals(0x08, bytes[15]);
    }

    @Test
    void aFrameDecodesAtAnOffsetInsideALargerBuffer() {
        FrameCodec codec = new FrameCodec(4096, SECRET);
        byte[] frame = codec.encode(oneOfEach().get(7));
        byte[] padded = new byte[frame.length + 10];
        System.arraycopy(frame, 0, padded, 5, frame.length);
        assertTrue(codec.decode(padded, 5, frame.length).ok());
    }

    @Test
    void eachKindOfBadInputIsRejectedWithItsOwnName() {
        FrameCodec codec = new FrameCodec(4096, null);
        byte[] good = codec.encode(oneOfEach().get(7));

        assertEquals(Rejection.TRUNCATED, codec.decode(good, 0, 10).rejection());
        assertEquals(Rejection.TRUNCATED, codec.decode(good, 0, good.length - 1).rejection());
        assertEquals(Rejection.TRUNCATED, codec.decode(good, 5, good.length).rejection());
        assertEquals(Rejection.OVERSIZED, codec.decode(new byte[5000], 0, 5000).rejection());
        assertEquals(Rejection.BAD_MAGIC, codec.decode(with(good, 0, 0x51), 0, good.length).rejection());
        assertEquals(Rejection.UNKNOWN_VERSION, codec.decode(with(good, 1, 1), 0, good.length).rejection(),
                "version 1 (POISON and RETIRE without an operation id, no APPLIED) is no longer spoken");
        assertEquals(Rejection.UNKNOWN_VERSION, codec.decode(with(good, 1, 2), 0, good.length).rejection(),
                "version 2 (OFFER without a party id, no RELEASE) is no longer spoken");
        assertEquals(Rejection.UNKNOWN_VERSION, codec.decode(with(good, 1, 3), 0, good.length).rejection(),
                "version 3 (no credits for writes ahead) is no longer spoken");
        assertEquals(Rejection.UNKNOWN_VERSION, codec.decode(with(good, 1, 5), 0, good.length).rejection());
        assertEquals(Rejection.UNKNOWN_TYPE, codec.decode(with(good, 2, 99), 0, good.length).rejection());
        assertEquals(Rejection.MALFORMED, codec.decode(with(good, 3, 4), 0, good.length).rejection());
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertEquals(Rejection.MALFORMED, codec.decode(longer, 0, longer.length).rejection());
        // An OFFER whose sequence number is 0: sequenced types need seq > 0.
        byte[] unsequenced = good.clone();
        java.util.Arrays.fill(unsequenced, 24, 32, (byte) 0);
        assertEquals(Rejection.BAD_CHECKSUM, codec.decode(unsequenced, 0, good.length).rejection());
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(unsequenced), 0, good.length).rejection());
        // OFFER flags (after operation, end and party ids) with an undefined bit, under a correct checksum.
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(with(good, 64, 4)), 0, good.length).rejection());
        assertEquals(Rejection.TRUNCATED, codec.decode(null, 0, 0).rejection());
    }

    @Test
    void negativeCreditsEmptyStoresAndWriteAheadReadersAreMalformed() {
        FrameCodec codec = new FrameCodec(4096, null);
        byte[] credit = codec.encode(new Frame(1, 2, 1, 0, new Frame.Credit(5, 0, 7)));
        assertTrue(codec.decode(credit, 0, credit.length).ok(), "a CREDIT of no slots answers a STORE");
        int slots = FrameCodec.HEADER_BYTES + 8;
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(with(credit, slots, 0x80)), 0, credit.length)
                .rejection(), "a negative count of slots");
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(with(credit, slots + 4, 0x80)), 0, credit.length)
                .rejection(), "a negative count of writes stored");
        byte[] open = codec.encode(new Frame(1, 2, 1, 0, new Frame.OpenEnd(5, 6, Frame.Side.WRITE, true)));
        int side = FrameCodec.HEADER_BYTES + 16;
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(with(open, side, 0)), 0, open.length).rejection(),
                "a reader that writes ahead");
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(with(open, side + 1, 2)), 0, open.length).rejection(),
                "an undefined flag");
        Frame many = new Frame(1, 2, 1, 0, new Frame.Store(5, List.of(new byte[] {1}, new byte[0], new byte[] {2, 3})));
        byte[] store = codec.encode(many);
        assertSameFrame(many, codec.decode(store, 0, store.length).frame());
        int count = FrameCodec.HEADER_BYTES + 8;
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(with(with(store, count, 0), count + 1, 0)), 0,
                store.length).rejection(), "a STORE of no value");
        assertEquals(Rejection.MALFORMED, codec.decode(reseal(with(store, count + 1, 2)), 0, store.length).rejection(),
                "fewer values than its count says it has leave bytes over");
        assertThrows(IllegalArgumentException.class, () -> new Frame.Store(5, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Frame.OpenEnd(5, 6, Frame.Side.READ, true));
        assertThrows(IllegalArgumentException.class, () -> new Frame.Credit(5, -1, 0));
    }

    @Test
    void aLookupWhoseNameIsNotUtf8IsMalformed() {
        FrameCodec codec = new FrameCodec(4096, null);
        byte[] good = codec.encode(new Frame(1, 2, 1, 0, new Frame.Lookup(1, "ab")));
        byte[] bad = reseal(with(good, good.length - FrameCodec.CRC_BYTES - 1, 0xFF));
        assertEquals(Rejection.MALFORMED, codec.decode(bad, 0, good.length).rejection());
    }

    @Test
    void anAppliedWithAnUndefinedResultCodeIsMalformed() {
        FrameCodec codec = new FrameCodec(4096, null);
        byte[] good = codec.encode(new Frame(1, 2, 1, 0, new Frame.Applied(5, Frame.ApplyResult.APPLIED)));
        byte[] bad = reseal(with(good, good.length - FrameCodec.CRC_BYTES - 1, 2));
        assertEquals(Rejection.MALFORMED, codec.decode(bad, 0, good.length).rejection());
    }

    @Test
    void withASecretForgedCorruptedAndUnsignedFramesAreRejected() {
        FrameCodec signed = new FrameCodec(4096, SECRET);
        FrameCodec other = new FrameCodec(4096, "another sixteen-byte secret".getBytes(StandardCharsets.UTF_8));
        FrameCodec plain = new FrameCodec(4096, null);
        Frame f = oneOfEach().get(9);

        byte[] good = signed.encode(f);
        assertEquals(Rejection.BAD_MAC, signed.decode(other.encode(f), 0, good.length).rejection());
        assertEquals(Rejection.BAD_MAC, signed.decode(with(good, 50, good[50] ^ 1), 0, good.length).rejection());
        byte[] unsigned = plain.encode(f);
        assertEquals(Rejection.MISSING_MAC, signed.decode(unsigned, 0, unsigned.length).rejection());
    }

    @Test
    void encodingAFrameLargerThanTheLimitFailsWithTheSizes() {
        FrameCodec codec = new FrameCodec(200, null);
        byte[] value = new byte[codec.maxValueBytes() + FrameCodec.MAC_BYTES + 1];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encode(new Frame(1, 2, 1, 0, new Frame.Offer(1, 1, 0, false, false, value))));
        assertTrue(e.getMessage().contains("maxFrameBytes=200"), e.getMessage());
        byte[] largest = new byte[codec.maxValueBytes()];
        byte[] fits = codec.encode(new Frame(1, 2, 1, 0, new Frame.Offer(1, 1, 0, false, false, largest)));
        assertTrue(codec.decode(fits, 0, fits.length).ok());
    }

    @Test
    void randomAndMutatedBytesNeverMakeTheDecoderThrow() {
        long seed = 20261204L;
        Random random = new Random(seed);
        FrameCodec plain = new FrameCodec(1024, null);
        FrameCodec signed = new FrameCodec(1024, SECRET);
        List<Frame> frames = oneOfEach();
        int decodedMutants = 0;
        for (int i = 0; i < 200_000; i++) {
            FrameCodec codec = (i & 1) == 0 ? plain : signed;
            byte[] bytes;
            if (i % 5 == 0) {
                bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                if (bytes.length > 2 && random.nextBoolean()) {
                    bytes[0] = (byte) FrameCodec.MAGIC;
                    bytes[1] = (byte) FrameCodec.VERSION;
                }
            } else {
                bytes = mutate(codec.encode(frames.get(random.nextInt(frames.size()))), random);
            }
            int offset = bytes.length == 0 ? 0 : random.nextInt(3) == 0 ? random.nextInt(bytes.length) : 0;
            int length = random.nextInt(4) == 0 ? random.nextInt(bytes.length + 2) : bytes.length - offset;
            final byte[] input = bytes;
            final int off = offset;
            final int len = length;
            Decoded d = assertDoesNotThrow(() -> codec.decode(input, off, len), seed, i);
            if (d.ok() && codec == signed) {
                decodedMutants++;
            }
        }
        // A mutant that decodes under a MAC must be an unmutated frame (mutation can be a no-op).
        assertTrue(decodedMutants < 200_000 / 10, "decodedMutants=" + decodedMutants);
    }

    @Test
    void mutatedFramesAreNeverAcceptedUnlessTheBytesAreUnchangedWithAMacOrACrc() {
        Random random = new Random(77);
        for (FrameCodec codec : List.of(new FrameCodec(1024, SECRET), new FrameCodec(1024, null))) {
            for (int i = 0; i < 20_000; i++) {
                Frame f = oneOfEach().get(random.nextInt(oneOfEach().size()));
                byte[] good = codec.encode(f);
                byte[] bad = mutate(good, random);
                Decoded d = codec.decode(bad, 0, bad.length);
                if (d.ok()) {
                    assertArrayEquals(good, bad, "seed=77 i=" + i + ": a changed frame passed the check");
                }
            }
        }
    }

    @Test
    void withoutASecretACorruptedFrameIsABadChecksumAndASignedOneCannotBeChecked() {
        FrameCodec plain = new FrameCodec(4096, null);
        byte[] good = plain.encode(oneOfEach().get(9));
        assertEquals(Rejection.BAD_CHECKSUM, plain.decode(with(good, 50, good[50] ^ 4), 0, good.length).rejection());
        byte[] signed = new FrameCodec(4096, SECRET).encode(oneOfEach().get(9));
        assertEquals(Rejection.UNEXPECTED_MAC, plain.decode(signed, 0, signed.length).rejection());
    }

    /** Recomputes the CRC32C trailer of a frame without a MAC, so that a test reaches the body checks. */
    private static byte[] reseal(byte[] frame) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(frame, 0, frame.length - FrameCodec.CRC_BYTES);
        java.nio.ByteBuffer.wrap(frame, frame.length - FrameCodec.CRC_BYTES, FrameCodec.CRC_BYTES)
                .putInt((int) crc.getValue());
        return frame;
    }

    private static Decoded assertDoesNotThrow(java.util.function.Supplier<Decoded> call, long seed, int i) {
        try {
            Decoded d = call.get();
            assertNotNull(d);
            return d;
        } catch (RuntimeException e) {
            throw new AssertionError("decoder threw at seed=" + seed + " i=" + i, e);
        }
    }

    static byte[] mutate(byte[] bytes, Random random) {
        byte[] out = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
            default -> {
                out = java.util.Arrays.copyOf(out, out.length + 1 + random.nextInt(8));
                out[4 + random.nextInt(4)] = (byte) random.nextInt(256);
            }
        }
        return out;
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] out = bytes.clone();
        out[index] = (byte) value;
        return out;
    }

    @Test
    void decodedIsEitherAFrameOrARejection() {
        assertThrows(IllegalArgumentException.class, () -> new Decoded(null, null));
        assertFalse(Decoded.rejected(Rejection.BAD_MAC).ok());
    }
}
