package dev.parley.model.sim;

import dev.parley.model.sim.History.Ending;
import dev.parley.model.sim.History.Kind;
import dev.parley.protocol.HoldAnswer;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.ProtocolNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated processes of a run: deterministic state machines that the simulator's events
 * drive (no threads). Three channels, each hosted on its own node: "a" and "b" rendezvous,
 * "q" buffered. On every node: for each channel it hosts, a local reader that reads until the
 * channel ends, a local writer and the channel's keeper end; for each channel hosted
 * elsewhere, a remote writer and a remote reader; and one process of alternations mixing a
 * remote write guard, a remote read guard, local guards on its own channel and a timeout.
 * When every writer of a channel has finished (and the network has healed), the channel is
 * closed across nodes: retired (the keeper end retires last, after the writers' remote ends)
 * or poisoned by a remote end on another node. The writer ends of "q" on some nodes (none, one
 * or both of the two, by the seed) write ahead: a write that finds a slot its home reserved is
 * done at once, and its value follows (a STORE); without a slot it offers as any other write.
 * Only the simulator's thread uses it.
 */
final class Workload {

    static final int OPS = 5;
    /** The values a remote writer that writes ahead writes before the heal (it writes in bursts). */
    static final int AHEAD_OPS = 2 * OPS;

    /**
     * One channel of the run: its name, home, capacity, how it is closed, and the nodes whose
     * writer ends of it write ahead.
     */
    record Chan(String name, String home, int capacity, boolean poisonToClose, String poisoner,
            Set<String> writeAhead) {
    }

    /** The longest a write ahead's store waits before it is handed to the node. */
    static final int MAX_STORE_DELAY_MS = 5;

    /**
     * Off by default ({@code -Dparley.sim.poisonBuffered=true}): the buffered channel is closed by
     * a poison from a remote writer end on another node, made 200 to 1,200 ms into the run while
     * its writers (some writing ahead) still write, and made again once they have finished if its
     * home restarted since; instead of being retired once they have finished. It reaches readers
     * that wait on slots reserved after a writer-side poison; see docs/SIMULATION.md for what it
     * found.
     */
    static final boolean POISON_BUFFERED = Boolean.getBoolean("parley.sim.poisonBuffered");

    private final Simulator sim;
    private final List<Chan> chans = new ArrayList<>();
    private final Set<Proc> running = new LinkedHashSet<>();
    private final Map<String, Integer> writersRunning = new HashMap<>();
    private long resumeNs;

    Workload(Simulator sim) {
        this.sim = sim;
        List<String> nodes = Simulator.NODES;
        String[] names = {"a", "b", "q"};
        int[] capacities = new int[names.length];
        boolean[] poisons = new boolean[names.length];
        for (int i = 0; i < names.length; i++) {
            capacities[i] = names[i].equals("q") ? 1 + sim.workload.nextInt(3) : 0;
            poisons[i] = capacities[i] == 0 ? sim.workload.nextBoolean() : POISON_BUFFERED;
        }
        // Which of the other nodes' writer ends of the buffered channel write ahead: neither, one
        // or both, so that plain remote writes into it stay covered.
        int aheadMask = sim.workload.nextInt(4);
        for (int i = 0; i < names.length; i++) {
            Set<String> ahead = new LinkedHashSet<>();
            if (capacities[i] > 0) {
                for (int k = 1; k < nodes.size(); k++) {
                    if ((aheadMask & (1 << (k - 1))) != 0) {
                        ahead.add(nodes.get((i + k) % nodes.size()));
                    }
                }
            }
            chans.add(new Chan(names[i], nodes.get(i), capacities[i], poisons[i], nodes.get((i + 1) % nodes.size()),
                    Set.copyOf(ahead)));
        }
    }

    void resumeAt(long atNs) {
        resumeNs = atNs;
    }

    boolean finished() {
        return running.isEmpty();
    }

    String running() {
        return running.toString();
    }

    /** A node (or a new incarnation of it) started: it hosts its channels and runs its processes. */
    void started(SimNode n) {
        List<Chan> elsewhere = new ArrayList<>();
        Chan own = null;
        for (Chan c : chans) {
            if (c.home.equals(n.address)) {
                own = c;
                HomeChannel hc = n.host(c.name, c.capacity);
                Object keeper = "keeper of " + c.name + " at " + n.address + "/" + n.generation;
                hc.openEnd(keeper, true);
                Object readerEnd = "local reader end of " + c.name;
                hc.openEnd(readerEnd, false);
                spawn(new LocalReader(n, c));
                spawn(new LocalWriter(n, c));
                if (!c.poisonToClose) {
                    spawn(new Keeper(n, c, hc, keeper));
                }
            } else {
                elsewhere.add(c);
                spawn(new RemotePeer(n, c, true));
                spawn(new RemotePeer(n, c, false));
                if (c.poisonToClose && c.poisoner.equals(n.address)) {
                    spawn(new Poisoner(n, c));
                }
            }
        }
        // The third node's alternations guard both sides of one remote channel: its home relays them
        // to other nodes' ends, never to each other (the OFFER's party id).
        Chan in = n.address.equals(Simulator.NODES.get(2)) ? elsewhere.get(0) : elsewhere.get(1);
        spawn(new Alternator(n, own, elsewhere.get(0), in));
    }

    /** A node crashed: its processes die with it; what they had in flight ends UNKNOWN. */
    void crashed(SimNode n) {
        for (Proc p : new ArrayList<>(running)) {
            if (p.node == n) {
                p.die();
            }
        }
    }

    private void spawn(Proc p) {
        running.add(p);
        if (p.writes != null) {
            writersRunning.merge(p.writes.name, 1, Integer::sum);
        }
        sim.soon(p::guardedStart);
    }

    private boolean writersDone(Chan c) {
        return writersRunning.getOrDefault(c.name, 0) == 0 && sim.nowNs() >= resumeNs;
    }

    static Ending ending(Outcome o) {
        return switch (o) {
            case DONE -> Ending.DONE;
            case NOT_DONE -> Ending.NOT_DONE;
            case OUTCOME_UNKNOWN -> Ending.UNKNOWN;
            case PEER_UNREACHABLE -> Ending.UNREACHABLE;
            case POISONED -> Ending.POISONED;
            case RETIRED -> Ending.RETIRED;
        };
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------

    /** A simulated process on one incarnation of a node. */
    private abstract class Proc {
        final SimNode node;
        final String name;
        final Chan writes;
        final List<History.Op> current = new ArrayList<>();
        boolean over;

        Proc(SimNode node, String role, Chan writes) {
            this.node = node;
            this.name = node.address.substring(0, node.address.indexOf(':')) + "." + node.generation + "." + role;
            this.writes = writes;
        }

        abstract void start();

        void guardedStart() {
            if (!over) {
                start();
            }
        }

        /** Runs {@code step} after {@code delayNs}, if this process still lives then. */
        void later(long delayNs, Runnable step) {
            sim.at(sim.nowNs() + delayNs, () -> {
                if (!over) {
                    step.run();
                }
            });
        }

        long think(int maxMs) {
            return sim.workload.nextInt(maxMs + 1) * 1_000_000L;
        }

        History.Op begin(String channel, String value, long deadlineNs) {
            History.Op op = sim.history().begin(name, channel, value == null ? Kind.READ : Kind.WRITE, value,
                    deadlineNs, sim.nowNs());
            current.add(op);
            return op;
        }

        void end(History.Op op, Ending ending, String valueRead) {
            if (!op.ended()) {
                sim.history().end(op, ending, ending == Ending.DONE ? valueRead : null, sim.nowNs());
            }
            current.remove(op);
        }

        void die() {
            for (History.Op op : new ArrayList<>(current)) {
                end(op, Ending.UNKNOWN, null); // it died mid-operation: perhaps delivered, at most once
            }
            finish();
        }

        void finish() {
            if (over) {
                return;
            }
            over = true;
            running.remove(this);
            if (writes != null) {
                writersRunning.merge(writes.name, -1, Integer::sum);
            }
        }

        /** A plain or timed operation on a channel this node hosts. */
        void localOp(Chan c, String value, long deadlineNs, java.util.function.BiConsumer<Ending, String> then) {
            History.Op op = begin(c.name, value, deadlineNs);
            Decision d = new Decision(sim, deadlineNs, r -> {
                if (!over) {
                    end(op, r.ending(), r.valueRead());
                    then.accept(r.ending(), r.valueRead());
                }
            });
            node.channel(c.name).local(d, 0, value);
            if (deadlineNs != History.NO_DEADLINE) {
                sim.at(deadlineNs, d::timeout);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A process with remote ends: it looks channels up and opens ends, again after a failure. */
    private abstract class RemoteProc extends Proc {
        RemoteProc(SimNode node, String role, Chan writes) {
            super(node, role, writes);
        }

        long connectedNs = -1;

        /** Opens an end of {@code c}; a writer end writes ahead if this node's writers of {@code c} do. */
        void connect(Chan c, boolean writer, java.util.function.LongConsumer then) {
            node.lookup(c.home, c.name, sim.nowNs() + 1_000_000_000L, id -> {
                if (over) {
                    return;
                }
                if (id <= 0) {
                    later(50_000_000L, () -> connect(c, writer, then));
                } else {
                    connectedNs = sim.nowNs();
                    then.accept(node.openEnd(c.home, id, writer, c.writeAhead.contains(node.address)));
                }
            });
        }

        /**
         * @return true when the ends were opened before the heal and the heal has come: an end
         *     may have been lost to a restart of its home, which only an operation would tell
         *     (OUTCOME_UNKNOWN), so the process opens fresh ends first
         */
        boolean staleAfterHeal() {
            return connectedNs < resumeNs && sim.nowNs() >= resumeNs;
        }

        /** An unconditional remote operation; {@code then} runs as its own event. */
        void remoteOp(long end, Chan c, String value, long deadlineNs,
                java.util.function.BiConsumer<Ending, String> then) {
            History.Op op = begin(c.name, value, deadlineNs);
            byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            node.offer(end, bytes, false, false, 0, deadlineNs, new SimNode.RemoteOp() {
                @Override
                public HoldAnswer askHold(long opId, byte[] v) {
                    sim.violation("protocol", "askHold for the unconditional opId=" + opId + " of " + name);
                    return HoldAnswer.FINAL;
                }

                @Override
                public void completed(Outcome outcome, byte[] v) {
                    sim.soon(() -> {
                        if (!over) {
                            end(op, ending(outcome), text(v));
                            then.accept(ending(outcome), text(v));
                        }
                    });
                }
            });
        }

        long deadline(boolean timed) {
            return timed ? sim.nowNs() + (1 + sim.workload.nextInt(60)) * 1_000_000L : ProtocolNode.NO_DEADLINE;
        }

        void retire(long end) {
            if (node.alive) {
                node.endAction(end, true, outcome -> { });
            }
        }
    }

    /**
     * A remote writer (OPS values, AHEAD_OPS if it writes ahead, plain or timed, then one more
     * after the heal) or a remote reader (plain or timed reads until the channel is poisoned or
     * retired) of a channel hosted elsewhere. After an UNKNOWN or UNREACHABLE ending it opens a
     * fresh end. A writer whose end writes ahead and holds a slot writes ahead (done at once), its
     * store handed to the node at once or, one time in four, 1 to {@link #MAX_STORE_DELAY_MS} ms
     * later.
     */
    private final class RemotePeer extends RemoteProc {
        private final Chan c;
        private final boolean writer;
        private final boolean ahead;
        private final int ops;
        private long end;
        private int i;

        RemotePeer(SimNode node, Chan c, boolean writer) {
            super(node, (writer ? "w(" : "r(") + c.name + ")", writer ? c : null);
            this.c = c;
            this.writer = writer;
            this.ahead = writer && c.writeAhead.contains(node.address);
            this.ops = ahead ? AHEAD_OPS : OPS;
        }

        @Override
        void start() {
            connect(c, writer, e -> {
                end = e;
                next();
            });
        }

        private void next() {
            boolean probe = writer && i >= ops;
            if (probe && sim.nowNs() < resumeNs) {
                later(resumeNs - sim.nowNs() + think(20), this::next);
                return;
            }
            // A writer that writes ahead writes in bursts one time in two, so that several of its
            // writes are on their way at once (and the home has to revoke slots from under them).
            int pause = !writer ? 20 : ahead && sim.workload.nextBoolean() ? 5 : 250;
            later(probe ? 0 : think(pause), () -> operate(probe));
        }

        private void operate(boolean probe) {
            if (staleAfterHeal()) {
                retire(end);
                start();
                return;
            }
            boolean timed = !probe && (writer ? sim.workload.nextBoolean() : sim.workload.nextInt(3) == 0);
            String value = writer ? name + "#" + i : null;
            if (ahead && node.writeAhead(end, c.name, value, storeDelay())) {
                sim.history().writtenAhead(name, c.name, value, sim.nowNs());
                sim.soon(() -> {
                    if (!over) {
                        operated(Ending.DONE);
                    }
                });
                return;
            }
            remoteOp(end, c, value, deadline(timed), (ending, v) -> operated(ending));
        }

        private long storeDelay() {
            return sim.workload.nextInt(4) == 0 ? (1 + sim.workload.nextInt(MAX_STORE_DELAY_MS)) * 1_000_000L : 0;
        }

        private void operated(Ending ending) {
            i++;
            if (ending == Ending.POISONED || ending == Ending.RETIRED || (writer && i > ops)) {
                retire(end);
                finish();
            } else if (ending == Ending.UNKNOWN || ending == Ending.UNREACHABLE) {
                retire(end);
                start();
            } else {
                next();
            }
        }
    }

    /** Reads its own node's channel until it is poisoned or retired. */
    private final class LocalReader extends Proc {
        private final Chan c;

        LocalReader(SimNode node, Chan c) {
            super(node, "lr(" + c.name + ")", null);
            this.c = c;
        }

        @Override
        void start() {
            later(think(10), () -> localOp(c, null, History.NO_DEADLINE, (ending, v) -> {
                if (ending == Ending.POISONED || ending == Ending.RETIRED) {
                    finish();
                } else {
                    start();
                }
            }));
        }
    }

    /** Writes OPS values to its own node's channel, plain or timed, then one more after the heal. */
    private final class LocalWriter extends Proc {
        private final Chan c;
        private int i;

        LocalWriter(SimNode node, Chan c) {
            super(node, "lw(" + c.name + ")", c);
            this.c = c;
        }

        @Override
        void start() {
            boolean probe = i >= OPS;
            if (probe && sim.nowNs() < resumeNs) {
                later(resumeNs - sim.nowNs() + think(20), this::start);
                return;
            }
            later(probe ? 0 : think(250), () -> {
                long deadline = !probe && sim.workload.nextBoolean()
                        ? sim.nowNs() + (1 + sim.workload.nextInt(60)) * 1_000_000L : History.NO_DEADLINE;
                localOp(c, name + "#" + i, deadline, (ending, v) -> {
                    i++;
                    if (ending == Ending.POISONED || ending == Ending.RETIRED || i > OPS) {
                        finish();
                    } else {
                        start();
                    }
                });
            });
        }
    }

    /** Holds a writer end of its node's channel and retires it once every writer has finished. */
    private final class Keeper extends Proc {
        private final Chan c;
        private final HomeChannel channel;
        private final Object end;

        Keeper(SimNode node, Chan c, HomeChannel channel, Object end) {
            super(node, "keeper(" + c.name + ")", null);
            this.c = c;
            this.channel = channel;
            this.end = end;
        }

        @Override
        void start() {
            if (writersDone(c)) {
                channel.retireEnd(end);
                finish();
            } else {
                later(20_000_000L, this::start);
            }
        }
    }

    /**
     * Poisons a channel hosted elsewhere, through a fresh remote end, once every writer has
     * finished; a buffered one under {@link #POISON_BUFFERED} first while they still write.
     */
    private final class Poisoner extends RemoteProc {
        private final Chan c;
        private boolean midRun; // the poison while the writers still write is made or scheduled
        private SimNode poisoned; // the home incarnation that a poison of this process reached

        Poisoner(SimNode node, Chan c) {
            super(node, "poisoner(" + c.name + ")", null);
            this.c = c;
        }

        @Override
        void start() {
            if (c.capacity > 0 && !midRun) {
                midRun = true;
                later(200_000_000L + think(1000), () -> poison(false));
                return;
            }
            if (!writersDone(c)) {
                later(20_000_000L, this::start);
                return;
            }
            if (poisoned != null && poisoned == sim.node(c.home) && poisoned.alive) {
                finish(); // the home's last incarnation is poisoned already
                return;
            }
            poison(true);
        }

        private void poison(boolean last) {
            connect(c, true, end -> {
                SimNode home = sim.node(c.home); // the incarnation that gets the end, if it lives on
                node.endAction(end, false, outcome -> {
                    boolean sameHome = home.alive && sim.node(c.home) == home;
                    if (outcome == Outcome.DONE && sameHome && home.channel(c.name).terminated != Ending.POISONED) {
                        sim.violation("poison-applied", name + "'s poison of " + c.name + " ended DONE at "
                                + sim.nowNs() + " while its home channel is not poisoned");
                    }
                    if (outcome == Outcome.DONE && sameHome) {
                        poisoned = home;
                    }
                    if (!over) {
                        retire(end);
                        if (last) {
                            finish();
                        } else {
                            start();
                        }
                    }
                });
            });
        }
    }

    /**
     * Runs OPS alternations, each of a timeout and two or more of: a remote write guard, a
     * remote read guard, a local read guard and a local write guard on its own node's channel;
     * or, one in four, a probe of one remote guard (an immediate offer) followed by a skip.
     */
    private final class Alternator extends RemoteProc {
        private final Chan own;
        private final Chan out;
        private final Chan in;
        private long outEnd;
        private long inEnd;
        private long outConnectedNs; // when outEnd was opened; connectedNs is inEnd's
        private int i;

        /** Either end may be stale: the older one decides. */
        @Override
        boolean staleAfterHeal() {
            return Math.min(outConnectedNs, connectedNs) < resumeNs && sim.nowNs() >= resumeNs;
        }

        Alternator(SimNode node, Chan own, Chan out, Chan in) {
            super(node, "alt", out);
            this.own = own;
            this.out = out;
            this.in = in;
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
            if (i >= OPS || staleAfterHeal()) {
                retire(outEnd);
                retire(inEnd);
                if (i >= OPS) {
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
                ops[g] = begin(c.name, values[g], deadline);
                if (g >= 2) {
                    node.channel(own.name).local(decision[0], g, values[g]);
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
}
