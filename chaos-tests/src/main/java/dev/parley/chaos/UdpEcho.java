package dev.parley.chaos;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A trivial node for testing the process harness: binds 127.0.0.1 at the port given (0 for
 * any), prints {@code READY <port>} and sends every datagram back to its source, until killed
 * or until its parent goes. With the second argument {@code announce} it first prints
 * {@code echo <seq>} ({@link Announced#print}, the datagram's first 8 bytes as a long), so a
 * test can tell whether a line printed before an action survives a SIGKILL. Run as a child
 * JVM's main class.
 */
public final class UdpEcho {
    private UdpEcho() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && !(args.length == 2 && args[1].equals("announce"))) {
            throw new IllegalArgumentException("usage: UdpEcho <port> [announce]; args.length=" + args.length);
        }
        boolean announce = args.length == 2;
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
                if (announce && p.getLength() >= Long.BYTES) {
                    Announced.print("echo " + java.nio.ByteBuffer.wrap(p.getData(), 0, p.getLength()).getLong());
                }
                socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
        }
    }
}
