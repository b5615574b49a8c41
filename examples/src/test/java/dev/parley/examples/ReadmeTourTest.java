package dev.parley.examples;

import dev.parley.Alternation;
import dev.parley.CSProcess;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.Parallel;
import dev.parley.Selected;
import dev.parley.Spawn;
import dev.parley.TimeoutGuard;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's tour, statement for statement, with its claims checked. */
@Timeout(30)
class ReadmeTourTest {

    @Test
    void channelsAndProcessesHandOverOneMessage() throws Exception {
        ConcurrentLinkedQueue<String> printed = new ConcurrentLinkedQueue<>();
        Channel<String> c = Channel.create("greetings");
        ChannelOutput<String> out = c.writer();
        ChannelInput<String> in = c.reader();
        Parallel.run(
                () -> out.write("hello"),
                () -> printed.add(in.read()));
        assertEquals("hello", printed.poll());
    }

    @Test
    void aFullBufferRefusesATimedWriteAndKeepsOrder() {
        Channel<Integer> queue = Channel.buffered("jobs", 2);
        ChannelOutput<Integer> jobs = queue.writer();
        jobs.write(1);
        jobs.write(2);
        boolean stored = jobs.write(3, Duration.ofMillis(10));
        Optional<Integer> first = queue.reader().read(Duration.ofSeconds(1));
        assertFalse(stored);
        assertEquals(Optional.of(1), first);
    }

    @Test
    void alternationTakesTheReadyGuard() throws Exception {
        Channel<String> a = Channel.create("a");
        Channel<String> b = Channel.create("b");
        ChannelInput<String> ra = a.reader();
        ChannelInput<String> rb = b.reader();
        ChannelOutput<String> wb = b.writer();
        Spawn.Handle writer = Spawn.start(() -> wb.write("from b"));
        Alternation alt = new Alternation(
                new InputGuard<>(ra),
                new InputGuard<>(rb),
                new TimeoutGuard(Duration.ofSeconds(1)));
        Selected s = alt.priSelect();
        assertEquals(1, s.index());
        assertEquals("from b", s.value());
        writer.join();
    }

    record Doubler(ChannelInput<Integer> in, ChannelOutput<Integer> out) implements CSProcess {
        public void run() {
            while (true) {
                out.write(2 * in.read());
            }
        }
    }

    @Test
    void poisonShutsTheNetworkDownAfterTheAnswer() throws Exception {
        ConcurrentLinkedQueue<Integer> printed = new ConcurrentLinkedQueue<>();
        Channel<Integer> numbers = Channel.create();
        Channel<Integer> doubled = Channel.create();
        ChannelOutput<Integer> source = numbers.writer();
        ChannelInput<Integer> sink = doubled.reader();
        Parallel.run(
                CSProcess.owning(() -> { source.write(21); source.poison(); }, source),
                new Doubler(numbers.reader(), doubled.writer()),
                CSProcess.owning(() -> { printed.add(sink.read()); sink.read(); }, sink));
        assertEquals(42, printed.poll());
    }

    @Test
    void theLocalDemoPrintsSixSquaresAndShutsDown() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LocalDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(6, out.lines().filter(l -> l.startsWith("squared: ")).count(), out);
        assertTrue(out.contains("the network shut itself down"), out);
    }

    @Test
    void networkedChannelsCarryHelloOverANetworkBetweenTwoNodes() throws Exception {
        ConcurrentLinkedQueue<String> printed = new ConcurrentLinkedQueue<>();
        try (Node receiverNode = Node.start("127.0.0.1", 0); Node senderNode = Node.start("127.0.0.1", 0)) {
            int port = Integer.parseInt(receiverNode.address().substring(receiverNode.address().lastIndexOf(':') + 1));
            Channel<String> hosted = receiverNode.channel("A", Codec.strings());
            ChannelInput<String> in = hosted.reader();
            Channel<String> a = senderNode.connect("A", "127.0.0.1", port, Codec.strings());
            ChannelOutput<String> out = a.writer();
            Parallel.run(() -> printed.add(in.read()), () -> out.write("hello over a network"));
        }
        assertEquals("hello over a network", printed.poll());
    }
}
