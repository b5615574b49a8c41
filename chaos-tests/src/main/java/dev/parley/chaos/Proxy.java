package dev.parley.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One link of the UDP fault relay, in Toxiproxy's vocabulary: it listens on 127.0.0.1 and
 * relays every datagram to its upstream address (UPSTREAM), and every reply back to the source
 * address the client used (DOWNSTREAM), passing each datagram through the toxics of its
 * direction in the order they were added.
 *
 * <p>Thread-safety: the proxy is thread-safe. Any thread may add, change and remove toxics and
 * read counters while traffic flows; a change applies from the next datagram received. Its own
 * threads are one receiving thread, which blocks in {@link Selector#select()} (it never
 * spins), and one scheduler thread for delayed sends. {@link #close()} stops both and closes
 * every socket.
 *
 * <p>Each client source address gets its own upstream socket (bound to 127.0.0.1, port chosen
 * by the system), so the upstream server sees one source per client and its replies find the
 * way back; that is what lets an Aeron receiver's status messages and NAKs, sent to the source
 * of the data, cross the relay.
 *
 * <p>Implementation note. Invariant SEEDED: every random decision is drawn on the receiving
 * thread from a per-direction generator split from the seed, one draw per toxic per datagram,
 * so a seed replays the same decisions for the same datagrams in the same order. Invariant
 * ONE_HELD: at most one datagram per direction is held by a reorder toxic; it is released
 * right after the next datagram of its direction, or by its timer, whichever comes first
 * (guarded by that direction's lock).
 */
public final class Proxy implements AutoCloseable {

    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final int MAX_DATAGRAM = 65_536;
    private static final System.Logger LOG = System.getLogger(Proxy.class.getName());

    private final String name;
    private final InetSocketAddress upstream;
    private final long seed;
    private final DatagramChannel listen;
    private final Selector selector;
    private final ScheduledExecutorService scheduler;
    private final Thread receiver;
    private final Map<ToxicDirection, Lane> lanes = new EnumMap<>(ToxicDirection.class);
    private final Map<SocketAddress, DatagramChannel> sessions = new HashMap<>(); // receiving thread only
    private final ReentrantLock toxicsLock = new ReentrantLock();
    private volatile boolean closed;

    private Proxy(String name, int listenPort, InetSocketAddress upstream, long seed) throws IOException {
        if (listenPort < 0 || listenPort > 65_535) {
            throw new IllegalArgumentException("listenPort must be within [0, 65535]: listenPort=" + listenPort);
        }
        if (!upstream.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the relay only reaches loopback addresses: upstream=" + upstream);
        }
        this.name = name;
        this.upstream = upstream;
        this.seed = seed;
        SplittableRandom root = new SplittableRandom(seed);
        for (ToxicDirection d : ToxicDirection.values()) {
            lanes.put(d, new Lane(root.split()));
        }
        selector = Selector.open();
        listen = DatagramChannel.open();
        try {
            listen.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
            withLargeBuffers(listen);
            listen.configureBlocking(false);
            listen.register(selector, SelectionKey.OP_READ, null);
        } catch (IOException | RuntimeException e) {
            listen.close();
            selector.close();
            throw e;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "relay-" + name + "-delay"));
        receiver = daemon(this::receiveLoop, "relay-" + name + "-receive");
        receiver.start();
    }

    /**
     * Opens a proxy listening on 127.0.0.1:{@code listenPort} (0 lets the system choose) that
     * relays to {@code upstream}, which must be a loopback address. Random decisions come from
     * {@code seed}.
     */
    public static Proxy open(String name, int listenPort, InetSocketAddress upstream, long seed) {
        try {
            return new Proxy(name, listenPort, upstream, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open proxy " + name + " on 127.0.0.1:" + listenPort, e);
        }
    }

    public String name() {
        return name;
    }

    public long seed() {
        return seed;
    }

    public InetSocketAddress upstream() {
        return upstream;
    }

    /** The address clients send to: 127.0.0.1 and the bound port. */
    public InetSocketAddress listenAddress() {
        try {
            return (InetSocketAddress) listen.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DirectionCounters counters(ToxicDirection direction) {
        return lanes.get(direction).counters;
    }

    // ---- toxics -------------------------------------------------------------------------------

    public Latency addLatency(String name, ToxicDirection direction, long latencyMs, long jitterMs) {
        return add(new Latency(name, direction, 1.0, latencyMs, jitterMs, this));
    }

    public Loss addLoss(String name, ToxicDirection direction, double rate) {
        return add(new Loss(name, direction, rate, this));
    }

    public Duplicate addDuplicate(String name, ToxicDirection direction, double probability, int copies) {
        return add(new Duplicate(name, direction, probability, copies, this));
    }

    public Reorder addReorder(String name, ToxicDirection direction, double probability, long maxHoldMs) {
        return add(new Reorder(name, direction, probability, maxHoldMs, this));
    }

    public Bandwidth addBandwidth(String name, ToxicDirection direction, long bytesPerSecond, long burstBytes) {
        return add(new Bandwidth(name, direction, 1.0, bytesPerSecond, burstBytes, this));
    }

    public Partition addPartition(String name, ToxicDirection direction) {
        return add(new Partition(name, direction, 1.0, this));
    }

    /**
     * Cuts the given directions (both when none is given): adds a partition toxic named
     * {@code partition-upstream} or {@code partition-downstream} for each direction not already cut.
     */
    public void partition(ToxicDirection... directions) {
        ToxicDirection[] cut = directions.length == 0 ? ToxicDirection.values() : directions;
        toxicsLock.lock();
        try {
            for (ToxicDirection d : cut) {
                String partitionName = "partition-" + d.name().toLowerCase(java.util.Locale.ROOT);
                if (find(partitionName) == null) {
                    addPartition(partitionName, d);
                }
            }
        } finally {
            toxicsLock.unlock();
        }
    }

    /** Removes every partition toxic of this proxy, whatever its name. */
    public void heal() {
        for (Lane lane : lanes.values()) {
            lane.toxics.removeIf(t -> t instanceof Partition);
        }
    }

    /** Removes every toxic (Toxiproxy's reset); counters are kept. */
    public void reset() {
        for (Lane lane : lanes.values()) {
            lane.toxics.clear();
        }
    }

    /** The toxic of that name, or an IllegalArgumentException naming the toxics there are. */
    public Toxic toxic(String name) {
        Toxic t = find(name);
        if (t == null) {
            throw new IllegalArgumentException("no toxic name=" + name + " on proxy " + this.name + "; toxics="
                    + toxics());
        }
        return t;
    }

    public List<Toxic> toxics() {
        List<Toxic> all = new java.util.ArrayList<>();
        for (Lane lane : lanes.values()) {
            all.addAll(lane.toxics);
        }
        return all;
    }

    public void removeToxic(String name) {
        Toxic t = toxic(name);
        lanes.get(t.direction()).toxics.remove(t);
    }

    private <T extends Toxic> T add(T toxic) {
        toxicsLock.lock();
        try {
            if (find(toxic.name()) != null) {
                throw new IllegalArgumentException("proxy " + name + " already has a toxic name=" + toxic.name());
            }
            lanes.get(toxic.direction()).toxics.add(toxic);
            return toxic;
        } finally {
            toxicsLock.unlock();
        }
    }

    private Toxic find(String toxicName) {
        for (Lane lane : lanes.values()) {
            for (Toxic t : lane.toxics) {
                if (t.name().equals(toxicName)) {
                    return t;
                }
            }
        }
        return null;
    }

    // ---- relaying -----------------------------------------------------------------------------

    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        try {
            while (!closed) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isReadable()) {
                        drain((DatagramChannel) key.channel(), (SocketAddress) key.attachment(), buffer);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (ClosedChannelException | java.nio.channels.ClosedSelectorException e) {
            // closing: nothing to do
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.ERROR, "relay " + name + " stopped receiving", e);
            }
        }
    }

    /** Reads every datagram waiting on a channel; {@code client} is null for the listen channel. */
    private void drain(DatagramChannel channel, SocketAddress client, ByteBuffer buffer) throws IOException {
        while (true) {
            buffer.clear();
            SocketAddress source = channel.receive(buffer);
            if (source == null) {
                return;
            }
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            if (client == null) {
                DatagramChannel session = sessionFor(source);
                relay(ToxicDirection.UPSTREAM, bytes, b -> session.send(ByteBuffer.wrap(b), upstream));
            } else {
                relay(ToxicDirection.DOWNSTREAM, bytes, b -> listen.send(ByteBuffer.wrap(b), client));
            }
        }
    }

    /**
     * Asks the kernel for 4 MiB socket buffers (it caps them at net.core.rmem_max/wmem_max):
     * with the default of about 200 KiB a burst of a few hundred datagrams, met while the relay
     * thread waits for a core, overflows the buffer, and the relay would lose datagrams that no
     * toxic dropped.
     */
    private static void withLargeBuffers(DatagramChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
    }

    private DatagramChannel sessionFor(SocketAddress client) throws IOException {
        DatagramChannel session = sessions.get(client);
        if (session == null) {
            session = DatagramChannel.open();
            session.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            withLargeBuffers(session);
            session.configureBlocking(false);
            session.register(selector, SelectionKey.OP_READ, client);
            sessions.put(client, session);
        }
        return session;
    }

    private void relay(ToxicDirection direction, byte[] bytes, Sink sink) {
        Lane lane = lanes.get(direction);
        lane.counters.in.increment();
        lane.counters.bytesIn.add(bytes.length);
        long nowNs = System.nanoTime();
        Fate fate = new Fate();
        for (Toxic t : lane.toxics) {
            t.consider(fate, bytes.length, nowNs, lane.random);
        }
        if (fate.dropped) {
            lane.counters.dropped.increment();
            return;
        }
        int copies = 1 + fate.extraCopies;
        lane.counters.duplicated.add(fate.extraCopies);
        Pending pending = new Pending(bytes, sink, copies, fate.delayNs, lane);
        Pending release;
        lane.lock.lock();
        try {
            if (fate.held && lane.held == null) {
                lane.held = pending;
                lane.counters.delayed.increment();
                lane.holdTimer = schedule(() -> releaseHeld(lane), fate.holdBy.maxHoldNs());
                return;
            }
            release = lane.held;
            lane.held = null;
            if (release != null && lane.holdTimer != null) {
                lane.holdTimer.cancel(false);
            }
        } finally {
            lane.lock.unlock();
        }
        emit(pending, pending.delayNs);
        if (release != null) {
            emit(release, Math.max(release.delayNs, pending.delayNs)); // after the one it swapped with
        }
    }

    private void releaseHeld(Lane lane) {
        Pending release;
        lane.lock.lock();
        try {
            release = lane.held;
            lane.held = null;
        } finally {
            lane.lock.unlock();
        }
        if (release != null) {
            emit(release, release.delayNs);
        }
    }

    private void emit(Pending p, long delayNs) {
        if (delayNs <= 0) {
            p.send();
        } else {
            p.lane.counters.delayed.increment();
            schedule(p::send, delayNs);
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayNs) {
        try {
            return scheduler.schedule(task, delayNs, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null; // closing: the datagram is lost, as on a link that went down
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        scheduler.shutdownNow();
        try {
            receiver.join(TimeUnit.SECONDS.toMillis(5));
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(listen);
            sessions.values().forEach(Proxy::closeQuietly);
            closeQuietly(selector);
        }
    }

    /** Whether both relay threads have ended (after {@link #close()}). */
    public boolean threadsEnded() {
        return !receiver.isAlive() && scheduler.isTerminated();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + c, e);
        }
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        return "Proxy[" + name + " " + (closed ? "closed" : listenAddress()) + " -> " + upstream + ", seed=" + seed
                + "]";
    }

    @FunctionalInterface
    private interface Sink {
        void send(byte[] bytes) throws IOException;
    }

    /** The toxics, random generator, counters and held datagram of one direction. */
    private static final class Lane {
        final CopyOnWriteArrayList<Toxic> toxics = new CopyOnWriteArrayList<>();
        final SplittableRandom random; // receiving thread only
        final DirectionCounters counters = new DirectionCounters();
        final ReentrantLock lock = new ReentrantLock();
        Pending held;                  // guarded by lock
        ScheduledFuture<?> holdTimer;  // guarded by lock

        Lane(SplittableRandom random) {
            this.random = random;
        }
    }

    /** A datagram on its way out, with its copies. */
    private record Pending(byte[] bytes, Sink sink, int copies, long delayNs, Lane lane) {
        void send() {
            for (int i = 0; i < copies; i++) {
                try {
                    sink.send(bytes);
                    lane.counters.out.increment();
                } catch (ClosedChannelException e) {
                    return; // the proxy closed while this datagram waited
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "relay send failed", e);
                }
            }
        }
    }
}
