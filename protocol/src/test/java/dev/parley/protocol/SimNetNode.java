package dev.parley.protocol;

import dev.parley.protocol.SimNet.Alt;
import dev.parley.protocol.SimNet.Answered;
import dev.parley.protocol.SimNet.Chan;
import dev.parley.protocol.SimNet.Foreign;
import dev.parley.protocol.SimNet.Held;
import dev.parley.protocol.SimNet.LocalReader;
import dev.parley.protocol.SimNet.LocalWriter;
import dev.parley.protocol.SimNet.Result;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One node of a {@link SimNet}: its protocol, a fake of the channels it hosts, and a fake
 * of its remote ends' decisions. Made by {@link SimNet#add}; it reads the time from its
 * net and runs only on the simulation thread, as the net calls it or a test drives it
 * between runs.
 */
final class SimNetNode implements Network, HomeChannels, RemoteEnds {
    private final SimNet net;
    final String name;
    final ProtocolNode node;
    final FrameCodec peek; // reads the type of a frame this node sends, for dropFilter
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

    SimNetNode(SimNet net, String name, long incarnation, ProtocolConfig config, byte[] secret) {
        this.net = net;
        this.name = name;
        this.node = new ProtocolNode(incarnation, config, secret, this, this, this, net.bugs);
        this.peek = new FrameCodec(config.maxFrameBytes(), secret);
    }

    @Override
    public void send(String peer, byte[] frame) {
        if (alive) {
            net.transmit(name, peer, frame);
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
        } else if (net.random.nextDouble() < busyRate) {
            answer = HoldAnswer.BUSY;
        } else {
            alt.state = Alt.State.HELD;
            answer = HoldAnswer.HELD;
        }
        node.holdAnswered(opId, answer, net.nowNs); // re-entrant: queued by the node
    }

    @Override
    public void completed(long opId, Outcome outcome, byte[] value) {
        if (!completedOps.add(opId)) {
            throw new AssertionError("completed twice: opId=" + opId + " outcome=" + outcome);
        }
        Result r = new Result(outcome, value, net.nowNs);
        Consumer<Result> done = pending.remove(opId);
        if (done == null) {
            early.put(opId, r); // completed from inside offer(), before its callback was known
        } else {
            net.at(net.nowNs, () -> done.accept(r));
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
            node.store(endId, value, net.nowNs);
            stores++;
            done.accept(new Result(Outcome.DONE, null, net.nowNs));
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
        net.at(net.nowNs, () -> done.accept(outcome == Outcome.DONE ? channelId : -1L));
    }

    long offer(long endId, byte[] value, boolean conditional, long deadlineNs, Consumer<Result> done) {
        return track(node.offer(endId, value, conditional, deadlineNs, net.nowNs), done);
    }

    /**
     * Probes an alternation's guard through a remote end (no party, no deadline); {@code done}
     * gets the outcome.
     */
    long probe(long endId, byte[] value, Consumer<Result> done) {
        return track(node.probe(endId, value, 0, ProtocolNode.NO_DEADLINE, net.nowNs), done);
    }

    /** Poisons the home channel through a remote end; {@code done} gets the outcome. */
    long poison(long endId, Consumer<Result> done) {
        return track(node.poison(endId, net.nowNs), done);
    }

    /** Retires a remote end; {@code done} gets the outcome. */
    long retire(long endId, Consumer<Result> done) {
        return track(node.retire(endId, net.nowNs), done);
    }

    private long track(long op, Consumer<Result> done) {
        Result r = early.remove(op);
        if (r != null) {
            net.at(net.nowNs, () -> done.accept(r));
        } else {
            pending.put(op, done);
        }
        return op;
    }

    void lookup(String peer, String channelName, long deadlineNs, Consumer<Long> done) {
        lookups.put(node.lookup(peer, channelName, deadlineNs, net.nowNs), done);
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
            node.terminated(offer, true, net.nowNs);
            return;
        }
        if (value != null && !conditional && c.free() > 0) {
            c.buffer.add(value); // a buffered channel stores an unconditional write at the match
            storedOffers.add(offer);
            node.proposed(offer, null, ProtocolNode.NO_DEADLINE, net.nowNs);
            return;
        }
        (value == null ? c.foreignReaders : c.foreignWriters).add(new Foreign(offer, value));
        match(c);
    }

