package dev.parley.net.contract;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.net.Codec;
import dev.parley.net.Node;
import dev.parley.net.NodeConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channels for the core's contract suites whose ends live in other nodes than the home: a
 * home node hosts each channel; the remote ends are connected from a second node, or, with both
 * ends remote, the readers from a second node and the writers from a third (the home relays
 * between them, docs/PROTOCOL.md). One set of nodes per mode is shared by
 * every suite of the run ({@link #shared}) and closed at the end of the run by
 * {@link OverTheNetwork} through {@link #closeAll}. Any thread may call it.
 */
final class RemoteKind implements AutoCloseable {

    /** Which ends of a contract channel are remote. */
    enum Mode {
        WRITER_REMOTE,
        READER_REMOTE,
        /** Readers on one node, writers on another, the home a third. */
        BOTH_REMOTE,
        /** As WRITER_REMOTE, with a remote node whose writer ends write ahead into buffered channels. */
        WRITE_AHEAD
    }

    /** The contract sends Integer and String: one tag byte, then the value. */
    static final Codec<Object> INT_OR_STRING = Codec.of(v -> {
        if (v instanceof Integer i) {
            return ByteBuffer.allocate(5).put((byte) 'I').putInt(i).array();
        }
        byte[] s = ((String) v).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + s.length).put((byte) 'S').put(s).array();
    }, b -> b[0] == 'I' ? (Object) ByteBuffer.wrap(b, 1, 4).getInt()
            : new String(b, 1, b.length - 1, StandardCharsets.UTF_8));

    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);

    private static final Map<Mode, RemoteKind> SHARED = new ConcurrentHashMap<>();

    private final Mode mode;
    private final Node home;
    private final Node remote;
    private final Node writers; // BOTH_REMOTE: where the writer ends live; else null

    private RemoteKind(Mode mode, Node home, Node remote, Node writers) {
        this.mode = mode;
        this.home = home;
        this.remote = remote;
        this.writers = writers;
    }

    /** @return the nodes of {@code mode}, started on first use */
    static RemoteKind shared(Mode mode) {
        return SHARED.computeIfAbsent(mode, RemoteKind::start);
    }

    /** Closes every shared set of nodes. */
    static void closeAll() {
        for (Mode m : Mode.values()) {
            RemoteKind k = SHARED.remove(m);
            if (k != null) {
                k.close();
            }
        }
    }

    private static RemoteKind start(Mode mode) {
        Node home = node();
        Node remote = null;
        try {
            remote = mode == Mode.WRITE_AHEAD ? Node.start(config().withWriteAhead()) : node();
            return new RemoteKind(mode, home, remote, mode == Mode.BOTH_REMOTE ? node() : null);
        } catch (RuntimeException e) {
            try (Node h = home; Node r = remote) {
                throw e; // both closed, also if closing one throws
            }
        }
    }

    private static Node node() {
        return Node.start(config());
    }

    private static NodeConfig config() {
        return NodeConfig.of("127.0.0.1", 0).withPeerTimeout(PEER_TIMEOUT);
    }

    @SuppressWarnings("unchecked")
    <T> Channel<T> channel(String name, int capacity) {
        Codec<T> codec = (Codec<T>) INT_OR_STRING;
        Channel<T> local = capacity == 0 ? home.channel(name, codec) : home.bufferedChannel(name, capacity, codec);
        boolean readersLocal = mode == Mode.WRITER_REMOTE || mode == Mode.WRITE_AHEAD;
        Channel<T> in = readersLocal ? local : connect(remote, name, codec);
        Channel<T> out = switch (mode) {
            case READER_REMOTE -> local;
            case WRITER_REMOTE, WRITE_AHEAD -> connect(remote, name, codec);
            case BOTH_REMOTE -> connect(writers, name, codec);
        };
        return new Channel<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ChannelInput<T> reader() {
                return in.reader();
            }

            @Override
            public ChannelOutput<T> writer() {
                return out.writer();
            }
        };
    }

    private <T> Channel<T> connect(Node from, String name, Codec<T> codec) {
        String a = home.address();
        return from.connect(name, "127.0.0.1", Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)), codec);
    }

    @Override
    public void close() {
        try (Node h = home; Node r = remote; Node w = writers) {
            // all closed, the remote nodes first, also if closing one throws
        }
    }
}
