package dev.parley.protocol;

import static dev.parley.protocol.SimNet.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenario tests' fixture: a home node hosting channel "A" and a remote node, over a
 * {@link SimNet} that loses nothing unless a test tells it to, with the outcomes each side saw.
 */
abstract class TwoNodes {

    static final ProtocolConfig CONFIG = ProtocolSimulationTest.CONFIG;
    static final long TIMEOUT = CONFIG.peerTimeoutNs();

    final SimNet net = new SimNet(1);
    final SimNetNode home = net.add("home", 11, CONFIG, null);
    final SimNetNode remote = net.add("remote", 22, CONFIG, null);
    final SimNet.Chan chan = home.host("A");
    final List<SimNet.Result> results = new ArrayList<>();
    final List<SimNet.Result> homeResults = new ArrayList<>();

    /** Gives every frame the same delay, {@code delayNs}: nothing is reordered. */
    void fixedDelay(long delayNs) {
        net.minDelayNs = delayNs;
        net.maxDelayNs = delayNs;
    }

    /** Runs the net for 10 ms: many round trips at the default delay of 100 us. */
    void settle() {
        net.runUntil(net.nowNs + 10 * MS);
    }

    /** @return a new remote end on channel "A" */
    long end(Frame.Side side) {
        return net.openEnd(remote, "home", "A", side);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static SimNet.Result only(List<SimNet.Result> list) {
        assertEquals(1, list.size(), () -> "results " + list);
        return list.get(0);
    }
}
