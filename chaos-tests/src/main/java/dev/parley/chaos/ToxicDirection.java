package dev.parley.chaos;

/**
 * Which way through a {@link Proxy} a toxic acts, in Toxiproxy's words. Any thread may use it.
 */
public enum ToxicDirection {
    /** Datagrams from a client (the sender to the listen address) to the upstream server. */
    UPSTREAM,
    /** The replies: datagrams from the upstream server, relayed back to the client's source address. */
    DOWNSTREAM
}
