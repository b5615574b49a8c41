package dev.parley.chaos;

import java.util.SplittableRandom;

/**
 * One fault on one direction of a {@link Proxy}, with a name and a toxicity: the probability,
 * from 0 to 1, that it applies to a given datagram (Toxiproxy's word). Made by the proxy's
 * {@code add...} methods; any thread may change its parameters or remove it while traffic
 * flows, and the change applies from the next datagram the relay receives (parameters are
 * volatile; the proxy keeps its toxics in a copy-on-write list).
 */
public abstract sealed class Toxic permits Latency, Loss, Duplicate, Reorder, Bandwidth, Partition {
    private final String name;
    private final ToxicDirection direction;
    private final Proxy proxy;
    private volatile double toxicity;

    Toxic(String name, ToxicDirection direction, double toxicity, Proxy proxy) {
        this.name = name;
        this.direction = direction;
        this.proxy = proxy;
        this.toxicity = checkToxicity(toxicity);
    }

    public String name() {
        return name;
    }

    public ToxicDirection direction() {
        return direction;
    }

    public double toxicity() {
        return toxicity;
    }

    /** Sets the probability that this toxic applies to a datagram, from 0 to 1. */
    public Toxic setToxicity(double toxicity) {
        this.toxicity = checkToxicity(toxicity);
        return this;
    }

    /** Removes this toxic from its proxy; datagrams received afterwards no longer meet it. */
    public void remove() {
        proxy.removeToxic(name);
    }

    /**
     * Decides, on the relay's receiving thread, whether this toxic applies to the datagram and,
     * if so, changes its fate. Draws exactly one random number per datagram for the toxicity,
     * so that a seed replays the same decisions for the same sequence of datagrams.
     */
    final void consider(Fate fate, int length, long nowNs, SplittableRandom random) {
        boolean applies = random.nextDouble() < toxicity;
        if (applies && !fate.dropped) {
            apply(fate, length, nowNs, random);
        }
    }

    abstract void apply(Fate fate, int length, long nowNs, SplittableRandom random);

    /** A short description of the parameters, for reports and failure messages. */
    public abstract String describe();

    static double checkToxicity(double toxicity) {
        if (!(toxicity >= 0.0 && toxicity <= 1.0)) {
            throw new IllegalArgumentException("toxicity must be within [0, 1]: toxicity=" + toxicity);
        }
        return toxicity;
    }

    static long checkNonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + what + "=" + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return name + "[" + direction + ", toxicity=" + toxicity + ", " + describe() + "]";
    }
}
