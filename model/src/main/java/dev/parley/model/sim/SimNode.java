package dev.parley.model.sim;

import dev.parley.protocol.EndKey;
import dev.parley.protocol.Frame;
import dev.parley.protocol.HoldAnswer;
import dev.parley.protocol.HomeChannels;
import dev.parley.protocol.Network;
import dev.parley.protocol.OfferKey;
import dev.parley.protocol.Outcome;
import dev.parley.protocol.ProposalAnswer;
import dev.parley.protocol.ProtocolNode;
import dev.parley.protocol.RemoteEnds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * One incarnation of a simulated node: a real {@link ProtocolNode}, the channels it hosts
 * ({@link HomeChannel}) and its remote ends' decisions. A crash ends the incarnation; a
 * restart makes a new one at the same address. Only the simulator's thread uses it.
 *
 * <p>As remote ends it also plays the binding's part in writes ahead: it counts the slots each
 * write-ahead end was credited and has not used; a write that finds one takes it, is done, and
 * queues its value; a flush hands everything queued for the end to {@link ProtocolNode#store},
 * in as few STOREs as fit, at once or, as a binding's node thread may, a little later
 * ({@link #writeAhead}). The writes of one end reach the node in the order they took their
 * slots, and before any later offer through the end (the binding's node thread runs its tasks in
 * order); a retire does not wait for them, as one made on another thread need not.
 * {@link #creditTakenBack} gives back only the slots not taken, so the node holds REVOKED, or the
 * end's RETIRE, until the stores of the slots taken have come. Unlike the binding, a write that
 * finds no slot offers at once, without waiting for the home's answer to the end's last STORE.
 */
final class SimNode implements Network, HomeChannels, RemoteEnds {

    /** What a remote operation's process hears: the hold question and the outcome. */
    interface RemoteOp {
        /** Answers the protocol's askHold at once (the local decision's tryHold). */
        HoldAnswer askHold(long opId, byte[] value);

        void completed(Outcome outcome, byte[] value);

        /** The home's relay let a held conditional write go: its decision is no longer held. */
        default void released() {
            throw new IllegalStateException("RELEASE for an operation that holds no decision");
        }
    }

    final String address;
    final int generation;
    private final Simulator sim;
    private final ProtocolNode node;
    boolean alive = true;
    /** The node's next protocol timer, as last asked; stale once {@code timerChanged}. */
    long timerNs;
    boolean timerChanged = true;
    private final Map<String, HomeChannel> channels = new LinkedHashMap<>();
    private final Map<EndKey, HomeChannel> remoteEnds = new HashMap<>();
    private final Map<OfferKey, HomeChannel> foreignOffers = new HashMap<>();
    private final Map<Long, RemoteOp> ops = new HashMap<>();
    private final Map<Long, Outcome> early = new HashMap<>();
    private final Map<Long, LongConsumer> lookups = new HashMap<>();
    /** The slots each write-ahead end was credited and has not used, by end id. */
    private final Map<Long, Integer> slots = new HashMap<>();
    /** Writes ahead that took a slot and are not handed to the node yet, by end id, in order. */
    private final Map<Long, ArrayDeque<byte[]>> unstored = new HashMap<>();

    SimNode(Simulator sim, String address, int generation, long incarnation) {
        this.sim = sim;
        this.address = address;
        this.generation = generation;
        this.node = new ProtocolNode(incarnation, sim.config(), null, this, this, this, sim.bugs());
    }

    ProtocolNode node() {
        return node;
    }

    Simulator sim() {
        return sim;
    }

    HomeChannel host(String name, int capacity) {
        HomeChannel c = new HomeChannel(this, name, channels.size() + 1L, capacity);
        channels.put(name, c);
        return c;
    }

    HomeChannel channel(String name) {
        return channels.get(name);
    }

    Iterable<HomeChannel> channels() {
        return channels.values();
    }

    /** The node stops: its channels' buffers are lost, its timers and frames no longer run. */
    void crash() {
        alive = false;
        channels.values().forEach(HomeChannel::crashed);
    }

    // ---- the processes' calls (outside any protocol call)

    /** Looks {@code name} up at {@code home}; {@code then} gets the channel id, or -1 if not found. */
    void lookup(String home, String name, long deadlineNs, LongConsumer then) {
        lookups.put(node.lookup(home, name, deadlineNs, sim.nowNs()), then);
    }

    /** @param writeAhead a writer end that takes the slots a buffered home grants and writes under them */
    long openEnd(String home, long channelId, boolean writer, boolean writeAhead) {
        return node.openEnd(home, channelId, writer ? Frame.Side.WRITE : Frame.Side.READ, writer && writeAhead,
                sim.nowNs());
    }

    /**
     * Writes ahead through a write-ahead end, if it holds a slot: the write takes the slot and is
     * done for its caller now; its value is queued and the end's queue flushed to the node's
     * {@link ProtocolNode#store} now or after {@code storeDelayNs} (as a binding's node thread may
     * run the flush after frames that came meanwhile), in any case before a later offer of the end.
     *
     * @return true if written ahead; false if the end holds no slot (the caller offers instead)
     */
    boolean writeAhead(long endId, String channel, String value, long storeDelayNs) {
        int held = slots.getOrDefault(endId, 0);
        if (held == 0) {
            return false;
        }
        slots.put(endId, held - 1);
        SimNode home = sim.grantor(new EndKey(address, node.incarnation(), endId));
        if (home == null) {
            sim.violation("protocol", "endId=" + endId + " at " + address + " holds a slot that no home granted");
            return false;
        }
        sim.wroteAhead(channel, value, this, home);
        unstored.computeIfAbsent(endId, id -> new ArrayDeque<>()).add(value.getBytes(StandardCharsets.UTF_8));
        if (storeDelayNs == 0) {
            flush(endId);
        } else {
            sim.count("writeAhead.delayedStore");
            sim.at(sim.nowNs() + storeDelayNs, () -> {
                if (alive) {
                    flush(endId);
                }
            });
        }
        return true;
    }

    /** @return true if writes ahead of the end took their slots and are not handed to the node yet */
    private boolean storesPending(long endId) {
        ArrayDeque<byte[]> queue = unstored.get(endId);
        return queue != null && !queue.isEmpty();
    }

    /** Hands every write ahead queued for the end to the node, in order, in as few STOREs as fit. */
    private void flush(long endId) {
        ArrayDeque<byte[]> queue = unstored.get(endId);
        while (queue != null && !queue.isEmpty()) {
            List<byte[]> batch = new ArrayList<>();
            batch.add(queue.poll());
            while (!queue.isEmpty() && node.fitsOneStore(concat(batch, queue.peek()))) {
                batch.add(queue.poll());
            }
            if (batch.size() > 1) {
                sim.count("store.batched");
            }
            node.store(endId, batch, sim.nowNs());
        }
    }

    private static List<byte[]> concat(List<byte[]> batch, byte[] next) {
        List<byte[]> out = new ArrayList<>(batch);
        out.add(next);
        return out;
    }

    /** @param probe an alternation's probe (conditional, immediate): see {@link ProtocolNode#probe} */
    long offer(long endId, byte[] value, boolean conditional, boolean probe, long party, long deadlineNs,
            RemoteOp op) {
        flush(endId); // the end's writes ahead go first, as the binding's tasks run in order
        long id = probe ? node.probe(endId, value, party, deadlineNs, sim.nowNs())
                : node.offer(endId, value, conditional, party, deadlineNs, sim.nowNs());
        Outcome done = early.remove(id);
        if (done != null) {
            sim.soon(() -> op.completed(done, null));
        } else {
            ops.put(id, op);
        }
        return id;
    }

    /**
     * Poisons the home channel through a remote end, or retires the end; {@code then} gets the
     * outcome as an event of its own, once the home confirmed or the protocol gave up.
     */
    void endAction(long endId, boolean retire, java.util.function.Consumer<Outcome> then) {
        if (retire && storesPending(endId)) {
            sim.count("retire.beforeStores"); // the node holds the RETIRE until they come
        }
        long id = retire ? node.retire(endId, sim.nowNs()) : node.poison(endId, sim.nowNs());
        RemoteOp op = new RemoteOp() {
            @Override
            public HoldAnswer askHold(long opId, byte[] value) {
                sim.violation("protocol", "askHold for opId=" + opId + ", a " + (retire ? "retire" : "poison"));
                return HoldAnswer.FINAL;
            }

            @Override
            public void completed(Outcome outcome, byte[] value) {
                sim.count((retire ? "retire." : "poison.") + outcome);
                sim.soon(() -> then.accept(outcome));
            }
        };
        Outcome done = early.remove(id);
        if (done != null) {
            op.completed(done, null);
        } else {
            ops.put(id, op);
        }
    }

    // ---- Network

    @Override
    public void send(String peer, byte[] frame) {
        if (alive) {
            sim.transmit(address, peer, frame);
        }
    }

    // ---- RemoteEnds

    @Override
    public void askHold(long opId, byte[] value) {
        RemoteOp op = ops.get(opId);
        if (op == null) {
            throw new IllegalStateException("askHold for opId=" + opId + " that no process made");
        }
        HoldAnswer answer = op.askHold(opId, value);
        sim.count("askHold." + answer);
        node.holdAnswered(opId, answer, sim.nowNs());
    }

    @Override
    public void holdReleased(long opId) {
        RemoteOp op = ops.get(opId);
        if (op == null) {
            sim.violation("protocol", "holdReleased for opId=" + opId + " that no process made, at " + address);
            return;
        }
        sim.count("holdReleased");
        op.released();
    }

    @Override
    public void completed(long opId, Outcome outcome, byte[] value) {
        RemoteOp op = ops.remove(opId);
        if (op == null) {
            if (early.put(opId, outcome) != null) {
                sim.violation("protocol", "opId=" + opId + " at " + address + " completed twice");
            }
            return; // completed inside offer(), before it returned its id
        }
        op.completed(outcome, value);
    }

    @Override
    public void credited(long endId, int granted) {
        sim.count("credited");
        slots.merge(endId, granted, Integer::sum);
    }

    @Override
    public int creditTakenBack(long endId) {
        sim.count(storesPending(endId) ? "creditTakenBack.beforeStores" : "creditTakenBack");
        Integer unused = slots.remove(endId);
        return unused == null ? 0 : unused;
    }

    @Override
    public void lookedUp(long lookupId, Outcome outcome, long channelId) {
        LongConsumer then = lookups.remove(lookupId);
        sim.soon(() -> then.accept(outcome == Outcome.DONE ? channelId : -1));
    }

    /** @return remote operations that never completed (0 once the run settles) */
    int pendingOps() {
        return ops.size();
    }

    // ---- HomeChannels

    @Override
    public long lookup(String name) {
        HomeChannel c = channels.get(name);
        return c == null ? 0 : c.id;
    }

    @Override
    public boolean openEnd(EndKey end, long channelId, Frame.Side side) {
        for (HomeChannel c : channels.values()) {
            if (c.id == channelId) {
                remoteEnds.put(end, c);
                c.openEnd(end, side == Frame.Side.WRITE);
                return true;
            }
        }
        return false; // refused: the protocol aborts the end's offers
    }

    @Override
    public void offer(OfferKey offer, EndKey end, long party, boolean conditional, byte[] value) {
        HomeChannel c = remoteEnds.get(end);
        if (c == null) {
            sim.violation("protocol", "offer " + offer + " through unknown end " + end + " at " + address);
            return;
        }
        foreignOffers.put(offer, c);
        c.foreign(offer, party, conditional, value);
    }

    @Override
    public boolean withdraw(OfferKey offer) {
        HomeChannel c = foreignOffers.get(offer);
        return c != null && c.withdraw(offer);
    }

    @Override
    public void answer(OfferKey offer, ProposalAnswer answer) {
        HomeChannel c = channelOf(offer, "answer " + answer);
        if (c != null) {
            c.answer(offer, answer);
        }
    }

    @Override
    public void holdAnswered(OfferKey offer, boolean held) {
        HomeChannel c = channelOf(offer, "holdAnswered " + held);
        if (c != null) {
            c.holdAnswered(offer, held);
        }
    }

    /** @return the channel of a foreign offer, or null after recording a violation */
    private HomeChannel channelOf(OfferKey offer, String what) {
        HomeChannel c = foreignOffers.get(offer);
        if (c == null) {
            sim.violation("protocol", what + " for unknown offer " + offer + " at " + address);
        }
        return c;
    }

    @Override
    public int grant(EndKey end, int max) {
        HomeChannel c = remoteEnds.get(end);
        int n = c == null ? 0 : c.grant(end, max);
        if (n > 0) {
            sim.count("credit.granted");
            sim.granted(end, this);
        }
        return n;
    }

    @Override
    public void store(EndKey end, byte[] value) {
        HomeChannel c = remoteEnds.get(end);
        if (c == null) {
            sim.violation("protocol", "a store through unknown end " + end + " at " + address);
            return;
        }
        c.store(end, new String(value, StandardCharsets.UTF_8));
    }

    @Override
    public void storeAll(EndKey end, List<byte[]> values) {
        HomeChannel c = remoteEnds.get(end);
        if (c == null) {
            sim.violation("protocol", "a store through unknown end " + end + " at " + address);
            return;
        }
        c.storeAll(end, values.stream().map(v -> new String(v, StandardCharsets.UTF_8)).toList());
    }

    @Override
    public void releaseCredit(EndKey end) {
        sim.count("credit.released");
        HomeChannel c = remoteEnds.get(end);
        if (c != null) {
            c.releaseCredit(end);
        }
    }

    @Override
    public void poison(EndKey end) {
        HomeChannel c = remoteEnds.get(end);
        if (c != null) {
            c.poisonThrough(end);
        }
    }

    /** As the binding does, the end's credit is closed (its slots released) before it retires. */
    @Override
    public void retire(EndKey end) {
        HomeChannel c = remoteEnds.remove(end);
        if (c != null) {
            c.closeCredit(end);
            c.retireEnd(end);
        }
    }

    @Override
    public void abandon(EndKey end) {
        HomeChannel c = remoteEnds.remove(end);
        if (c != null) {
            c.closeCredit(end);
            c.abandonEnd(end);
        }
    }
}
