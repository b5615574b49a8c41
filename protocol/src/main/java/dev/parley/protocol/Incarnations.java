package dev.parley.protocol;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Makes incarnation ids that order the lives of a node by their start time, so that a
 * session adopts only a newer incarnation of its peer and drops every frame of an older one
 * (see {@link Session}). Pure: the caller passes the start time (milliseconds since the
 * epoch over Aeron, the virtual time in the simulator) and the randomness. Any thread may
 * call it.
 *
 * <h2>Layout</h2>
 * <pre>
 *  63 62                                         20 19                 0
 * +--+---------------------------------------------+--------------------+
 * |0 | start time, milliseconds since the epoch    | random, never 0    |
 * |  | (43 bits: up to the year 2248)              | (20 bits)          |
 * +--+---------------------------------------------+--------------------+
 * </pre>
 * An id is positive, so ids compare as plain signed longs, and 0 ("no incarnation known
 * yet") is below every one. A later start gets a greater id. Two starts in the same
 * millisecond get ids that differ with probability 1 - 2^-20 but are not ordered; a node
 * that starts again at the same address in the same process passes its previous id to
 * {@link #after}, which orders them whatever the clock says.
 *
 * <p>The order holds across processes only if the wall clock of a restarted node reads
 * later than its previous start did. If the clock went back by more than the restart took,
 * the new id is smaller than the old one, and a peer that knew the old one drops every
 * frame of the new one (counted QUARANTINED) until that peer restarts too, or this node
 * restarts again after its clock passed the old start; peers that never heard the old
 * incarnation are not affected.
 */
public final class Incarnations {

    /** Random low bits of an id. */
    public static final int RANDOM_BITS = 20;
    /** The latest start time an id can carry (milliseconds since the epoch, in the year 2248). */
    public static final long MAX_START_MILLIS = (1L << (63 - RANDOM_BITS)) - 1;

    private Incarnations() {
    }

    /**
     * @param startMillis when the node starts, in milliseconds since the epoch (0 to
     *     {@link #MAX_START_MILLIS})
     * @param random the random low bits' source
     * @return an incarnation id for a node starting at {@code startMillis}
     */
    public static long next(long startMillis, RandomGenerator random) {
        return after(0, startMillis, random);
    }

    /**
     * As {@link #next}, for a node whose previous incarnation at the same address is known:
     * the id's start time is {@code startMillis}, or one millisecond after {@code previous}'s
     * start time if {@code startMillis} is not later than that, so that the id is greater
     * than {@code previous}.
     *
     * @param previous the node's previous incarnation id, or 0 if none is known
     * @return an incarnation id greater than {@code previous}
     * @throws IllegalArgumentException if {@code startMillis} or the start it needs is out of range
     */
    public static long after(long previous, long startMillis, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        if (previous < 0) {
            throw new IllegalArgumentException("previous=" + previous + " is not an incarnation id");
        }
        if (startMillis < 0 || startMillis > MAX_START_MILLIS) {
            throw new IllegalArgumentException("startMillis=" + startMillis + " is outside 0.." + MAX_START_MILLIS);
        }
        long start = previous == 0 ? startMillis : Math.max(startMillis, startMillis(previous) + 1);
        if (start > MAX_START_MILLIS) {
            throw new IllegalArgumentException("no incarnation id after previous=" + previous
                    + ": its start time is the last one an id can carry");
        }
        return start << RANDOM_BITS | random.nextInt(1, 1 << RANDOM_BITS);
    }

    /** @return the start time, in milliseconds since the epoch, that {@code incarnation} carries */
    public static long startMillis(long incarnation) {
        return incarnation >>> RANDOM_BITS;
    }
}
