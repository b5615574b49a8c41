package dev.parley.protocol.binding;

/**
 * Thrown by a remote operation (or connect) when nothing was heard from the peer for the
 * peer timeout before any commit was under way: nothing was delivered.
 */
public final class PeerUnreachableException extends RuntimeException {

    /** @param detail the peer and what was being done */
    public PeerUnreachableException(String detail) {
        super(detail);
    }
}
