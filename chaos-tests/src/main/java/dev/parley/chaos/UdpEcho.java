package dev.parley.chaos;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A trivial node for testing the process harness: binds 127.0.0.1 at the port given (0 for
 * any), prints {@code READY <port>} and sends every datagram back to its source, until killed
 * or until its parent goes. Run as a child JVM's main class.
 */
public final class UdpEcho {
    private UdpEcho() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: UdpEcho <port>; args.length=" + args.length);
        }
        ParentWatch.exitWhenParentGoes();
        int port = Integer.parseInt(args[0]);
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket socket = new DatagramSocket(at)) {
            System.out.println(NodeProcess.READY + " " + socket.getLocalPort());
            System.out.flush();
            DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
            while (true) {
                p.setLength(65_536);
                socket.receive(p);     // blocks; a killed or paused JVM simply stops answering
                socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
        }
    }
}
