package dev.parley.protocol.binding;

/**
 * Completes the futures of callers that wait for a node whose thread stopped (see
 * {@link RemoteEndpoints}, whose stop hook makes it); never reaches a user as such: each
 * waiter turns it into what its own contract throws.
 */
final class NodeStopped extends RuntimeException {

    /** @param failure what stopped the node's thread, or null after a close */
    NodeStopped(RuntimeException failure) {
        super(failure == null ? "the node is closed" : "the node's protocol thread stopped on a failure",
                failure, false, false);
    }

    IllegalStateException asIllegalState() {
        return new IllegalStateException(getMessage(), getCause());
    }
}
