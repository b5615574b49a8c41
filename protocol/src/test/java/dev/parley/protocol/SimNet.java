package dev.parley.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A deterministic in-memory network and clock for tests: protocol nodes on one thread, frames
 * dropped, duplicated and delayed (hence reordered) by a seeded random, links that can be cut,
 * and fake home channels and remote ends. Same seed, same run.
 *
 * <p>This class owns the clock, the event queue and the links, and the values that nodes
 * and tests share (results, decisions, home channels and the parties waiting at them);
 * each node, with its fakes, is a {@link SimNetNode}.
 */
final class SimNet {

    static final long US = 1_000L;
    static final long MS = 1_000_000L;

    final Random random;
    long nowNs;
    double dropRate;
    double duplicateRate;
    long minDelayNs = 100 * US;
    long maxDelayNs = 100 * US;
    final Set<String> cut = new HashSet<>();
    /** Drops chosen frames (by sender, receiver and type): loss that spares the peer's heartbeats. */
    FrameFilter dropFilter = (from, to, type) -> false;
    final Map<String, SimNetNode> nodes = new LinkedHashMap<>();
    final List<String> trace = new ArrayList<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long order;
    private static final long TICK_NS = 100 * US;

    private record Event(long atNs, long order, Runnable action) implements Comparable<Event> {
        public int compareTo(Event o) {
            return atNs != o.atNs ? Long.compare(atNs, o.atNs) : Long.compare(order, o.order);
        }
    }

    SimNet(long seed) {
        this.random = new Random(seed);
    }

    /** Protocol bugs switched on in every node added from now on (verification of the checks). */
    Set<SeededBug> bugs = Set.of();

    SimNetNode add(String name, long incarnation, ProtocolConfig config, byte[] secret) {
        SimNetNode n = new SimNetNode(this, name, incarnation, config, secret);
        nodes.put(name, n);
        return n;
    }

    /** Runs {@code action} at {@code atNs} on the simulation thread (outside any node call). */
    void at(long atNs, Runnable action) {
        events.add(new Event(Math.max(atNs, nowNs), order++, action));
    }

    void cutLink(String a, String b, boolean isCut) {
        String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
        if (isCut) {
            cut.add(key);
        } else {
            cut.remove(key);
        }
    }

    private boolean isCut(String a, String b) {
        return cut.contains(a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a);
    }

    /** Chooses frames to drop. */
    interface FrameFilter {
        boolean drop(String from, String to, FrameType type);
    }

    /** Drops every frame of {@code type} that {@code from} sends before {@code untilNs}; nothing else. */
    void dropUntil(String from, FrameType type, long untilNs) {
        dropFilter = (f, to, t) -> f.equals(from) && t == type && nowNs < untilNs;
    }

    /** Looks {@code channel} up at {@code home} from {@code remote} and opens an end on it; fails if not found. */
    long openEnd(SimNetNode remote, String home, String channel, Frame.Side side) {
        return openEnd(remote, home, channel, side, false);
    }

    /** As {@link #openEnd(SimNetNode, String, String, Frame.Side)}, for a writer that may write ahead. */
    long openEnd(SimNetNode remote, String home, String channel, Frame.Side side, boolean writeAhead) {
        long[] id = {0};
        remote.lookup(home, channel, nowNs + 100 * MS, found -> id[0] = found);
        runUntil(nowNs + 10 * MS);
        if (id[0] <= 0) {
            throw new AssertionError("lookup of " + channel + " at " + home + " found nothing");
        }
        return remote.node.openEnd(home, id[0], side, writeAhead, nowNs);
    }

