package dev.parley.net;

import dev.parley.protocol.Network;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.binding.NodeLoop;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.FragmentHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The protocol's {@link Network} over Aeron UDP: one subscription on this node's address, one
 * publication per peer address. It is also the node loop's {@link NodeLoop.Inbound}: the
 * loop's thread polls the subscription and hands each frame to the protocol itself, so that
 * a frame crosses no thread between Aeron and the protocol. {@link #send} and {@link #poll}
 * are called only on the node's thread; the constructor, {@link #start} and {@link #close}
 * by the thread that owns the {@link Node}.
 *
 * <h2>Implementation note</h2>
 * Every datagram is an <em>envelope</em>: the sender's own address (a 16-bit big-endian
 * length, then that many bytes of UTF-8 {@code host:port}) followed by one protocol frame.
 * Aeron tells a receiver only the source socket of a publication, not where its node listens,
 * so the address the peer must answer to travels with each frame; the protocol authenticates
 * the frame, not this prefix, and a forged prefix can only misroute answers.
 * <p>
 * {@code offer} results: NOT_CONNECTED loses the frame (UDP semantics; the protocol
 * retransmits); BACK_PRESSURED and ADMIN_ACTION keep it in the peer's backlog (at most
 * {@value #MAX_BACKLOG} frames, older ones dropped), which is offered again before the next
 * frame to that peer and at every poll while a backlog remains; CLOSED and
 * MAX_POSITION_EXCEEDED close the publication, and the next frame to the peer makes a new one.
 * Nothing spins: the loop idles with a parking backoff (at most {@value EmbeddedDriver#MAX_PARK_US}
 * us, as the driver), and a backlog waits for the next round.
 * Invariant <b>one-thread</b>: the subscription, {@code publications} and {@code backlogs} are
 * touched only on the node's thread. Aeron catches what a fragment handler throws and only
 * reports it, so the handler keeps the protocol's failure and {@link #poll} throws it, which
 * stops the loop as a failing task would; fragments after it are dropped.
 */
final class AeronNetwork implements Network, NodeLoop.Inbound, AutoCloseable {

    static final int MAX_BACKLOG = 256;
    private static final int FRAGMENT_LIMIT = 32;
    private static final int STREAM_ID = 1001;

    private final Aeron aeron;
    private final Subscription subscription;
    private final String self;
    /** What each envelope names as the sender: {@code self}, or the address a relay listens at. */
    private final String advertised;
    private final byte[] selfBytes;
    private final TransportCounters counters;
    private final Map<String, ExclusivePublication> publications = new HashMap<>();
    private final Map<String, ArrayDeque<byte[]>> backlogs = new HashMap<>();
    private boolean backlogged;
    private final FragmentAssembler assembler = new FragmentAssembler(receiver());
    private ProtocolNode node;
    /** What the protocol threw while a poll handed it a frame; thrown by that poll. */
    private RuntimeException failure;

    /**
     * Subscribes on {@code host:port} (port 0: one the system picks); envelopes name
     * {@code advertised} as the sender, or the bind address if it is null.
     *
     * @throws IllegalStateException if the address cannot be bound (in use, or not local)
     */
    AeronNetwork(Aeron aeron, String host, int port, String advertised, TransportCounters counters) {
        this.aeron = aeron;
        this.counters = counters;
        try {
            this.subscription = aeron.addSubscription(channel(host + ":" + port), STREAM_ID);
        } catch (RegistrationException e) {
            throw new IllegalStateException("cannot listen at address=" + host + ":" + port
                    + " (in use by another node or process, or not an address of this machine): " + e.getMessage(), e);
        }
        this.self = host + ":" + resolvedPort(port);
        this.advertised = advertised == null ? self : advertised;
        this.selfBytes = this.advertised.getBytes(StandardCharsets.UTF_8);
    }

    private int resolvedPort(int port) {
        if (port != 0) {
            return port;
        }
        long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() - deadlineNs < 0) {
            String endpoint = subscription.resolvedEndpoint();
            if (endpoint != null) {
                return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
            }
            sleepMillis(1);
        }
        throw new IllegalStateException("the driver did not report the port it picked for channel="
                + subscription.channel());
    }

    static String channel(String address) {
        return "aeron:udp?endpoint=" + address;
    }

    /** @return this node's bind address, {@code host:port} */
    String self() {
        return self;
    }

    /** @return the address each envelope names as the sender, {@code host:port} */
    String advertised() {
        return advertised;
    }

    /** Starts polling: {@code nodeLoop}'s thread polls the subscription from its next round. */
    void start(NodeLoop nodeLoop) {
        nodeLoop.pollInbound(this, TimeUnit.MICROSECONDS.toNanos(EmbeddedDriver.MAX_PARK_US));
    }

    /** Hands the frames that arrived to {@code protocol}, and offers backlogged frames again. */
    @Override
    public int poll(ProtocolNode protocol) {
        node = protocol;
        int frames = subscription.poll(assembler, FRAGMENT_LIMIT);
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        if (backlogged) {
            flushBacklogs(); // no work counted: a lasting back-pressure must not keep the loop awake
        }
        return frames;
    }

    private FragmentHandler receiver() {
        return (DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) -> {
            if (length < 2) {
                counters.add(TransportCounters.Event.MALFORMED_ENVELOPES);
                return;
            }
            int addressLength = buffer.getShort(offset, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            int frameLength = length - 2 - addressLength;
            if (addressLength == 0 || frameLength < 0) {
                counters.add(TransportCounters.Event.MALFORMED_ENVELOPES);
                return;
            }
            if (failure != null) {
                return; // the node stops at the end of this poll
            }
            String peer = buffer.getStringWithoutLengthUtf8(offset + 2, addressLength);
            byte[] frame = new byte[frameLength];
            buffer.getBytes(offset + 2 + addressLength, frame);
            try {
                node.receive(peer, frame, 0, frame.length, System.nanoTime());
            } catch (RuntimeException e) {
                failure = e; // Aeron would only report it: see the class comment
            }
        };
    }

    @Override
    public void send(String peer, byte[] frame) {
        byte[] envelope = new byte[2 + selfBytes.length + frame.length];
        envelope[0] = (byte) (selfBytes.length >>> 8);
        envelope[1] = (byte) selfBytes.length;
        System.arraycopy(selfBytes, 0, envelope, 2, selfBytes.length);
        System.arraycopy(frame, 0, envelope, 2 + selfBytes.length, frame.length);
        ArrayDeque<byte[]> backlog = backlogs.get(peer);
        if (backlog != null && !backlog.isEmpty()) {
            flush(peer, backlog);
            if (!backlog.isEmpty()) {
                queue(peer, backlog, envelope);
                return;
            }
        }
        if (!offer(peer, envelope)) {
            queue(peer, backlogs.computeIfAbsent(peer, p -> new ArrayDeque<>()), envelope);
        }
    }

    private void queue(String peer, ArrayDeque<byte[]> backlog, byte[] envelope) {
        if (backlog.size() == MAX_BACKLOG) {
            backlog.pollFirst();
            counters.add(TransportCounters.Event.BACKLOG_DROPPED);
        }
        backlog.addLast(envelope);
        backlogged = true;
    }

    private void flushBacklogs() {
        backlogged = false;
        for (Map.Entry<String, ArrayDeque<byte[]>> e : backlogs.entrySet()) {
            flush(e.getKey(), e.getValue());
            if (!e.getValue().isEmpty()) {
                backlogged = true;
            }
        }
    }

    private void flush(String peer, ArrayDeque<byte[]> backlog) {
        while (!backlog.isEmpty() && offer(peer, backlog.peekFirst())) {
            backlog.pollFirst();
        }
    }

    /** @return false if the frame should be offered again later (back-pressure), true otherwise */
    private boolean offer(String peer, byte[] envelope) {
        ExclusivePublication pub = publications.get(peer);
        if (pub == null) {
            pub = aeron.addExclusivePublication(channel(peer), STREAM_ID);
            publications.put(peer, pub);
        }
        long result = pub.offer(new UnsafeBuffer(envelope));
        if (result > 0) {
            counters.add(TransportCounters.Event.FRAMES_OFFERED);
            return true;
        }
        if (result == Publication.NOT_CONNECTED) {
            counters.add(TransportCounters.Event.LOST_NOT_CONNECTED);
            return true;
        }
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) {
            counters.add(TransportCounters.Event.BACK_PRESSURED);
            return false;
        }
        // CLOSED or MAX_POSITION_EXCEEDED: this publication is done; the next frame makes a new one
        counters.add(TransportCounters.Event.PUBLICATIONS_RECREATED);
        publications.remove(peer);
        pub.close();
        return false;
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the driver", e);
        }
    }

    /** Closes the subscription and publications; call after the node's loop stopped (it polls them). */
    @Override
    public void close() {
        for (ExclusivePublication pub : publications.values()) {
            pub.close();
        }
        publications.clear();
        subscription.close();
    }
}
