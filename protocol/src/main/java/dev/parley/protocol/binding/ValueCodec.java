package dev.parley.protocol.binding;

import java.nio.charset.StandardCharsets;

/**
 * Turns channel messages into bytes and back, explicitly (no Java serialization). Any thread
 * may use a codec; implementations must be stateless or thread-safe.
 *
 * @param <T> the message type
 */
public interface ValueCodec<T> {

    /** @return the bytes of a non-null message */
    byte[] encode(T message);

    /** @return the message of bytes made by {@link #encode} */
    T decode(byte[] bytes);

    /** @return a codec of strings as UTF-8 */
    static ValueCodec<String> utf8() {
        return new ValueCodec<>() {
            @Override
            public byte[] encode(String message) {
                return message.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };
    }
}
