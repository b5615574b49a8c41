package dev.parley.net;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain UDP forwarder for one client, standing in for a relay or NAT in front of a node:
 * datagrams to {@link #port()} go to the target, and the target's replies (Aeron's status
 * messages) go back to the client's last source. Tests call it from one thread; its two
 * threads block in {@code receive} and end on {@link #close}.
 */
final class UdpForwarder implements AutoCloseable {

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final AtomicLong forwarded = new AtomicLong();
    private volatile SocketAddress client;
    private Thread inbound;
    private Thread outbound;

    UdpForwarder() throws IOException {
        front = new DatagramSocket(new InetSocketAddress(Nodes.HOST, 0));
        back = new DatagramSocket(new InetSocketAddress(Nodes.HOST, 0));
    }

    int port() {
        return front.getLocalPort();
    }

    /** @return datagrams relayed from a client to the target so far */
    long forwarded() {
        return forwarded.get();
    }

    /** Starts relaying to {@code 127.0.0.1:targetPort}. */
    void start(int targetPort) {
        InetSocketAddress target = new InetSocketAddress(Nodes.HOST, targetPort);
        inbound = Thread.ofPlatform().daemon().name("forwarder-in").start(() -> relay(front, back, target));
        outbound = Thread.ofPlatform().daemon().name("forwarder-out").start(() -> relay(back, front, null));
    }

    /** Relays from {@code from} to {@code to}: to the target if given, else to the client. */
    private void relay(DatagramSocket from, DatagramSocket to, SocketAddress target) {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            while (true) {
                packet.setLength(65536);
                from.receive(packet);
                SocketAddress destination;
                if (target != null) {
                    client = packet.getSocketAddress();
                    forwarded.incrementAndGet();
                    destination = target;
                } else {
                    destination = client;
                }
                if (destination != null) {
                    to.send(new DatagramPacket(packet.getData(), packet.getLength(), destination));
                }
            }
        } catch (IOException closed) {
            // close() closed the socket: the relay ends
        }
    }

    @Override
    public void close() throws InterruptedException {
        front.close();
        back.close();
        if (inbound != null) {
            inbound.join();
            outbound.join();
        }
    }
}
