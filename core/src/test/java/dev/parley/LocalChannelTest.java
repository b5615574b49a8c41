package dev.parley;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only channels of this JVM promise: their factories, names and argument checks. */
class LocalChannelTest {

    @Test
    void channelsMadeWithoutANameGetDistinctNamesEvenWhenMadeConcurrently() throws Exception {
        Set<String> names = ConcurrentHashMap.newKeySet();
        List<CSProcess> makers = new ArrayList<>();
        int perMaker = 5_000;
        for (int m = 0; m < 4; m++) {
            boolean buffered = m % 2 == 0;
            makers.add(() -> {
                for (int i = 0; i < perMaker; i++) {
                    Channel<Integer> c = buffered ? Channel.buffered(2) : Channel.create();
                    names.add(c.name());
                }
            });
        }
        Parallel.run(Thread.ofPlatform().factory(), makers);
        assertEquals(4 * perMaker, names.size(), "generated names must be unique");
    }

    @Test
    void aBufferOfLessThanOneMessageIsRejectedWithTheOffendingValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Channel.buffered(0));
        assertTrue(zero.getMessage().contains("capacity=0"), zero.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Channel.buffered("b", -3));
        assertTrue(negative.getMessage().contains("capacity=-3"), negative.getMessage());
    }

    @Test
    void aNullNameIsRejected() {
        assertThrows(NullPointerException.class, () -> Channel.create(null));
        assertThrows(NullPointerException.class, () -> Channel.buffered(null, 1));
    }

    @Test
    void channelsAndEndsDescribeThemselves() {
        Channel<Integer> c = Channel.buffered("described", 4);
        assertEquals("Channel[described, capacity=4]", c.toString());
        assertEquals("ChannelInput[described]", c.reader().toString());
        assertEquals("ChannelOutput[described]", c.writer().toString());
        assertEquals("Channel[plain]", Channel.create("plain").toString());
    }
}
