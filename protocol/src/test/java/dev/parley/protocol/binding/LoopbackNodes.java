package dev.parley.protocol.binding;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.protocol.ProtocolConfig;
import dev.parley.protocol.ProtocolNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;

/**
 * The loopback binding tests' fixture: a home node and a remote node, each a
 * {@link NodeLoop} on its own thread, over a {@link LoopbackNetwork} in one JVM, with the
 * channels the home hosts and the remote node's ends of them; a test may start more
 * nodes, and every node is closed after it.
 */
abstract class LoopbackNodes {

    static final ProtocolConfig CONFIG = ProtocolConfig.defaults().withPeerTimeout(Duration.ofMillis(500));
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long an untimed operation on an end lost to a restart looks for its channel again. */
    static final Duration REOPEN = Duration.ofMillis(400);

    final LoopbackNetwork net = new LoopbackNetwork();
    /** Every node started, closed after each test: the home first, the remote second. */
    final List<NodeLoop> loops = new ArrayList<>();
    final HostedChannels homeChannels = new HostedChannels();
    final RemoteEndpoints remoteEnds = new RemoteEndpoints(REOPEN);
    /** The home's first incarnation; a restart starts another at its address. */
    final NodeLoop home;

    LoopbackNodes() {
        home = start("home", 101, homeChannels, new RemoteEndpoints());
        start("remote", 202, new HostedChannels(), remoteEnds);
    }

    /** Starts a node at {@code address} with the channels it hosts and its remote ends. */
    NodeLoop start(String address, long incarnation, HostedChannels hosted, RemoteEndpoints ends) {
        NodeLoop loop = new NodeLoop(incarnation, CONFIG, null, net.endpoint(address), hosted, ends);
        hosted.attach(loop);
        ends.attach(loop);
        net.register(address, loop);
        loops.add(loop);
        return loop;
    }

    @AfterEach
    void stopLoops() throws InterruptedException {
        for (NodeLoop loop : loops) {
            loop.close();
        }
    }

    /** @return a writer end, at the remote node, of the home's channel {@code name} */
    <T> ChannelOutput<T> remoteWriter(String name, ValueCodec<T> codec) {
        return remoteEnds.writer("home", name, remoteEnds.connect("home", name, TIMEOUT), codec);
    }

    /** Hosts {@code channel} at {@code where} with UTF-8 values, and returns it. */
    static Channel<String> hosted(HostedChannels where, Channel<String> channel) {
        where.host(channel, ValueCodec.utf8());
        return channel;
    }

    /** @return a reader end, at the remote node, of the home's channel {@code name} */
    <T> ChannelInput<T> remoteReader(String name, ValueCodec<T> codec) {
        return remoteEnds.reader("home", name, remoteEnds.connect("home", name, TIMEOUT), codec);
    }

    /** Waits until {@code condition}, asked on the node's thread, holds. */
    static void awaitOnNode(NodeLoop loop, Predicate<ProtocolNode> condition, String failure)
            throws Exception {
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            CompletableFuture<Boolean> holds = new CompletableFuture<>();
            loop.submit(() -> holds.complete(condition.test(loop.node())));
            if (holds.get()) {
                return;
            }
            assertTrue(System.nanoTime() < until, failure);
            Thread.sleep(5);
        }
    }
}
