package dev.parley.chaos;

import java.util.SplittableRandom;

/**
 * Drops a datagram; the toxicity is the loss rate. Any thread may change it while traffic flows.
 */
public final class Loss extends Toxic {
    Loss(String name, ToxicDirection direction, double toxicity, Proxy proxy) {
        super(name, direction, toxicity, proxy);
    }

    @Override
    void apply(Fate fate, int length, long nowNs, SplittableRandom random) {
        fate.dropped = true;
    }

    @Override
    public String describe() {
        return "loss";
    }
}
