package dev.parley.protocol;

/**
 * Names one remote end at the home: the remote node (its address and incarnation) and the
 * end id it chose. Immutable; any thread may use it.
 *
 * @param peer the remote node's address, as the adapter names it
 * @param incarnation the remote node's incarnation id
 * @param endId the remote node's id for the end
 */
public record EndKey(String peer, long incarnation, long endId) {
}