    /** Carries a frame sent by {@code from}: cut, lost, duplicated or delayed as set. */
    void transmit(String from, String to, byte[] frame) {
        if (isCut(from, to) || random.nextDouble() < dropRate || dropFilter.drop(from, to, typeOf(from, frame))) {
            return;
        }
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long spread = maxDelayNs - minDelayNs;
            long delay = minDelayNs + (spread > 0 ? (long) (random.nextDouble() * spread) : 0);
            at(nowNs + delay, () -> deliver(from, to, frame));
        }
    }

    /** Hands a frame to its node; a stopped node gets it just after it resumes (its socket kept it). */
    private void deliver(String from, String to, byte[] frame) {
        SimNetNode target = nodes.get(to);
        if (target == null || !target.alive) {
            return;
        }
        if (nowNs < target.stoppedUntilNs) {
            at(target.stoppedUntilNs + 1, () -> deliver(from, to, frame)); // after its first tick, as a loop does
            return;
        }
        target.node.receive(from, frame, 0, frame.length, nowNs);
    }

    /**
     * Stops {@code name}'s process (SIGSTOP) until {@code untilNs}: it is not ticked and takes no
     * frame; frames sent to it wait and arrive, in order, once it runs again.
     */
    void stop(String name, long untilNs) {
        nodes.get(name).stoppedUntilNs = untilNs;
    }

    private FrameType typeOf(String from, byte[] frame) {
        Decoded d = nodes.get(from).peek.decode(frame, 0, frame.length);
        return d.ok() ? d.frame().body().type() : null;
    }

    /** Advances the clock, delivering frames, running actions and ticking nodes, up to {@code endNs}. */
    void runUntil(long endNs) {
        long nextTickNs = nowNs;
        while (true) {
            long timer = Long.MAX_VALUE;
            for (SimNetNode n : nodes.values()) {
                if (n.alive) {
                    timer = Math.min(timer, Math.max(n.stoppedUntilNs, n.node.nextTimerNs(nowNs)));
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
                events.poll().action.run();
            } else {
                for (SimNetNode n : nodes.values()) {
                    if (n.alive && nowNs >= n.stoppedUntilNs) {
                        n.node.tick(nowNs);
                    }
                }
                nextTickNs = nowNs + TICK_NS;
            }
        }
    }

    record Result(Outcome outcome, byte[] value, long atNs) {
    }

    /** The decision of a one-guard alternation (the remote guard) with a timeout. */
    static final class Alt {
        enum State { OPEN, HELD, DONE, WITHDRAWN, FAILED }

        State state = State.OPEN;
    }

    static final class Chan {
        final long id;
        final String name;
        final int capacity; // 0: rendezvous
        final List<byte[]> buffer = new ArrayList<>();
        final Map<EndKey, Integer> reserved = new HashMap<>();
        boolean poisoned;
        final ArrayDeque<Foreign> foreignReaders = new ArrayDeque<>();
        final ArrayDeque<Foreign> foreignWriters = new ArrayDeque<>();
        final ArrayDeque<LocalReader> readers = new ArrayDeque<>();
        final ArrayDeque<LocalWriter> writers = new ArrayDeque<>();

        Chan(long id, String name, int capacity) {
            this.id = id;
            this.name = name;
            this.capacity = capacity;
        }

        /** @return the buffer slots neither holding a message nor reserved */
        int free() {
            int taken = buffer.size();
            for (int n : reserved.values()) {
                taken += n;
            }
            return capacity - taken;
        }
    }

    record Foreign(OfferKey key, byte[] value) {
    }

    /** A local party waits by identity: two equal-looking parties are still two. */
    static final class LocalReader {
        final Consumer<Result> done;
        final long deadlineNs;

        LocalReader(Consumer<Result> done, long deadlineNs) {
            this.done = done;
            this.deadlineNs = deadlineNs;
        }
    }

    static final class LocalWriter {
        final byte[] value;
        final Consumer<Result> done;
        final long deadlineNs;

        LocalWriter(byte[] value, Consumer<Result> done, long deadlineNs) {
            this.value = value;
            this.done = done;
            this.deadlineNs = deadlineNs;
        }
    }

    record Held(Chan chan, Foreign foreign, LocalReader reader, LocalWriter writer, long sinceNs) {
    }

    /** A proposal's answer and how long the home held its partner for it. */
    record Answered(ProposalAnswer answer, long heldNs) {
    }
}
