package dev.parley.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Plain UDP sockets on 127.0.0.1 for the relay's tests; each test closes what it opens. */
final class Udp {
    private Udp() {
    }

    static DatagramSocket socket() {
        try {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            s.setReceiveBufferSize(1 << 20);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetSocketAddress address(DatagramSocket s) {
        return (InetSocketAddress) s.getLocalSocketAddress();
    }

    /** A datagram carrying a sequence number, padded to {@code size} bytes. */
    static byte[] numbered(long seq, int size) {
        return ByteBuffer.allocate(Math.max(size, Long.BYTES)).putLong(0, seq).array();
    }

    static long seqOf(DatagramPacket p) {
        return ByteBuffer.wrap(p.getData(), p.getOffset(), p.getLength()).getLong();
    }

    static void send(DatagramSocket s, SocketAddress to, byte[] bytes) {
        try {
            s.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Blocks up to {@code timeoutMs} for one datagram; null when none came. */
    static DatagramPacket receive(DatagramSocket s, int timeoutMs) {
        try {
            s.setSoTimeout(timeoutMs);
            DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
            s.receive(p);
            return p;
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Receives datagrams until none comes for {@code quietMs}; returns their sequence numbers in arrival order. */
    static List<Long> receiveUntilQuiet(DatagramSocket s, int quietMs) {
        List<Long> seqs = new ArrayList<>();
        for (DatagramPacket p = receive(s, quietMs); p != null; p = receive(s, quietMs)) {
            seqs.add(seqOf(p));
        }
        return seqs;
    }

    /**
     * Sends {@code n} numbered datagrams, pausing every 50 until the relay has received them
     * all (read from {@code received}), so that no socket buffer on loopback overflows.
     */
    static void sendPaced(DatagramSocket s, SocketAddress to, int n, int size, LongSupplier received) {
        for (int i = 0; i < n; i++) {
            send(s, to, numbered(i, size));
            if (i % 50 == 49) {
                awaitCount(received, i + 1);
            }
        }
        awaitCount(received, n);
    }

    /** Waits (sleeping 1 ms at a time, at most 10 s) until {@code counter} reaches {@code target}. */
    static void awaitCount(LongSupplier counter, long target) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (counter.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("counter stayed at " + counter.getAsLong() + ", expected " + target);
            }
            sleep(1);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
