package dev.parley.net;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Node} starts. Immutable; any thread may use it. Start from {@link #of} and
 * change what you need with the {@code with...} methods.
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
 */
public record NodeConfig(String host, int port, String aeronDirectory, byte[] secret, Duration peerTimeout,
        Duration connectTimeout, int maxMessageBytes) {

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
        secret = secret == null ? null : secret.clone();
    }

    /** @return defaults at {@code host:port}: embedded driver, no secret, peer timeout 5 s, connect 10 s */
    public static NodeConfig of(String host, int port) {
        return new NodeConfig(host, port, null, null, Duration.ofSeconds(5), Duration.ofSeconds(10), 0);
    }

    /** @return this config using the external media driver whose directory is {@code dir} */
    public NodeConfig withAeronDirectory(String dir) {
        return new NodeConfig(host, port, dir, secret, peerTimeout, connectTimeout, maxMessageBytes);
    }

    /** @return this config authenticating every frame with {@code sharedSecret} */
    public NodeConfig withSecret(byte[] sharedSecret) {
        return new NodeConfig(host, port, aeronDirectory, sharedSecret, peerTimeout, connectTimeout, maxMessageBytes);
    }

    /** @return this config with another peer timeout */
    public NodeConfig withPeerTimeout(Duration timeout) {
        return new NodeConfig(host, port, aeronDirectory, secret, timeout, connectTimeout, maxMessageBytes);
    }

    /** @return this config with another default connect timeout */
    public NodeConfig withConnectTimeout(Duration timeout) {
        return new NodeConfig(host, port, aeronDirectory, secret, peerTimeout, timeout, maxMessageBytes);
    }

    /** @return this config with a lower limit on encoded messages */
    public NodeConfig withMaxMessageBytes(int bytes) {
        return new NodeConfig(host, port, aeronDirectory, secret, peerTimeout, connectTimeout, bytes);
    }

    @Override
    public byte[] secret() {
        return secret == null ? null : secret.clone();
    }

    @Override
    public String toString() {
        return "NodeConfig[host=" + host + ", port=" + port + ", aeronDirectory=" + aeronDirectory + ", secret="
                + (secret == null ? "none" : "set") + ", peerTimeout=" + peerTimeout + ", connectTimeout="
                + connectTimeout + ", maxMessageBytes=" + maxMessageBytes + "]";
    }
}