    @Override
    public boolean withdraw(OfferKey offer) {
        for (Chan c : channels.values()) {
            if (c.foreignReaders.removeIf(f -> f.key().equals(offer))
                    || c.foreignWriters.removeIf(f -> f.key().equals(offer))) {
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
        answered.add(new Answered(answer, net.nowNs - h.sinceNs()));
        switch (answer) {
            case ACCEPT -> {
                if (h.reader() != null) {
                    h.reader().done.accept(new Result(Outcome.DONE, h.foreign().value(), net.nowNs));
                } else {
                    h.writer().done.accept(new Result(Outcome.DONE, null, net.nowNs));
                }
            }
            case DECLINE -> {
                if (h.reader() != null) {
                    requeue(h.chan().readers, h.reader(), h.reader().done, h.reader().deadlineNs);
                } else {
                    requeue(h.chan().writers, h.writer(), h.writer().done, h.writer().deadlineNs);
                }
            }
            case UNKNOWN -> {
                Result r = new Result(Outcome.OUTCOME_UNKNOWN, null, net.nowNs);
                (h.reader() != null ? h.reader().done : h.writer().done).accept(r);
            }
        }
        match(h.chan());
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
            node.terminated(f.key(), poison, net.nowNs);
        }
        for (Foreign f : c.foreignWriters) {
            node.terminated(f.key(), poison, net.nowNs);
        }
        c.foreignReaders.clear();
        c.foreignWriters.clear();
        Result poisoned = new Result(poison ? Outcome.POISONED : Outcome.RETIRED, null, net.nowNs);
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
            done.accept(new Result(Outcome.POISONED, null, net.nowNs));
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
            done.accept(new Result(Outcome.POISONED, null, net.nowNs));
            return;
        }
        enqueue(c, c.writers, new LocalWriter(value, done, deadlineNs), done, deadlineNs);
    }

    private <P> void enqueue(Chan c, ArrayDeque<P> queue, P party, Consumer<Result> done, long deadlineNs) {
        queue.add(party);
        if (deadlineNs != ProtocolNode.NO_DEADLINE) {
            net.at(deadlineNs, () -> {
                if (queue.remove(party)) { // still waiting, not held: it gives up
                    done.accept(new Result(Outcome.NOT_DONE, null, net.nowNs));
                }
            });
        }
        match(c);
    }

    /** A declined partner waits again, first in line, unless its deadline has passed meanwhile. */
    private <P> void requeue(ArrayDeque<P> queue, P party, Consumer<Result> done, long deadlineNs) {
        if (deadlineNs != ProtocolNode.NO_DEADLINE && net.nowNs - deadlineNs >= 0) {
            done.accept(new Result(Outcome.NOT_DONE, null, net.nowNs));
        } else {
            queue.addFirst(party);
        }
    }

    private void match(Chan c) {
        while (!c.foreignWriters.isEmpty() && !c.readers.isEmpty()) {
            Foreign f = c.foreignWriters.poll();
            LocalReader r = c.readers.poll();
            held.put(f.key(), new Held(c, f, r, null, net.nowNs));
            node.proposed(f.key(), null, r.deadlineNs, net.nowNs);
        }
        while (!c.foreignReaders.isEmpty() && !c.writers.isEmpty()) {
            Foreign f = c.foreignReaders.poll();
            LocalWriter w = c.writers.poll();
            held.put(f.key(), new Held(c, f, null, w, net.nowNs));
            node.proposed(f.key(), w.value, w.deadlineNs, net.nowNs);
        }
    }
}
