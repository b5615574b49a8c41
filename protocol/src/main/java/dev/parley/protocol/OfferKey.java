package dev.parley.protocol;

/**
 * Names one foreign offer at the home: the remote node (its address and incarnation) and
 * the operation id it chose. Immutable; any thread may use it.
 *
 * @param peer the remote node's address, as the adapter names it
 * @param incarnation the remote node's incarnation id
 * @param opId the remote node's id for the operation
 */
public record OfferKey(String peer, long incarnation, long opId) {
}
