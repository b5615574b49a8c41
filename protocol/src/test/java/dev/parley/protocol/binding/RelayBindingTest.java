package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Alternation;
import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.InputGuard;
import dev.parley.OutputGuard;
import dev.parley.Parallel;
import dev.parley.PoisonException;
import dev.parley.Selected;
import dev.parley.TimeoutGuard;
import dev.parley.protocol.ProtocolConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A channel whose home is a third node and whose reader and writer ends are both remote: the
 * home relays between them (the core's {@code spi.Hold}, the protocol's HOLDING and HELD states
 * and RELEASE). Four nodes in one JVM over a loopback queue: the home, a writers' node, a
 * readers' node, and a node with both.
 */
class RelayBindingTest {

    private static final ProtocolConfig CONFIG = ProtocolConfig.defaults().withPeerTimeout(Duration.ofMillis(500));
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final LoopbackNetwork net = new LoopbackNetwork();
    private final List<NodeLoop> loops = new ArrayList<>();
    private final HostedChannels home = new HostedChannels();
    private final RemoteEndpoints writers = new RemoteEndpoints();
    private final RemoteEndpoints readers = new RemoteEndpoints();

    RelayBindingTest() {
        start("home", 101, home, new RemoteEndpoints());
        start("writers", 202, new HostedChannels(), writers);
        start("readers", 303, new HostedChannels(), readers);
    }

    private void start(String address, long incarnation, HostedChannels hosted, RemoteEndpoints ends) {
        NodeLoop loop = new NodeLoop(incarnation, CONFIG, null, net.endpoint(address), hosted, ends);
        hosted.attach(loop);
        ends.attach(loop);
        net.register(address, loop);
        loops.add(loop);
    }

    @AfterEach
    void stopLoops() throws InterruptedException {
        for (NodeLoop loop : loops) {
            loop.close();
        }
    }

    private Channel<String> hosted(String name) {
        Channel<String> c = Channel.create(name);
        home.host(c, ValueCodec.utf8());
        return c;
    }

    private static ChannelOutput<String> writer(RemoteEndpoints on, String name) {
        return on.writer("home", name, on.connect("home", name, TIMEOUT), ValueCodec.utf8());
    }

    private static ChannelInput<String> reader(RemoteEndpoints on, String name) {
        return on.reader("home", name, on.connect("home", name, TIMEOUT), ValueCodec.utf8());
    }

    @Test
    void aRemoteWriterReachesARemoteReaderThroughAThirdNodeInOrder() throws Exception {
        hosted("A");
        ChannelOutput<String> out = writer(writers, "A");
        ChannelInput<String> in = reader(readers, "A");
        List<String> got = new ArrayList<>();
        Parallel.run(() -> {
            for (int i = 0; i < 50; i++) {
                out.write("m-" + i);
            }
        }, () -> {
            for (int i = 0; i < 50; i++) {
                got.add(in.read());
            }
        });
        for (int i = 0; i < 50; i++) {
            assertEquals("m-" + i, got.get(i));
        }
    }

    @Test
    void bothEndsOnOneRemoteNodeMeetThroughTheHome() throws Exception {
        hosted("A");
        ChannelOutput<String> out = writer(writers, "A");
        ChannelInput<String> in = reader(writers, "A");
        String[] got = new String[1];
        Parallel.run(() -> out.write("round the world"), () -> got[0] = in.read());
        assertEquals("round the world", got[0]);
    }

