package dev.parley.chaos;

import java.util.SplittableRandom;

/**
 * Cuts one direction of a link: while present and enabled, it drops every datagram it applies
 * to (toxicity 1 by default). A two-way partition is one of these on each direction; see
 * {@link Proxy#partition(ToxicDirection...)} and {@link Proxy#heal()}. Any thread may switch
 * it on and off while traffic flows.
 */
public final class Partition extends Toxic {
    private volatile boolean enabled = true;

    Partition(String name, ToxicDirection direction, double toxicity, Proxy proxy) {
        super(name, direction, toxicity, proxy);
    }

    public Partition setEnabled(boolean enabled) {
        this.enabled = enabled;
        return this;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    void apply(Fate fate, int length, long nowNs, SplittableRandom random) {
        if (enabled) {
            fate.dropped = true;
        }
    }

    @Override
    public String describe() {
        return enabled ? "cut" : "healed";
    }
}
