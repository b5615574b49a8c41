package dev.parley.model.sim;

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
 *
 * <p>This class holds the plan (the channels, and which processes run on which node) and the
 * count of the processes still running; each process is a {@link SimProcess} of its own class:
 * {@link LocalReader}, {@link LocalWriter} and {@link Keeper} on a channel's home,
 * {@link RemotePeer} and {@link Poisoner} elsewhere, and the {@link Alternator}. It makes them
 * when a node starts, kills them when it crashes, and tells them when a channel's writers have
 * all finished.
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
    private final Set<SimProcess> running = new LinkedHashSet<>();
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

    Simulator sim() {
        return sim;
    }

    void resumeAt(long atNs) {
        resumeNs = atNs;
    }

    /** @return the resume time: from then on the network is healed and every node is up */
    long resumeNs() {
        return resumeNs;
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
                spawn(new LocalReader(this, n, c));
                spawn(new LocalWriter(this, n, c));
                if (!c.poisonToClose) {
                    spawn(new Keeper(this, n, c, hc, keeper));
                }
            } else {
                elsewhere.add(c);
                spawn(new RemotePeer(this, n, c, true));
                spawn(new RemotePeer(this, n, c, false));
                if (c.poisonToClose && c.poisoner.equals(n.address)) {
                    spawn(new Poisoner(this, n, c));
                }
            }
        }
        // The third node's alternations guard both sides of one remote channel: its home relays them
        // to other nodes' ends, never to each other (the OFFER's party id).
        Chan in = n.address.equals(Simulator.NODES.get(2)) ? elsewhere.get(0) : elsewhere.get(1);
        spawn(new Alternator(this, n, own, elsewhere.get(0), in));
    }

    /** A node crashed: its processes die with it; what they had in flight ends UNKNOWN. */
    void crashed(SimNode n) {
        for (SimProcess p : new ArrayList<>(running)) {
            if (p.node == n) {
                p.die();
            }
        }
    }

    private void spawn(SimProcess p) {
        running.add(p);
        if (p.writes != null) {
            writersRunning.merge(p.writes.name, 1, Integer::sum);
        }
        sim.soon(p::guardedStart);
    }

    /** A process finished or died: it no longer runs, nor counts among its channel's writers. */
    void exited(SimProcess p) {
        running.remove(p);
        if (p.writes != null) {
            writersRunning.merge(p.writes.name, -1, Integer::sum);
        }
    }

    /** @return true once every writer of {@code c} has finished and the network has healed */
    boolean writersDone(Chan c) {
        return writersRunning.getOrDefault(c.name, 0) == 0 && sim.nowNs() >= resumeNs;
    }
}
