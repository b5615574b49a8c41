package dev.parley.net;

import dev.parley.protocol.binding.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Turns the messages of a networked channel into bytes and back, explicitly: Parley uses no
 * Java serialization. Any thread may use a codec, so implementations must be stateless or
 * thread-safe. Write your own by implementing both methods, or with {@link #of}.
 *
 * <p>The ready codecs write numbers big-endian, strings as UTF-8, and byte arrays as they
 * are (copied). A decoder given bytes of the wrong length throws
 * {@link IllegalArgumentException}.
 *
 * @param <T> the message type
 */
public interface Codec<T> extends ValueCodec<T> {

    /** @return a codec made of two functions */
    static <T> Codec<T> of(Function<T, byte[]> encoder, Function<byte[], T> decoder) {
        return new Codec<>() {
            @Override
            public byte[] encode(T message) {
                return encoder.apply(message);
            }

            @Override
            public T decode(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }

    /** @return strings as UTF-8 */
    static Codec<String> strings() {
        return of(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
    }

    /** @return byte arrays, copied both ways */
    static Codec<byte[]> bytes() {
        return of(byte[]::clone, byte[]::clone);
    }

    /** @return integers in 4 bytes */
    static Codec<Integer> integers() {
        return of(v -> ByteBuffer.allocate(4).putInt(v).array(), b -> sized(b, 4).getInt());
    }

    /** @return longs in 8 bytes */
    static Codec<Long> longs() {
        return of(v -> ByteBuffer.allocate(8).putLong(v).array(), b -> sized(b, 8).getLong());
    }

    /** @return shorts in 2 bytes */
    static Codec<Short> shorts() {
        return of(v -> ByteBuffer.allocate(2).putShort(v).array(), b -> sized(b, 2).getShort());
    }

    /** @return bytes in 1 byte */
    static Codec<Byte> bytesBoxed() {
        return of(v -> new byte[] {v}, b -> sized(b, 1).get());
    }

    /** @return characters in 2 bytes (UTF-16 code units) */
    static Codec<Character> characters() {
        return of(v -> ByteBuffer.allocate(2).putChar(v).array(), b -> sized(b, 2).getChar());
    }

    /** @return booleans in 1 byte, 1 or 0 */
    static Codec<Boolean> booleans() {
        return of(v -> new byte[] {(byte) (v ? 1 : 0)}, b -> sized(b, 1).get() != 0);
    }

    /** @return doubles in 8 bytes (IEEE 754 bits) */
    static Codec<Double> doubles() {
        return of(v -> ByteBuffer.allocate(8).putDouble(v).array(), b -> sized(b, 8).getDouble());
    }

    /** @return floats in 4 bytes (IEEE 754 bits) */
    static Codec<Float> floats() {
        return of(v -> ByteBuffer.allocate(4).putFloat(v).array(), b -> sized(b, 4).getFloat());
    }

    private static ByteBuffer sized(byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("expected bytes=" + expected + " but got length=" + bytes.length);
        }
        return ByteBuffer.wrap(bytes);
    }
}
