package dev.parley.chaos;

/**
 * What the toxics decided for one datagram: dropped, delayed, duplicated or held for a swap.
 * Made and used only on the relay's thread that received the datagram.
 */
final class Fate {
    boolean dropped;
    long delayNs;
    int extraCopies;
    boolean held;
    Reorder holdBy;
}
