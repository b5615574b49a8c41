package dev.parley.net;

import dev.parley.Channel;
import dev.parley.ChannelInput;
import dev.parley.ChannelOutput;
import dev.parley.protocol.Counters;
import dev.parley.protocol.Incarnations;
import dev.parley.protocol.ProtocolConfig;
import dev.parley.protocol.binding.HostedChannels;
import dev.parley.protocol.binding.NodeLoop;
import dev.parley.protocol.binding.RemoteEndpoints;
import dev.parley.protocol.binding.ValueCodec;
import io.aeron.Aeron;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A place in the network: hosts named channels at a UDP address and reaches channels hosted
 * by other nodes, over Aeron. Any thread may call any method; {@link #close} ends the node.
 *
 * <pre>{@code
 * try (Node node = Node.start("127.0.0.1", 7000)) {
 *     Channel<String> a = node.channel("A", Codec.strings());   // hosted here
 *     System.out.println(a.reader().read());
 * }
 * // elsewhere:
 * try (Node node = Node.start("127.0.0.1", 0)) {
 *     node.connect("A", "127.0.0.1", 7000, Codec.strings()).writer().write("hello over a network");
 * }
 * }</pre>
 *
 * <p>The JVM needs {@code --add-opens java.base/jdk.internal.misc=ALL-UNNAMED} (Aeron's
 * requirement). Remote operations fail with
 * {@link dev.parley.protocol.binding.PeerUnreachableException} when the home node is unheard
 * for the peer timeout before any commit, and with
 * {@link dev.parley.protocol.binding.OutcomeUnknownException} when it fell silent or
 * restarted while a commit was possible (or, for a timed operation, when a commit under way
 * was not confirmed by one peer timeout past the deadline); never merely because frames are
 * slow to get through while the peer is heard.
 *
 * <h2>Implementation note</h2>
 * A node owns, in start order: an embedded media driver (unless an external directory is
 * configured), an Aeron client, an {@link AeronNetwork} (subscription and publications) and a
 * {@link NodeLoop} whose one thread runs the protocol and polls the subscription (no frame
 * crosses threads between Aeron and the protocol); {@link #close} stops them in reverse
 * order, and a failed start closes what it had started. The node logs once at start, once
 * at close, and never per message. Its incarnation id is made by {@link Incarnations} from
 * the wall clock and is greater than any earlier node's of this JVM, so that peers take a
 * node started again at the same address as newer (docs/NETWORK.md, known limits).
 */
public final class Node implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.parley.net");
    /** Envelope room: the sender's address travels before each frame (see AeronNetwork). */
    private static final int ENVELOPE_BYTES = 2 + 262;
    /** The longest close waits for the frames it sent to be acknowledged. */
    private static final long LINGER_MS = 2000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The last incarnation id a node of this JVM took: each next one is greater, so that nodes
     * started again at one address in one JVM are ordered whatever the wall clock does.
     */
    private static final AtomicLong LAST_INCARNATION = new AtomicLong();

    private final NodeConfig config;
    private final List<AutoCloseable> started;
    private final HostedChannels hosted = new HostedChannels();
    private final RemoteEndpoints remote;
    private final TransportCounters transportCounters = new TransportCounters();
    private final String address;
    private final String advertisedAddress;
    private final NodeLoop loop;
    private final int maxMessageBytes;
    private volatile boolean closed;

    private Node(NodeConfig config, List<AutoCloseable> started) {
        this.config = config;
        this.started = started;
        this.remote = new RemoteEndpoints(config.connectTimeout(), config.writeAhead());
        String dir = config.aeronDirectory();
        if (dir == null) {
            EmbeddedDriver driver = EmbeddedDriver.start();
            started.add(driver);
            dir = driver.directory();
        }
        Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir)
                .errorHandler(e -> LOG.log(Level.WARNING, "Aeron reported an error", e)));
        started.add(aeron);
        AeronNetwork network = new AeronNetwork(aeron, config.host(), config.port(),
                config.advertisedHost() == null ? null : config.advertisedHost() + ":" + config.advertisedPort(),
                transportCounters);
        started.add(network);
        this.address = network.self();
        this.advertisedAddress = network.advertised();
        ProtocolConfig protocol = protocolConfig(config);
        long incarnation = LAST_INCARNATION.updateAndGet(
                last -> Incarnations.after(last, System.currentTimeMillis(), RANDOM));
        this.loop = new NodeLoop(incarnation, protocol, config.secret(), network, hosted, remote);
        started.add(loop);
        hosted.attach(loop);
        remote.attach(loop);
        network.start(loop);
        this.maxMessageBytes = messageLimit(config, loop.node().maxValueBytes());
        LOG.log(Level.INFO, "Parley node at " + address
                + (advertisedAddress.equals(address) ? "" : ", advertising " + advertisedAddress)
                + " (incarnation " + Long.toHexString(incarnation)
                + ", " + (config.aeronDirectory() == null ? "embedded driver at " + dir : "external driver at " + dir)
                + ", peer timeout " + config.peerTimeout().toMillis() + " ms, max message " + maxMessageBytes
                + " bytes, " + (config.secret() == null
                        ? "no shared secret: frames are not authenticated)" : "frames authenticated by HMAC-SHA256)"));
    }

    private static ProtocolConfig protocolConfig(NodeConfig config) {
        ProtocolConfig d = ProtocolConfig.defaults().withPeerTimeout(config.peerTimeout());
        int maxFrame = EmbeddedDriver.TERM_BYTES / 8 - ENVELOPE_BYTES;
        return new ProtocolConfig(d.peerTimeoutNs(), d.heartbeatIntervalNs(), d.initialRtoNs(), d.minRtoNs(),
                d.maxRtoNs(), d.sendWindow(), d.receiveWindow(), d.lookupRetryNs(), maxFrame, config.creditWindow());
    }

    private static int messageLimit(NodeConfig config, int transportLimit) {
        int wanted = config.maxMessageBytes();
        if (wanted > transportLimit) {
            throw new IllegalArgumentException("maxMessageBytes=" + wanted + " exceeds what the transport carries, "
                    + "limit=" + transportLimit);
        }
        return wanted == 0 ? transportLimit : wanted;
    }

    /**
     * Starts a node. Blocks while the media driver starts and the address is bound.
     *
     * @throws IllegalStateException if the address cannot be bound (for example, in use)
     */
    public static Node start(NodeConfig config) {
        Objects.requireNonNull(config, "config");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            return new Node(config, started);
        } catch (RuntimeException | Error e) {
            closeAll(started, e);
            throw e;
        }
    }

    /** Starts a node with the defaults of {@link NodeConfig#of}; port 0 picks a free port. */
    public static Node start(String host, int port) {
        return start(NodeConfig.of(host, port));
    }

    /** @return where this node listens (its bind address), {@code host:port} */
    public String address() {
        return address;
    }

    /**
     * @return the address this node gives peers in every frame, {@code host:port}: the one
     *     of {@link NodeConfig#withAdvertisedAddress}, or else {@link #address()}
     */
    public String advertisedAddress() {
        return advertisedAddress;
    }

    /** @return the largest encoded message a write on this node's channels may carry */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Hosts a new rendezvous channel reachable by {@code name}.
     *
     * @throws IllegalArgumentException if this node already hosts a channel of that name
     */
    public <T> Channel<T> channel(String name, Codec<T> codec) {
        return host(Channel.create(name), codec);
    }

    /**
     * Hosts a new buffered channel of {@code capacity} messages reachable by {@code name}.
     *
     * @throws IllegalArgumentException if the name is taken or the capacity is below 1
     */
    public <T> Channel<T> bufferedChannel(String name, int capacity, Codec<T> codec) {
        return host(Channel.buffered(name, capacity), codec);
    }

    private <T> Channel<T> host(Channel<T> channel, Codec<T> codec) {
        checkOpen();
        hosted.host(channel, limited(channel.name(), codec));
        return channel;
    }

    /** Like {@link #connect(String, String, int, Codec, Duration)} with the configured connect timeout. */
    public <T> Channel<T> connect(String name, String host, int port, Codec<T> codec) {
        return connect(name, host, port, codec, config.connectTimeout());
    }

    /**
     * Reaches the channel {@code name} hosted by the node at {@code host:port}. Blocks until
     * that node answers that it hosts the channel, waiting for the channel to be created
     * there if need be, up to {@code timeout}; an interrupt ends the wait with
     * {@link dev.parley.ChannelInterruptedException}.
     *
     * @return a channel whose every reader and writer end is a remote end at the home
     * @throws dev.parley.protocol.binding.PeerUnreachableException if nothing answered at that
     *     address within the timeout
     * @throws IllegalStateException if the node answered but hosted no such channel in time
     */
    public <T> Channel<T> connect(String name, String host, int port, Codec<T> codec, Duration timeout) {
        checkOpen();
        String peer = host + ":" + port;
        long id = remote.connect(peer, name, timeout);
        ValueCodec<T> limited = limited(name, codec);
        return new Channel<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ChannelInput<T> reader() {
                checkOpen();
                return remote.reader(peer, name, id, limited);
            }

            @Override
            public ChannelOutput<T> writer() {
                checkOpen();
                return remote.writer(peer, name, id, limited);
            }

            @Override
            public String toString() {
                return "remote channel '" + name + "' at " + peer;
            }
        };
    }

    private <T> ValueCodec<T> limited(String name, Codec<T> codec) {
        Objects.requireNonNull(codec, "codec");
        return new ValueCodec<>() {
            @Override
            public byte[] encode(T message) {
                byte[] bytes = codec.encode(message);
                if (bytes.length > maxMessageBytes) {
                    throw new IllegalArgumentException("message on channel name=" + name + " encodes to bytes="
                            + bytes.length + ", above maxMessageBytes=" + maxMessageBytes);
                }
                return bytes;
            }

            @Override
            public T decode(byte[] bytes) {
                return codec.decode(bytes);
            }
        };
    }

    /** @return the protocol's counts (frames, retransmissions, rejections, outcomes) */
    public Counters counters() {
        return loop.node().counters();
    }

    /** @return the transport's counts about Aeron (lost, back-pressured, recreated publications) */
    public TransportCounters transportCounters() {
        return transportCounters;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("node address=" + address + " is closed");
        }
    }

    /**
     * Lets the frames already sent be acknowledged, then stops the protocol loop (which polls
     * the network), the Aeron client and the embedded driver, and frees the address. Blocks
     * while it waits for acknowledgements, at most {@value #LINGER_MS} ms or the peer timeout,
     * whichever is shorter (so that a poison or a TERMINATED sent just before is not lost with
     * the node), and until everything stopped; an interrupt cuts the wait short. Closing twice is a
     * no-op. Then every caller still waiting for this node is woken: a read, write or
     * alternation on one of its remote ends that was in flight throws
     * {@code OutcomeUnknownException} (its message was delivered at most once), a pending
     * connect throws {@link IllegalStateException}, as does every later operation on its remote
     * ends; and no local party of its hosted channels stays held for a remote end.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        linger();
        closeAll(started, null);
        LOG.log(Level.INFO, "Parley node at " + address + " closed");
    }

    /** Waits for the frames sent to be acknowledged; returns at once if the loop has stopped (a failure). */
    private void linger() {
        long deadlineNs = System.nanoTime() + Math.min(LINGER_MS * 1_000_000L, config.peerTimeout().toNanos());
        try {
            while (!loop.stopped() && System.nanoTime() - deadlineNs < 0) {
                CompletableFuture<Integer> unacked = new CompletableFuture<>();
                loop.submit(() -> unacked.complete(loop.node().unackedFrames())); // after every task before it
                // bounded: a loop that stops after this submit never runs the task
                if (unacked.get(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS) == 0) {
                    return;
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            return; // the linger's time is up
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "could not ask the node at " + address + " for its unacknowledged frames", e);
        }
    }

    private static void closeAll(List<AutoCloseable> parts, Throwable failure) {
        RuntimeException first = null;
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (first == null) {
                    first = new IllegalStateException("closing a node part failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        parts.clear();
        if (first != null) {
            throw first;
        }
    }
}
