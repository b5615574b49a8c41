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
    final Map<String, SimNode> nodes = new LinkedHashMap<>();
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

    SimNode add(String name, long incarnation, ProtocolConfig config, byte[] secret) {
        SimNode n = new SimNode(name, incarnation, config, secret);
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
    long openEnd(SimNode remote, String home, String channel, Frame.Side side) {
        return openEnd(remote, home, channel, side, false);
    }

    /** As {@link #openEnd(SimNode, String, String, Frame.Side)}, for a writer that may write ahead. */
    long openEnd(SimNode remote, String home, String channel, Frame.Side side, boolean writeAhead) {
        long[] id = {0};
        remote.lookup(home, channel, nowNs + 100 * MS, found -> id[0] = found);
        runUntil(nowNs + 10 * MS);
        if (id[0] <= 0) {
            throw new AssertionError("lookup of " + channel + " at " + home + " found nothing");
        }
        return remote.node.openEnd(home, id[0], side, writeAhead, nowNs);
    }

    private void transmit(String from, String to, byte[] frame) {
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
        SimNode target = nodes.get(to);
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
            for (SimNode n : nodes.values()) {
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
                for (SimNode n : nodes.values()) {
                    if (n.alive && nowNs >= n.stoppedUntilNs) {
                        n.node.tick(nowNs);
                    }
                }
                nextTickNs = nowNs + TICK_NS;
            }
        }
    }

    /** One node: its protocol, a fake of the channels it hosts, and a fake of its remote ends' decisions. */
    final class SimNode implements Network, HomeChannels, RemoteEnds {
        final String name;
        final ProtocolNode node;
        private final FrameCodec peek; // reads the type of a frame this node sends, for dropFilter
        boolean alive = true;
        long stoppedUntilNs = Long.MIN_VALUE;

        // Remote ends: callbacks by operation and lookup, and the decisions of conditional offers.
        final Map<Long, Consumer<Result>> pending = new HashMap<>();
        final Map<Long, Consumer<Long>> lookups = new HashMap<>();
        final Map<Long, Alt> alts = new HashMap<>();
        final Set<Long> completedOps = new HashSet<>();
        final Map<Long, Result> early = new HashMap<>();
        double busyRate;

        // Home channels.
        final Map<String, Chan> channels = new LinkedHashMap<>();
        final Map<EndKey, Chan> ends = new HashMap<>();
        /** The ends that left by {@link #retire(EndKey)} and by {@link #abandon(EndKey)}, in order. */
        final List<EndKey> retiredEnds = new ArrayList<>();
        final List<EndKey> abandonedEnds = new ArrayList<>();
        final Map<OfferKey, Held> held = new HashMap<>();
        /** Unconditional foreign writes a buffered channel stored at once: their ACCEPT needs no partner. */
        final Set<OfferKey> storedOffers = new HashSet<>();
        /** Write-ahead ends: the slots each holds and has not used (the binding's count). */
        final Map<Long, Integer> credits = new HashMap<>();
        /** Every STORE made through {@link #write}, and every slot released at the home, for the tests. */
        int stores;
        int releases;
        /** Every answer to a proposal of this node's home channels, with how long its partner was held. */
        final List<Answered> answered = new ArrayList<>();

        SimNode(String name, long incarnation, ProtocolConfig config, byte[] secret) {
            this.name = name;
            this.node = new ProtocolNode(incarnation, config, secret, this, this, this, bugs);
            this.peek = new FrameCodec(config.maxFrameBytes(), secret);
        }

        @Override
        public void send(String peer, byte[] frame) {
            if (alive) {
                transmit(name, peer, frame);
            }
        }

        // ---- RemoteEnds

        @Override
        public void askHold(long opId, byte[] value) {
            Alt alt = alts.get(opId);
            HoldAnswer answer;
            if (alt == null) {
                throw new AssertionError("askHold for opId=" + opId + " that is not conditional");
            } else if (alt.state != Alt.State.OPEN) {
                answer = HoldAnswer.FINAL;
            } else if (random.nextDouble() < busyRate) {
                answer = HoldAnswer.BUSY;
            } else {
                alt.state = Alt.State.HELD;
                answer = HoldAnswer.HELD;
            }
            node.holdAnswered(opId, answer, nowNs); // re-entrant: queued by the node
        }

        @Override
        public void completed(long opId, Outcome outcome, byte[] value) {
            if (!completedOps.add(opId)) {
                throw new AssertionError("completed twice: opId=" + opId + " outcome=" + outcome);
            }
            Result r = new Result(outcome, value, nowNs);
            Consumer<Result> done = pending.remove(opId);
            if (done == null) {
                early.put(opId, r); // completed from inside offer(), before its callback was known
            } else {
                at(nowNs, () -> done.accept(r));
            }
        }

        @Override
        public void credited(long endId, int slots) {
            credits.merge(endId, slots, Integer::sum);
        }

        /** The count of writes ahead each end's home last said it stored. */
        final Map<Long, Long> storedAhead = new HashMap<>();

        @Override
        public void storedAhead(long endId, long stored) {
            storedAhead.put(endId, stored);
        }

        @Override
        public int creditTakenBack(long endId) {
            Integer unused = credits.remove(endId);
            return unused == null ? 0 : unused;
        }

        /**
         * A plain write through a write-ahead end, as the binding makes it: under a slot it holds
         * (a STORE, done at once), else an unconditional offer.
         *
         * @return true if it went under a slot
         */
        boolean write(long endId, byte[] value, Consumer<Result> done) {
            if (takeSlot(endId)) {
                node.store(endId, value, nowNs);
                stores++;
                done.accept(new Result(Outcome.DONE, null, nowNs));
                return true;
            }
            offer(endId, value, false, ProtocolNode.NO_DEADLINE, done);
            return false;
        }

        /** Counts one write against the end's slots, as the binding does before it hands it to the node. */
        boolean takeSlot(long endId) {
            int held = credits.getOrDefault(endId, 0);
            if (held == 0) {
                return false;
            }
            credits.put(endId, held - 1);
            return true;
        }

        @Override
        public void lookedUp(long lookupId, Outcome outcome, long channelId) {
            Consumer<Long> done = lookups.remove(lookupId);
            at(nowNs, () -> done.accept(outcome == Outcome.DONE ? channelId : -1L));
        }

        long offer(long endId, byte[] value, boolean conditional, long deadlineNs, Consumer<Result> done) {
            return track(node.offer(endId, value, conditional, deadlineNs, nowNs), done);
        }

        /**
         * Probes an alternation's guard through a remote end (no party, no deadline); {@code done}
         * gets the outcome.
         */
        long probe(long endId, byte[] value, Consumer<Result> done) {
            return track(node.probe(endId, value, 0, ProtocolNode.NO_DEADLINE, nowNs), done);
        }

        /** Poisons the home channel through a remote end; {@code done} gets the outcome. */
        long poison(long endId, Consumer<Result> done) {
            return track(node.poison(endId, nowNs), done);
        }

        /** Retires a remote end; {@code done} gets the outcome. */
        long retire(long endId, Consumer<Result> done) {
            return track(node.retire(endId, nowNs), done);
        }

        private long track(long op, Consumer<Result> done) {
            Result r = early.remove(op);
            if (r != null) {
                at(nowNs, () -> done.accept(r));
            } else {
                pending.put(op, done);
            }
            return op;
        }

        void lookup(String peer, String channelName, long deadlineNs, Consumer<Long> done) {
            lookups.put(node.lookup(peer, channelName, deadlineNs, nowNs), done);
        }

        // ---- HomeChannels

        Chan host(String channelName) {
            return host(channelName, 0);
        }

        /** Hosts a channel with a buffer of {@code capacity} (0: rendezvous) for remote writers. */
        Chan host(String channelName, int capacity) {
            Chan c = new Chan(channels.size() + 1L, channelName, capacity);
            channels.put(channelName, c);
            return c;
        }

        @Override
        public int grant(EndKey end, int max) {
            Chan c = ends.get(end);
            int n = Math.min(max, c.free());
            if (n > 0) {
                c.reserved.merge(end, n, Integer::sum);
            }
            return Math.max(0, n);
        }

        @Override
        public void store(EndKey end, byte[] value) {
            Chan c = ends.get(end);
            c.reserved.computeIfPresent(end, (e, n) -> n > 1 ? n - 1 : null);
            c.buffer.add(value);
        }

        @Override
        public void releaseCredit(EndKey end) {
            releases++;
            ends.get(end).reserved.remove(end);
        }

        @Override
        public long lookup(String channelName) {
            Chan c = channels.get(channelName);
            return c == null ? 0 : c.id;
        }

        @Override
        public boolean openEnd(EndKey end, long channelId, Frame.Side side) {
            for (Chan c : channels.values()) {
                if (c.id == channelId) {
                    ends.put(end, c);
                    return true;
                }
            }
            return false;
        }

        @Override
        public void offer(OfferKey offer, EndKey end, long party, boolean conditional, byte[] value) {
            Chan c = ends.get(end);
            if (c.poisoned) {
                node.terminated(offer, true, nowNs);
                return;
            }
            if (value != null && !conditional && c.free() > 0) {
                c.buffer.add(value); // a buffered channel stores an unconditional write at the match
                storedOffers.add(offer);
                node.proposed(offer, null, ProtocolNode.NO_DEADLINE, nowNs);
                return;
            }
            (value == null ? c.foreignReaders : c.foreignWriters).add(new Foreign(offer, value));
            match(c);
        }

        @Override
        public boolean withdraw(OfferKey offer) {
            for (Chan c : channels.values()) {
                if (c.foreignReaders.removeIf(f -> f.key.equals(offer))
                        || c.foreignWriters.removeIf(f -> f.key.equals(offer))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void answer(OfferKey offer, ProposalAnswer answer) {
            if (storedOffers.remove(offer)) {
                return; // stored at the match, whatever the answer
            }
            Held h = held.remove(offer);
            if (h == null) {
                throw new AssertionError("answer without a proposal: " + offer + " " + answer);
            }
            answered.add(new Answered(answer, nowNs - h.sinceNs));
            switch (answer) {
                case ACCEPT -> {
                    if (h.reader != null) {
                        h.reader.done.accept(new Result(Outcome.DONE, h.foreign.value, nowNs));
                    } else {
                        h.writer.done.accept(new Result(Outcome.DONE, null, nowNs));
                    }
                }
                case DECLINE -> {
                    if (h.reader != null) {
                        requeue(h.chan.readers, h.reader, h.reader.done, h.reader.deadlineNs);
                    } else {
                        requeue(h.chan.writers, h.writer, h.writer.done, h.writer.deadlineNs);
                    }
                }
                case UNKNOWN -> {
                    Result r = new Result(Outcome.OUTCOME_UNKNOWN, null, nowNs);
                    (h.reader != null ? h.reader.done : h.writer.done).accept(r);
                }
            }
            match(h.chan);
        }

        @Override
        public void poison(EndKey end) {
            poisonHome(ends.get(end));
        }

        @Override
        public void retire(EndKey end) {
            Chan c = ends.remove(end);
            if (c != null) {
                c.reserved.remove(end); // as the binding closes the end's credit
            }
            retiredEnds.add(end);
        }

        @Override
        public void abandon(EndKey end) {
            Chan c = ends.remove(end);
            if (c == null) {
                throw new AssertionError("abandoned an end the home does not count: " + end);
            }
            c.reserved.remove(end);
            abandonedEnds.add(end);
        }

        void poisonHome(Chan c) {
            terminateHome(c, true);
        }

        /** Poisons or retires the home channel: every waiting party, local or foreign, is told. */
        void terminateHome(Chan c, boolean poison) {
            c.poisoned = true;
            for (Foreign f : c.foreignReaders) {
                node.terminated(f.key, poison, nowNs);
            }
            for (Foreign f : c.foreignWriters) {
                node.terminated(f.key, poison, nowNs);
            }
            c.foreignReaders.clear();
            c.foreignWriters.clear();
            Result poisoned = new Result(poison ? Outcome.POISONED : Outcome.RETIRED, null, nowNs);
            c.readers.forEach(r -> r.done.accept(poisoned));
            c.writers.forEach(w -> w.done.accept(poisoned));
            c.readers.clear();
            c.writers.clear();
        }

        /** A local blocking read at the home channel. */
        void localRead(Chan c, Consumer<Result> done) {
            localRead(c, ProtocolNode.NO_DEADLINE, done);
        }

        /**
         * A local read at the home channel that gives up at {@code deadlineNs} (NOT_DONE) unless
         * it is held for a proposal then, as the core's timed read does.
         */
        void localRead(Chan c, long deadlineNs, Consumer<Result> done) {
            if (c.poisoned) {
                done.accept(new Result(Outcome.POISONED, null, nowNs));
                return;
            }
            enqueue(c, c.readers, new LocalReader(done, deadlineNs), done, deadlineNs);
        }

        /** A local blocking write at the home channel. */
        void localWrite(Chan c, byte[] value, Consumer<Result> done) {
            localWrite(c, value, ProtocolNode.NO_DEADLINE, done);
        }

        /** A local write at the home channel with a deadline, as {@link #localRead(Chan, long, Consumer)}. */
        void localWrite(Chan c, byte[] value, long deadlineNs, Consumer<Result> done) {
            if (c.poisoned) {
                done.accept(new Result(Outcome.POISONED, null, nowNs));
                return;
            }
            enqueue(c, c.writers, new LocalWriter(value, done, deadlineNs), done, deadlineNs);
        }

        private <P> void enqueue(Chan c, ArrayDeque<P> queue, P party, Consumer<Result> done, long deadlineNs) {
            queue.add(party);
            if (deadlineNs != ProtocolNode.NO_DEADLINE) {
                at(deadlineNs, () -> {
                    if (queue.remove(party)) { // still waiting, not held: it gives up
                        done.accept(new Result(Outcome.NOT_DONE, null, nowNs));
                    }
                });
            }
            match(c);
        }

        /** A declined partner waits again, first in line, unless its deadline has passed meanwhile. */
        private <P> void requeue(ArrayDeque<P> queue, P party, Consumer<Result> done, long deadlineNs) {
            if (deadlineNs != ProtocolNode.NO_DEADLINE && nowNs - deadlineNs >= 0) {
                done.accept(new Result(Outcome.NOT_DONE, null, nowNs));
            } else {
                queue.addFirst(party);
            }
        }

        private void match(Chan c) {
            while (!c.foreignWriters.isEmpty() && !c.readers.isEmpty()) {
                Foreign f = c.foreignWriters.poll();
                LocalReader r = c.readers.poll();
                held.put(f.key, new Held(c, f, r, null, nowNs));
                node.proposed(f.key, null, r.deadlineNs, nowNs);
            }
            while (!c.foreignReaders.isEmpty() && !c.writers.isEmpty()) {
                Foreign f = c.foreignReaders.poll();
                LocalWriter w = c.writers.poll();
                held.put(f.key, new Held(c, f, null, w, nowNs));
                node.proposed(f.key, w.value, w.deadlineNs, nowNs);
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
