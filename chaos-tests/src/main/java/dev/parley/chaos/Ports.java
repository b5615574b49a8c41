package dev.parley.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Free UDP ports on 127.0.0.1 for nodes that must restart at the same address. A port found
 * here is free when asked; another process may take it before it is used, which shows as a
 * clear bind error in the node's log. Any thread may call it.
 */
public final class Ports {
    private Ports() {
    }

    public static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on 127.0.0.1", e);
        }
    }
}
