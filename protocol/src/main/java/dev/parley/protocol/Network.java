package dev.parley.protocol;

/**
 * Where a {@link ProtocolNode}'s frames go: an Aeron publication per peer in the adapter, a
 * simulated network in the simulator. Called only from the node's thread, from inside a call
 * into the node; it must not block and must not call back into the node.
 */
public interface Network {

    /**
     * Sends one encoded frame, best effort: the protocol retransmits what is lost.
     *
     * @param peer the peer's address, as given to the node
     * @param frame the frame's bytes; the node does not touch them again
     */
    void send(String peer, byte[] frame);
}
