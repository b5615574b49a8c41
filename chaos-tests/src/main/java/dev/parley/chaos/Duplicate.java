package dev.parley.chaos;

import java.util.SplittableRandom;

/**
 * Sends a datagram more than once: the given number of extra copies, right after the original
 * and with the same delay. Any thread may change it while traffic flows.
 */
public final class Duplicate extends Toxic {
    private volatile int copies;

    Duplicate(String name, ToxicDirection direction, double toxicity, int copies, Proxy proxy) {
        super(name, direction, toxicity, proxy);
        setCopies(copies);
    }

    public Duplicate setCopies(int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1: copies=" + copies);
        }
        this.copies = copies;
        return this;
    }

    public int copies() {
        return copies;
    }

    @Override
    void apply(Fate fate, int length, long nowNs, SplittableRandom random) {
        fate.extraCopies += copies;
    }

    @Override
    public String describe() {
        return "copies=" + copies;
    }
}
