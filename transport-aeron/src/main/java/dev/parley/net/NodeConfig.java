package dev.parley.net;

import dev.parley.protocol.ProtocolConfig;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Node} starts. Immutable; any thread may use it. Start from {@link #of} and
 * change what you need with the {@code with...} methods. A node behind a relay or a NAT
 * names, with {@link #withAdvertisedAddress}, the address its peers must send to.
 *
 * @param host the address to bind and to give peers (an address of this machine, such as
 *     127.0.0.1; not a wildcard, because peers answer to it)
 * @param port the UDP port, or 0 for one the system picks
 * @param aeronDirectory null for an embedded media driver (the default), or the directory of
 *     an external, already running media driver
 * @param secret null for none, or a shared secret with which every frame is authenticated
 *     (HMAC-SHA256); all nodes that talk to each other need the same one
 * @param peerTimeout a peer unheard of this long is unreachable: operations waiting on it fail
 * @param connectTimeout how long {@link Node#connect} waits for the channel by default
 * @param maxMessageBytes the largest encoded message a write may send; 0 for the largest the
 *     transport allows
 * @param advertisedHost null to give peers the bind address {@code host:port} (the default),
 *     or the host peers must send to, with {@code advertisedPort}: see
 *     {@link #withAdvertisedAddress}
 * @param advertisedPort the port peers must send to, or 0 with a null {@code advertisedHost}
 * @param creditWindow the most buffer slots a buffered channel hosted here reserves for one
 *     remote writer end that writes ahead (see {@link #withWriteAhead}); 0: none
 * @param writeAhead whether this node's remote writer ends write ahead into buffered channels
 *     whose homes grant them slots (see {@link #withWriteAhead})
 */
public record NodeConfig(String host, int port, String aeronDirectory, byte[] secret, Duration peerTimeout,
        Duration connectTimeout, int maxMessageBytes, String advertisedHost, int advertisedPort, int creditWindow,
        boolean writeAhead) {

    public NodeConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port=" + port + " must be within 0..65535");
        }
        if (host.isBlank() || host.equals("0.0.0.0") || host.contains("/")) {
            throw new IllegalArgumentException("host=" + host + " must be one address of this machine");
        }
        if (peerTimeout.toMillis() < 20) {
            throw new IllegalArgumentException("peerTimeout=" + peerTimeout + " must be at least 20 ms");
        }
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes=" + maxMessageBytes + " must not be negative");
        }
        if (creditWindow < 0) {
            throw new IllegalArgumentException("creditWindow=" + creditWindow + " must not be negative");
        }
        if (advertisedHost != null) {
            checkAdvertised(advertisedHost, advertisedPort);
        } else if (advertisedPort != 0) {
            throw new IllegalArgumentException("advertisedPort=" + advertisedPort + " needs an advertisedHost");
        }
        secret = secret == null ? null : secret.clone();
    }

    private static void checkAdvertised(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("advertisedPort=" + port + " must be within 1..65535");
        }
        InetAddress address;
        try {
            address = host.isBlank() || host.contains("/") || host.contains(":") ? null : InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            address = null;
        }
        if (address == null || !isLocal(address)) {
            throw new IllegalArgumentException("advertisedHost=" + host
                    + " must be a loopback, site-local or link-local IPv4 address or one of this machine's");
        }
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return false;
        }
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * @return defaults at {@code host:port}: embedded driver, no secret, peer timeout 5 s, connect
     *     10 s; remote writer ends that do not write ahead, and hosted buffered channels that grant
     *     those that do up to their share of the capacity
     */
    public static NodeConfig of(String host, int port) {
        return new NodeConfig(host, port, null, null, Duration.ofSeconds(5), Duration.ofSeconds(10), 0, null, 0,
                ProtocolConfig.DEFAULT_CREDIT_WINDOW, false);
    }

    /** @return this config using the external media driver whose directory is {@code dir} */
    public NodeConfig withAeronDirectory(String dir) {
        return new NodeConfig(host, port, dir, secret, peerTimeout, connectTimeout, maxMessageBytes, advertisedHost,
                advertisedPort, creditWindow, writeAhead);
    }

    /** @return this config authenticating every frame with {@code sharedSecret} */
    public NodeConfig withSecret(byte[] sharedSecret) {
        return new NodeConfig(host, port, aeronDirectory, sharedSecret, peerTimeout, connectTimeout, maxMessageBytes,
                advertisedHost, advertisedPort, creditWindow, writeAhead);
    }

    /** @return this config with another peer timeout */
    public NodeConfig withPeerTimeout(Duration timeout) {
        return new NodeConfig(host, port, aeronDirectory, secret, timeout, connectTimeout, maxMessageBytes,
                advertisedHost, advertisedPort, creditWindow, writeAhead);
    }

    /** @return this config with another default connect timeout */
    public NodeConfig withConnectTimeout(Duration timeout) {
        return new NodeConfig(host, port, aeronDirectory, secret, peerTimeout, timeout, maxMessageBytes,
                advertisedHost, advertisedPort, creditWindow, writeAhead);
    }

    /** @return this config with a lower limit on encoded messages */
    public NodeConfig withMaxMessageBytes(int bytes) {
        return new NodeConfig(host, port, aeronDirectory, secret, peerTimeout, connectTimeout, bytes, advertisedHost,
                advertisedPort, creditWindow, writeAhead);
    }

    /**
     * Gives peers another address than the bind address: the node puts {@code host:port} in
     * the envelope of every frame it sends, so peers answer there. For a relay or a NAT in
     * front of the node that forwards datagrams arriving at {@code host:port} to the bind
     * address (a fault-injecting proxy in the chaos tests, for instance). Peers then also
     * {@link Node#connect} to this address, not to the bind address.
     *
     * @param host a loopback, site-local or link-local IPv4 address, or one of this machine's
     *     (a name is resolved here, once)
     * @param port within 1..65535
     * @return this config advertising {@code host:port}
     * @throws IllegalArgumentException for any other host or port, naming the value
     */
    public NodeConfig withAdvertisedAddress(String host, int port) {
        Objects.requireNonNull(host, "host");
        return new NodeConfig(this.host, this.port, aeronDirectory, secret, peerTimeout, connectTimeout,
                maxMessageBytes, host, port, creditWindow, writeAhead);
    }

    /**
     * Makes this node's remote writer ends write ahead into buffered channels: the home of such a
     * channel reserves slots of its buffer for each such end (at most its credit window), and a
     * write under a reserved slot returns as soon as it is handed to this node, without the round
     * trip to the home; the home stores the writes, in order per end, as they arrive. A write that
     * finds no slot reserved waits for the home as any remote write does. Rendezvous channels are
     * not affected.
     *
     * <p>What this gives up: a write ahead is in the home's buffer about one network latency
     * after it returned, not when it returns, so a party at the home that the writer told by
     * another way may not find it yet; and it is lost if this node stops before the message
     * arrived (a {@link Node#close} first waits for it, bounded), or if the home restarts (whose
     * buffer is lost then too). Off by default: every remote buffered write returns once its
     * home has stored it.
     *
     * @return this config with writer ends that write ahead
     */
    public NodeConfig withWriteAhead() {
        return new NodeConfig(host, port, aeronDirectory, secret, peerTimeout, connectTimeout, maxMessageBytes,
                advertisedHost, advertisedPort, creditWindow, true);
    }

    /**
     * Sets how many slots of a buffered channel hosted here one remote writer end that writes
     * ahead may hold (see {@link #withWriteAhead}); by default as many as its share of the
     * capacity (the capacity divided among the ends that hold slots). 0 grants none, so that
     * every remote write to this node's channels waits until it is stored.
     *
     * @param slots at least 0
     * @return this config with that credit window
     */
    public NodeConfig withCreditWindow(int slots) {
        return new NodeConfig(host, port, aeronDirectory, secret, peerTimeout, connectTimeout, maxMessageBytes,
                advertisedHost, advertisedPort, slots, writeAhead);
    }

    @Override
    public byte[] secret() {
        return secret == null ? null : secret.clone();
    }

    @Override
    public String toString() {
        return "NodeConfig[host=" + host + ", port=" + port + ", aeronDirectory=" + aeronDirectory + ", secret="
                + (secret == null ? "none" : "set") + ", peerTimeout=" + peerTimeout + ", connectTimeout="
                + connectTimeout + ", maxMessageBytes=" + maxMessageBytes + ", advertised="
                + (advertisedHost == null ? "bind address" : advertisedHost + ":" + advertisedPort) + ", creditWindow="
                + creditWindow + ", writeAhead=" + writeAhead + "]";
    }
}
