package dev.parley.model.sim;

import dev.parley.protocol.Counters;
import dev.parley.protocol.EndKey;
import dev.parley.protocol.Incarnations;
import dev.parley.protocol.ProtocolConfig;
import dev.parley.protocol.Rejection;
import dev.parley.protocol.SeededBug;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded discrete-event simulation of several nodes running the real protocol state
 * machine ({@link dev.parley.protocol.ProtocolNode}) on one thread with a virtual clock, over
 * a network that drops, duplicates, delays and partitions frames, with nodes that crash and
 * restart, under a {@link Workload} of simulated processes. Same seed and schedule, same run.
 * One simulator is used by one thread, for one run.
 *
 * <h2>Implementation note</h2>
 * The event queue orders events by virtual time, then by the order they were scheduled.
 * The loop runs the earliest of the next event and the earliest protocol timer of any live
 * node ({@code nextTimerNs}); a tick is followed by at least {@link #TICK_NS} of other
 * events before the next tick, which bounds the work of a timer that is due in the past.
 * Three random streams, all from the seed, are kept apart so that a shrunk fault schedule
 * leaves the workload's choices where they were: the schedule's, the network's, the workload's.
 * A ledger follows each write ahead from the write to its home channel's store: a crash of its
 * writer's node, or of the home incarnation that granted its slot, before the store records it
 * lost in transit ({@link History#lostInTransit}), the one loss the checker excuses for it.
 */
public final class Simulator {

    /** The protocol settings of every simulated node: short timeouts, so that runs are short. */
    public static final ProtocolConfig CONFIG = new ProtocolConfig(ms(200), ms(20), ms(10), ms(2), ms(100), 256,
            256, ms(10), 4096);
    /** Timed faults all end by then. */
    public static final long HORIZON_NS = ms(1500);
    /** A run that has not finished by then is stuck. */
    static final long LIMIT_NS = ms(60_000);
    static final long TICK_NS = 100_000;

    /** How one run went. */
    public record Run(long seed, FaultSchedule schedule, History history, List<String> violations,
            Map<String, Long> stats, long virtualNs) {
        public boolean failed() {
            return !violations.isEmpty();
        }
    }

    /** {@code marksItself}: the action marks the node it calls as changed; otherwise every node may have. */
    private record Event(long atNs, long order, Runnable action, boolean marksItself) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return atNs != o.atNs ? Long.compare(atNs, o.atNs) : Long.compare(order, o.order);
        }
    }

    private final long seed;
    private final FaultSchedule schedule;
    private final Set<SeededBug> bugs;
    private final Random network;
    private final Random incarnations;
    final Random workload;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long order;
    private long nowNs;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final List<SimNode> everyIncarnation = new ArrayList<>();
    private final Map<String, Integer> cut = new TreeMap<>(); // "a>b" -> partitions in force
    private final History history = new History(CONFIG.peerTimeoutNs() + ms(1));
    private final List<String> violations = new ArrayList<>();
    private boolean rematchPending;
    /** The home incarnation that granted each write-ahead end its slots. */
    private final Map<EndKey, SimNode> grantors = new HashMap<>();
    /** Writes ahead whose value has not reached its home channel yet, by channel and value. */
    private final Map<String, InTransit> inTransit = new LinkedHashMap<>();

    /** A write ahead on its way: made on {@code writer} under slots that {@code home} granted. */
    private record InTransit(String channel, String value, SimNode writer, SimNode home) {
    }

    private Simulator(long seed, FaultSchedule schedule, Set<SeededBug> bugs) {
        this.seed = seed;
        this.schedule = schedule;
        this.bugs = Set.copyOf(bugs);
        this.network = new Random(seed * 0x9E3779B97F4A7C15L + 1);
        this.incarnations = new Random(seed * 31 + 7);
        this.workload = new Random(seed * 0x5DEECE66DL + 11);
    }

    /** The nodes of every run. */
    public static final List<String> NODES = List.of("n0:7000", "n1:7001", "n2:7002");

    /** @return the schedule a seed makes */
    public static FaultSchedule scheduleOf(long seed) {
        return FaultSchedule.generate(new Random(seed ^ 0x5A5A_1234_9876L), NODES, HORIZON_NS);
    }

    /** Runs seed {@code seed} under its own schedule. */
    public static Run run(long seed, Set<SeededBug> bugs) {
        return run(seed, scheduleOf(seed), bugs);
    }

    /** Runs seed {@code seed} (the workload's and the network's randomness) under {@code schedule}. */
    public static Run run(long seed, FaultSchedule schedule, Set<SeededBug> bugs) {
        Simulator sim = new Simulator(seed, schedule, bugs);
        return sim.execute();
    }

    private Run execute() {
        Workload load = new Workload(this);
        for (String address : NODES) {
            start(address, 0, load);
        }
        for (FaultSchedule.Fault f : schedule.faults()) {
            at(f.startNs(), () -> begin(f, load));
            at(f.endNs(), () -> endFault(f, load));
        }
        long resumeNs = schedule.endNs() + 2 * CONFIG.peerTimeoutNs();
        history.resumeFrom(resumeNs);
        load.resumeAt(resumeNs);
        try {
            // Every node may be down at once, with no process running: the run goes on to the restarts.
            while ((!load.finished() || nowNs <= schedule.endNs()) && nowNs < LIMIT_NS) {
                step(LIMIT_NS);
            }
            if (!load.finished()) {
                violation("liveness", "processes still running at " + nowNs + ": " + load.running());
            }
            runUntil(nowNs + 3 * CONFIG.peerTimeoutNs()); // let withdrawals, aborts and retires settle
            settled();
        } catch (RuntimeException broken) {
            violation("crash", "the simulation threw at " + nowNs + ": " + broken
                    + " at " + java.util.Arrays.toString(broken.getStackTrace()).substring(0, 400));
        }
        HistoryChecker.check(history).forEach(v -> violations.add(v.toString()));
        return new Run(seed, schedule, history, List.copyOf(violations), stats(), nowNs);
    }

    private void settled() {
        for (SimNode n : nodes.values()) {
            if (n.pendingOps() > 0) {
                violation("completed-once", n.address + " has " + n.pendingOps()
                        + " remote operations never completed");
            }
            for (HomeChannel c : n.channels()) {
                if (c.heldProposals() > 0) {
                    violation("answered-once", n.address + " channel " + c.name + " has " + c.heldProposals()
                            + " proposals never answered");
                }
            }
        }
    }

    // ---- nodes and faults

    private void start(String address, int generation, Workload load) {
        SimNode previous = nodes.get(address);
        long incarnation = Incarnations.after(previous == null ? 0 : previous.node().incarnation(),
                nowNs / 1_000_000, incarnations); // the virtual time as the wall clock: a restart is newer
        SimNode n = new SimNode(this, address, generation, incarnation);
        nodes.put(address, n);
        everyIncarnation.add(n);
        load.started(n);
    }

    private void begin(FaultSchedule.Fault f, Workload load) {
        switch (f.kind()) {
            case PARTITION -> {
                cut.merge(f.a() + ">" + f.b(), 1, Integer::sum);
                cut.merge(f.b() + ">" + f.a(), 1, Integer::sum);
            }
            case PARTITION_ONE_WAY -> cut.merge(f.a() + ">" + f.b(), 1, Integer::sum);
            case CRASH -> {
                SimNode n = nodes.get(f.a());
                if (n.alive) {
                    n.crash();
                    load.crashed(n);
                    lostWith(n);
                }
            }
        }
    }

    /**
     * A node crashed: the writes ahead that it made, or that were made under slots it granted,
     * and that have not reached their home channel, can no longer be counted on to arrive.
     */
    private void lostWith(SimNode n) {
        for (Iterator<InTransit> it = inTransit.values().iterator(); it.hasNext(); ) {
            InTransit t = it.next();
            if (t.writer == n || t.home == n) {
                it.remove();
                history.lostInTransit(t.channel, t.value, nowNs, t.writer == n
                        ? "its writer's node crashed before the home stored it"
                        : "its home crashed before storing it");
            }
        }
    }

    private void endFault(FaultSchedule.Fault f, Workload load) {
        switch (f.kind()) {
            case PARTITION -> {
                cut.merge(f.a() + ">" + f.b(), -1, Integer::sum);
                cut.merge(f.b() + ">" + f.a(), -1, Integer::sum);
            }
            case PARTITION_ONE_WAY -> cut.merge(f.a() + ">" + f.b(), -1, Integer::sum);
            case CRASH -> {
                SimNode n = nodes.get(f.a());
                boolean stillDown = false;
                for (FaultSchedule.Fault other : schedule.faults()) {
                    stillDown |= other != f && other.kind() == FaultSchedule.Kind.CRASH && other.a().equals(f.a())
                            && other.startNs() <= nowNs && other.endNs() > nowNs;
                }
                if (!n.alive && !stillDown) {
                    start(f.a(), n.generation + 1, load);
                }
            }
        }
    }

    /**
     * Loss goes on after the heal only when asked ({@code -Dparley.sim.lossAfterHeal=true}): the
     * resumes-after-heal property is about a healed network, and under loss a timed operation
     * whose commit is still unconfirmed at its deadline plus one peer timeout legitimately ends
     * UNKNOWN (hold-bounded, bounded-life), although the peer is heard.
     */
    static final boolean LOSS_AFTER_HEAL = Boolean.getBoolean("parley.sim.lossAfterHeal");

    void transmit(String from, String to, byte[] frame) {
        FaultSchedule.Link link = schedule.link(from, to);
        boolean healed = !LOSS_AFTER_HEAL && nowNs >= history.resumeFromNs();
        if (cut.getOrDefault(from + ">" + to, 0) > 0 || (!healed && network.nextDouble() < link.dropRate())) {
            return;
        }
        int copies = network.nextDouble() < link.duplicateRate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long spread = link.maxDelayNs() - link.minDelayNs();
            long delay = link.minDelayNs() + (spread > 0 ? (long) (network.nextDouble() * spread) : 0);
            events.add(new Event(nowNs + delay, order++, () -> {
                SimNode target = nodes.get(to);
                if (target != null && target.alive) {
                    target.node().receive(from, frame, 0, frame.length, nowNs);
                    target.timerChanged = true;
                }
            }, true));
        }
    }

    // ---- the event loop

    /** Schedules {@code action} at {@code atNs} (not before now), outside any protocol call. */
    void at(long atNs, Runnable action) {
        events.add(new Event(Math.max(atNs, nowNs), order++, action, false));
    }

    /** Schedules {@code action} now, after what is already scheduled now. */
    void soon(Runnable action) {
        at(nowNs, action);
    }

    /** A decision was released: the live nodes' channels match again, once, soon. */
    void rematchSoon() {
        if (!rematchPending) {
            rematchPending = true;
            soon(() -> {
                rematchPending = false;
                for (SimNode n : nodes.values()) {
                    if (n.alive) {
                        n.channels().forEach(HomeChannel::match);
                    }
                }
            });
        }
    }

    private long nextTickNs;
    private long ticks;
    private long eventsRun;

    private void step(long endNs) {
        long timer = Long.MAX_VALUE;
        for (SimNode n : nodes.values()) {
            if (n.alive) {
                if (n.timerChanged) {
                    n.timerNs = n.node().nextTimerNs(nowNs); // only a call into the node changes it
                    n.timerChanged = false;
                }
                timer = Math.min(timer, n.timerNs);
            }
        }
        if (timer != Long.MAX_VALUE) {
            timer = Math.max(timer, nextTickNs);
        }
        long event = events.isEmpty() ? Long.MAX_VALUE : events.peek().atNs;
        long next = Math.min(timer, event);
        if (next > endNs) {
            nowNs = Math.max(nowNs, endNs);
            return;
        }
        nowNs = Math.max(nowNs, next);
        if (event <= timer) {
            Event e = events.poll();
            e.action.run();
            eventsRun++;
            if (!e.marksItself) {
                nodes.values().forEach(n -> n.timerChanged = true);
            }
        } else {
            for (SimNode n : nodes.values().toArray(new SimNode[0])) {
                if (n.alive) {
                    n.node().tick(nowNs);
                    n.timerChanged = true;
                }
            }
            nextTickNs = nowNs + TICK_NS;
            ticks++;
        }
    }

    private void runUntil(long endNs) {
        while (nowNs < endNs) {
            step(endNs);
        }
    }

    // ---- for the workload and the nodes

    long nowNs() {
        return nowNs;
    }

    ProtocolConfig config() {
        return CONFIG;
    }

    Set<SeededBug> bugs() {
        return bugs;
    }

    History history() {
        return history;
    }

    SimNode node(String address) {
        return nodes.get(address);
    }

    /** The home incarnation {@code home} reserved slots for the write-ahead {@code end}. */
    void granted(EndKey end, SimNode home) {
        grantors.put(end, home);
    }

    /** @return the home incarnation that granted slots to {@code end}, or null if none did */
    SimNode grantor(EndKey end) {
        return grantors.get(end);
    }

    /** A write ahead was made on {@code writer} under slots that {@code home} granted. */
    void wroteAhead(String channel, String value, SimNode writer, SimNode home) {
        if (home.alive) {
            inTransit.put(channel + "\u0000" + value, new InTransit(channel, value, writer, home));
        } else {
            history.lostInTransit(channel, value, nowNs, "written under slots of a home incarnation that had crashed");
        }
    }

    /** A write ahead reached its home channel. */
    void arrived(String channel, String value) {
        inTransit.remove(channel + "\u0000" + value);
    }

    private final Map<String, Long> counts = new TreeMap<>();

    /** Counts something the workload did, for the run's statistics. */
    void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    void violation(String property, String detail) {
        violations.add(property + ": " + detail);
    }

    private Map<String, Long> stats() {
        Map<String, Long> out = new TreeMap<>();
        for (SimNode n : everyIncarnation) {
            for (Counters.Event e : Counters.Event.values()) {
                out.merge(e.name(), n.node().counters().get(e), Long::sum);
            }
            for (Rejection r : Rejection.values()) {
                long count = n.node().counters().rejected(r);
                if (count > 0) {
                    out.merge("rejected." + r.name(), count, Long::sum);
                }
            }
        }
        out.put("incarnations", (long) everyIncarnation.size());
        out.putAll(counts);
        out.put("sim.ticks", ticks);
        out.put("sim.events", eventsRun);
        history.endings().forEach((k, v) -> out.put("ops." + k, v));
        return out;
    }

    static long ms(long millis) {
        return millis * 1_000_000L;
    }
}
