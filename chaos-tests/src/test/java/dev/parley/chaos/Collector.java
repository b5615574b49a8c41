package dev.parley.chaos;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads a socket on its own thread into a list of sequence numbers, so that the socket's
 * buffer never overflows while a test sends. The test thread calls {@link #awaitQuiet(int)}
 * and {@link #close()}; close is idempotent and joins the thread.
 */
final class Collector implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<Long> seqs = new ArrayList<>(); // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread thread;
    private volatile long lastNs = System.nanoTime();
    private volatile boolean closed;

    Collector(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::run, "test-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            DatagramPacket p;
            try {
                p = Udp.receive(socket, 50);
            } catch (RuntimeException e) {
                if (e.getCause() instanceof SocketException && socket.isClosed()) {
                    return;
                }
                throw e;
            }
            if (p != null) {
                lock.lock();
                try {
                    seqs.add(Udp.seqOf(p));
                } finally {
                    lock.unlock();
                }
                lastNs = System.nanoTime();
            }
        }
    }

    /** Waits until nothing has arrived for {@code quietMs}, then returns what arrived, in order. */
    List<Long> awaitQuiet(int quietMs) {
        while (System.nanoTime() - lastNs < quietMs * 1_000_000L) {
            Udp.sleep(10);
        }
        lock.lock();
        try {
            return new ArrayList<>(seqs);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(5_000);
    }
}
