package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.Workload.Chan;
import dev.parley.protocol.HoldAnswer;
import dev.parley.protocol.Outcome;
import java.nio.charset.StandardCharsets;

/**
 * Runs OPS alternations, each of a timeout and two or more of: a remote write guard, a
 * remote read guard, a local read guard and a local write guard on its own node's channel;
 * or, one in four, a probe of one remote guard (an immediate offer) followed by a skip. Only
 * the simulator's thread uses it.
 */
final class Alternator extends RemoteProcess {
    private final Chan own;
    private final Chan out;
    private final Chan in;
    private long outEnd;
    private long inEnd;
    private long outConnectedNs; // when outEnd was opened; connectedNs is inEnd's
    private int i;

    Alternator(Workload load, SimNode node, Chan own, Chan out, Chan in) {
        super(load, node, "alt", out);
        this.own = own;
        this.out = out;
        this.in = in;
    }

    /** Either end may be stale: the older one decides. */
    @Override
    boolean staleAfterHeal() {
        return Math.min(outConnectedNs, connectedNs) < load.resumeNs() && sim.nowNs() >= load.resumeNs();
    }

    @Override
    void start() {
        connect(out, true, e -> {
            outEnd = e;
            outConnectedNs = connectedNs;
            connect(in, false, e2 -> {
                inEnd = e2;
                later(think(100), this::alternate);
            });
        });
    }

    private void alternate() {
        if (i >= Workload.OPS || staleAfterHeal()) {
            retire(outEnd);
            retire(inEnd);
            if (i >= Workload.OPS) {
                finish();
            } else {
                start();
            }
            return;
        }
        // One selection in four is a probe of one remote guard before a skip guard, as a
        // priSelect of [remote guard, skip] makes: an immediate offer, and the skip if it is
        // not taken at once.
        boolean probe = sim.workload.nextInt(4) == 0;
        int drawn = probe ? 1 << sim.workload.nextInt(2) : 0;
        while (!probe && Integer.bitCount(drawn) < 2) {
            drawn = sim.workload.nextInt(16);
        }
        int mask = drawn;
        long deadline = sim.nowNs() + (1 + sim.workload.nextInt(80)) * 1_000_000L;
        String[] values = new String[4];
        History.Op[] ops = new History.Op[4];
        long[] opIds = new long[4];
        Decision[] decision = new Decision[1];
        decision[0] = new Decision(sim, deadline, r -> decided(r, mask, ops, opIds, values));
        long party = i + 1; // one party per alternation (unique within this process's node incarnation)
        for (int g = 0; g < 4; g++) {
            if ((mask & (1 << g)) == 0) {
                continue;
            }
            boolean writer = g == 0 || g == 3;
            Chan c = g == 0 ? out : g == 1 ? in : own;
            values[g] = writer ? name + "#" + i + "." + g : null;
            ops[g] = begin(c.name(), values[g], deadline);
            if (g >= 2) {
                node.channel(own.name()).local(decision[0], g, values[g]);
            } else {
                opIds[g] = guard(decision[0], party, g, g == 0 ? outEnd : inEnd, values[g], probe);
            }
        }
        sim.at(deadline, decision[0]::timeout);
        i++;
    }

    /** @param probe an immediate offer, whose NOT_DONE ends the selection as its skip guard would */
    private long guard(Decision d, long party, int g, long end, String value, boolean probe) {
        Object[] key = new Object[1];
        long id = node.offer(end, value == null ? null : value.getBytes(StandardCharsets.UTF_8), true, probe,
                party, d.deadlineNs, new SimNode.RemoteOp() { // the owner's deadline bounds a held write's wait
                    @Override
                    public HoldAnswer askHold(long opId, byte[] v) {
                        return d.tryHold(key[0] = "op " + opId, g);
                    }

                    @Override
                    public void released() {
                        if (key[0] == null || !d.heldBy(key[0])) {
                            sim.violation("protocol", "RELEASE for a guard of " + name + " that is not held");
                            return;
                        }
                        d.release(key[0]);
                    }

                    @Override
                    public void completed(Outcome outcome, byte[] v) {
                        Object by = key[0];
                        if (by != null && d.heldBy(by)) {
                            switch (outcome) {
                                case DONE -> d.commit(by, g, text(v));
                                case NOT_DONE -> d.release(by);
                                default -> d.fail(by, g, ending(outcome));
                            }
                        } else if (outcome == Outcome.DONE) {
                            sim.violation("protocol", "conditional op of " + name + " ended DONE without a hold");
                        } else if (outcome != Outcome.NOT_DONE) {
                            d.fail(null, g, ending(outcome)); // tryFail of an open decision
                        }
                        if (probe && outcome == Outcome.NOT_DONE) {
                            d.timeout(); // not taken: the skip guard fires (an open decision ends NOT_DONE)
                        }
                    }
                });
        return id;
    }

    private void decided(Decision.Result r, int mask, History.Op[] ops, long[] opIds, String[] values) {
        if (over) {
            return;
        }
        for (int g = 0; g < 4; g++) {
            if ((mask & (1 << g)) == 0) {
                continue;
            }
            if (g < 2 && node.alive) {
                node.node().withdraw(opIds[g], sim.nowNs()); // a no-op for the guard that ended it
            }
            end(ops[g], g == r.guard() ? r.ending() : Ending.NOT_DONE, g == r.guard() ? r.valueRead() : null);
        }
        Ending e = r.ending();
        if (e == Ending.POISONED || e == Ending.RETIRED) {
            retire(outEnd);
            retire(inEnd);
            finish();
        } else if (e == Ending.UNKNOWN || e == Ending.UNREACHABLE) {
            retire(outEnd);
            retire(inEnd);
            later(think(20), this::start);
        } else {
            later(think(100), this::alternate);
        }
    }
}