    @Test
    void timedOperationsWithNoPartnerEndEmptyAndLoseNothing() throws Exception {
        hosted("A");
        ChannelOutput<String> out = writer(writers, "A");
        ChannelInput<String> in = reader(readers, "A");
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(100)), "no writer yet");
        assertFalse(out.write("unseen", Duration.ofMillis(100)), "no reader yet");
        assertEquals(Optional.empty(), in.read(Duration.ofMillis(100)), "a write that ended false was not delivered");
        String[] got = new String[1];
        Parallel.run(() -> assertTrue(out.write("seen", TIMEOUT)), () -> got[0] = in.read(TIMEOUT).orElseThrow());
        assertEquals("seen", got[0]);
    }

    @Test
    void remoteGuardsOnEitherSideOrBothMeetThroughTheHome() throws Exception {
        hosted("A");
        ChannelOutput<String> out = writer(writers, "A");
        ChannelInput<String> in = reader(readers, "A");
        Channel<String> idle = Channel.create("idle");
        Selected[] chosen = new Selected[2];

        Parallel.run(() -> out.write("to a guard"), () -> chosen[0] = new Alternation(
                new InputGuard<>(idle.reader()), new InputGuard<>(in)).select());
        assertEquals(1, chosen[0].index());
        assertEquals("to a guard", chosen[0].value());

        String[] got = new String[1];
        Parallel.run(() -> chosen[1] = new Alternation(new OutputGuard<>(idle.writer(), "never"),
                new OutputGuard<>(out, "from a guard")).select(), () -> got[0] = in.read());
        assertEquals(1, chosen[1].index());
        assertEquals("from a guard", got[0]);

        Parallel.run(() -> chosen[0] = new Alternation(new OutputGuard<>(out, "guard to guard"),
                        new TimeoutGuard(TIMEOUT)).select(),
                () -> chosen[1] = new Alternation(new InputGuard<>(in), new TimeoutGuard(TIMEOUT)).select());
        assertEquals(0, chosen[0].index());
        assertEquals(0, chosen[1].index());
        assertEquals("guard to guard", chosen[1].value());
    }

    @Test
    void anAlternationGuardingBothSidesIsNeverRelayedToItselfButMeetsAnotherNode() throws Exception {
        hosted("A");
        ChannelOutput<String> out = writer(readers, "A");
        ChannelInput<String> in = reader(readers, "A");
        Selected alone = new Alternation(new OutputGuard<>(out, "to myself?"), new InputGuard<>(in),
                new TimeoutGuard(Duration.ofMillis(300))).select();
        assertEquals(2, alone.index(), "a party never meets itself: only the timeout can fire");

        ChannelOutput<String> other = writer(writers, "A");
        Selected[] chosen = new Selected[1];
        Parallel.run(() -> other.write("from the other node"), () -> chosen[0] = new Alternation(
                new OutputGuard<>(out, "not taken"), new InputGuard<>(in), new TimeoutGuard(TIMEOUT)).select());
        assertEquals(1, chosen[0].index());
        assertEquals("from the other node", chosen[0].value());
    }

    @Test
    void aPoisonFromOneRemoteEndReachesTheOtherThroughTheHome() throws Exception {
        hosted("A");
        ChannelOutput<String> out = writer(writers, "A");
        ChannelInput<String> in = reader(readers, "A");
        Parallel.run(() -> {
            try {
                in.read();
                throw new AssertionError("read a value nobody wrote");
            } catch (PoisonException expected) {
                // the writer's poison, through the home
            }
        }, () -> {
            Thread.sleep(100);
            out.poison();
        });
    }

    /**
     * Writers on two nodes, plain and alternating with timeouts, and readers on two nodes, plain,
     * timed and alternating: every value that a write reported delivered is read exactly once,
     * and no value is read that was not written.
     */
    @Test
    void anyToAnyTrafficAcrossThreeNodesDeliversEachAcknowledgedMessageOnce() throws Exception {
        long seed = 20261204L;
        System.out.println("RelayBindingTest any-to-any seed=" + seed);
        hosted("A");
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        ConcurrentHashMap<String, Integer> read = new ConcurrentHashMap<>();
        AtomicInteger writing = new AtomicInteger(4);
        List<dev.parley.CSProcess> procs = new ArrayList<>();
        RemoteEndpoints[] sides = {writers, readers};
        for (int w = 0; w < 4; w++) {
            ChannelOutput<String> out = writer(sides[w % 2], "A");
            SplittableRandom random = new SplittableRandom(seed + w);
            int id = w;
            procs.add(() -> {
                for (int i = 0; i < 25; i++) {
                    String v = "w" + id + "-" + i;
                    boolean done = switch (random.nextInt(3)) {
                        case 0 -> {
                            out.write(v);
                            yield true;
                        }
                        case 1 -> out.write(v, Duration.ofMillis(1 + random.nextInt(30)));
                        default -> new Alternation(new OutputGuard<>(out, v),
                                new TimeoutGuard(Duration.ofMillis(1 + random.nextInt(30)))).select().index() == 0;
                    };
                    if (done) {
                        delivered.add(v);
                    }
                }
                writing.decrementAndGet();
            });
        }
        for (int r = 0; r < 4; r++) {
            ChannelInput<String> in = reader(sides[r % 2], "A");
            SplittableRandom random = new SplittableRandom(seed + 100 + r);
            procs.add(() -> {
                while (writing.get() > 0) {
                    Optional<String> v = switch (random.nextInt(2)) {
                        case 0 -> in.read(Duration.ofMillis(1 + random.nextInt(30)));
                        default -> {
                            Selected s = new Alternation(new InputGuard<>(in),
                                    new TimeoutGuard(Duration.ofMillis(1 + random.nextInt(30)))).select();
                            yield s.index() == 0 ? Optional.of((String) s.value()) : Optional.empty();
                        }
                    };
                    v.ifPresent(x -> read.merge(x, 1, Integer::sum));
                }
            });
        }
        Parallel.run(procs);
        for (String v : delivered) {
            assertEquals(1, read.getOrDefault(v, 0), () -> v + " was acknowledged: it must be read exactly once");
        }
        for (var e : read.entrySet()) {
            assertEquals(1, e.getValue(), () -> e.getKey() + " read more than once");
            assertTrue(delivered.contains(e.getKey()),
                    () -> e.getKey() + " read, but its write did not report it done");
        }
        assertTrue(delivered.size() > 10, "too little traffic to show anything: " + delivered.size());
    }
}
