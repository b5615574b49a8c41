package dev.parley.protocol;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One node's whole protocol as a pure state machine: frames, timer ticks and local events
 * in; frames (through {@link Network}), requests to the home channels (through
 * {@link HomeChannels}) and to the remote ends' decisions and completions (through
 * {@link RemoteEnds}) out. No I/O, no threads, no clock of its own: every call carries
 * {@code nowNs}, a monotonic time in nanoseconds from the caller's clock (System.nanoTime
 * over Aeron, a virtual clock in the simulator). Not thread-safe: one thread makes every
 * call (the adapter's duty-cycle thread, or the simulator's); other threads hand their
 * events to that thread.
 *
 * <p>Callbacks run inside calls into the node. A callback may call back into the node: the
 * event methods ({@link #proposed}, {@link #terminated}, {@link #holdAnswered},
 * {@link #withdraw}) are then queued and run, in order, before the outermost call returns;
 * the methods that start something and return its id ({@link #lookup}, {@link #openEnd},
 * {@link #offer}, {@link #poison}, {@link #retire}) must be called from outside callbacks.
 *
 * <h2>Layers</h2>
 * {@link FrameCodec} (bytes, version, MAC) under {@link Session} (per-peer reliable,
 * ordered, exactly-once delivery within one pair of incarnations; handshake; heartbeats)
 * under the operation layer: {@link RemoteSide} for this node's remote ends, {@link HomeSide}
 * for the foreign offers at channels this node hosts. See docs/PROTOCOL.md.
 *
 * <h2>Implementation note</h2>
 * Every call runs through {@link NodeCalls}, which keeps invariants <b>no-reentry</b> (at
 * most one call runs the state machine at a time; calls made from callbacks wait and run
 * before the outermost call returns) and <b>own-stall-is-not-silence</b> (time during which
 * this node did not run is not its peers' silence). {@link Sessions} keeps the sessions by
 * peer and is the {@link Links} of both sides.
 * Invariant <b>rejections-counted</b>: every frame that is dropped is counted under a
 * {@link Rejection} (or as a duplicate), and nothing in a dropped frame reaches a channel.
 */
public final class ProtocolNode {

    /** The deadline of an operation that has none. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final long incarnation;
    private final FrameCodec codec;
    private final Counters counters = new Counters();
    private final Sessions sessions;
    private final RemoteSide remote;
    private final HomeSide home;
    private final NodeCalls calls;

    /**
     * @param incarnation this node's incarnation id, positive and new at each start, and
     *     greater than every earlier incarnation's at the same address: peers adopt only a
     *     greater one (make it with {@link Incarnations#next} or {@link Incarnations#after})
     * @param config timing and size settings
     * @param secret the shared secret that authenticates every frame, or null for none
     * @param network where frames go
     * @param homeChannels the channels this node hosts
     * @param remoteEnds this node's ends of channels hosted elsewhere
     */
    public ProtocolNode(long incarnation, ProtocolConfig config, byte[] secret, Network network,
            HomeChannels homeChannels, RemoteEnds remoteEnds) {
        this(incarnation, config, secret, network, homeChannels, remoteEnds, Set.of());
    }

    /**
     * As the other constructor, with deliberate bugs switched on: for the simulator and the
     * model checks to show that they catch each one. Never use it outside a test.
     *
     * @param bugs the bugs to switch on
     */
    public ProtocolNode(long incarnation, ProtocolConfig config, byte[] secret, Network network,
            HomeChannels homeChannels, RemoteEnds remoteEnds, Set<SeededBug> bugs) {
        Set<SeededBug> switchedOn = EnumSet.noneOf(SeededBug.class);
        switchedOn.addAll(bugs);
        if (incarnation <= 0) {
            throw new IllegalArgumentException("incarnation=" + incarnation
                    + " must be positive (0 stands for 'not known yet'); see Incarnations");
        }
        this.incarnation = incarnation;
        Objects.requireNonNull(config, "config");
        this.codec = new FrameCodec(config.maxFrameBytes(), secret);
        this.sessions = new Sessions(incarnation, config, counters, codec, Objects.requireNonNull(network, "network"),
                new Dispatch(), switchedOn);
        this.remote = new RemoteSide(sessions, Objects.requireNonNull(remoteEnds, "remoteEnds"));
        this.home = new HomeSide(sessions, Objects.requireNonNull(homeChannels, "homeChannels"));
        this.calls = new NodeCalls(config, counters, sessions, this::nextTimerNs);
    }

    /** @return this node's incarnation id */
    public long incarnation() {
        return incarnation;
    }

    /** @return what this node counted; readable from any thread */
    public Counters counters() {
        return counters;
    }

    /** @return the largest value a write can carry */
    public int maxValueBytes() {
        return codec.maxValueBytes();
    }

    /**
     * @return sequenced frames sent or queued to any peer and not yet acknowledged; an adapter
     *     closing the node may wait (bounded) for this to reach 0 so that its last frames,
     *     a poison for instance, are not lost with it. Call on the node's thread.
     */
    public int unackedFrames() {
        return sessions.unacked();
    }

    /**
     * @return the foreign offers (of remote ends, at channels this node hosts) that the node
     *     knows now, queued or proposed; for tests and diagnostics. Call on the node's thread.
     */
    public int foreignOffers() {
        return home.offers();
    }

    /** @return true when frames are authenticated with a shared secret */
    public boolean authenticates() {
        return codec.authenticates();
    }

    // ------------------------------------------------------------------------------------------
    // Input: frames and time

    /**
     * Takes one frame as it came from the network. Malformed, unauthenticated, stale and
     * duplicate frames are counted and dropped; nothing thrown.
     *
     * @param peer the address the frame came from, named as in every other call
     */
    public void receive(String peer, byte[] bytes, int offset, int length, long nowNs) {
        Objects.requireNonNull(peer, "peer");
        calls.run(nowNs, () -> {
            Decoded d = codec.decode(bytes, offset, length);
            if (!d.ok()) {
                counters.reject(d.rejection());
                return;
            }
            counters.add(Counters.Event.FRAMES_RECEIVED);
            Session s = sessions.session(peer, nowNs);
            Rejection r = s.receive(d.frame(), nowNs);
            if (r != null) {
                counters.reject(r);
            }
            sessions.received(s, nowNs);
        });
    }

    /**
     * From now on {@link #receive} sends no ack of its own: the caller calls {@link #flushAcks}
     * once it has also run what the frames caused (the binding's reports, which answer them in
     * frames that carry the cumulative ack), so that an answer saves the bare ACK before it.
     * Call once, before the first frame.
     */
    public void deferAcks() {
        sessions.deferAcks();
    }

    /** Sends a bare ACK to every peer heard since the last call whose ack no other frame carried. */
    public void flushAcks(long nowNs) {
        if (!sessions.owesAcks()) {
            return;
        }
        calls.run(nowNs, () -> sessions.flushAcks(nowNs));
    }

    /** Runs the timers: retransmission, handshake, heartbeats, deadlines, peer timeouts, lookups. */
    public void tick(long nowNs) {
        calls.run(nowNs, () -> {
            remote.tick(nowNs);
            home.tick(nowNs);
            sessions.tick(nowNs);
        });
    }

    /**
     * @return the earliest time at which {@link #tick} has something to do (it may be in the
     *     past; {@link Long#MAX_VALUE} when nothing waits); ticking earlier is harmless
     */
    public long nextTimerNs(long nowNs) {
        long next = Math.min(remote.nextTimerNs(nowNs), home.nextTimerNs(nowNs));
        return Math.min(next, sessions.nextTimerNs());
    }

    // ------------------------------------------------------------------------------------------
    // This node's remote ends

    /**
     * Looks a channel up by name at {@code peer}, asking again every lookup retry interval
     * while it is not hosted yet, until {@code deadlineNs}. Ends in {@link RemoteEnds#lookedUp}.
     *
     * @return the lookup's id
     */
    public long lookup(String peer, String name, long deadlineNs, long nowNs) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(name, "name");
        calls.checkNotInCallback("lookup");
        return calls.call(nowNs, () -> remote.lookup(peer, name, deadlineNs, nowNs));
    }

    /**
     * Opens a remote end on a channel that a lookup found; the home counts it for retire.
     *
     * @return the end's id
     */
    public long openEnd(String peer, long channelId, Frame.Side side, long nowNs) {
        return openEnd(peer, channelId, side, false, nowNs);
    }

    /**
     * As {@link #openEnd(String, long, Frame.Side, long)}, for a writer that may write ahead: if
     * the channel is buffered, its home reserves slots for it ({@link RemoteEnds#credited}), and
     * the binding writes under them with {@link #store} instead of offering.
     *
     * @param writeAhead true for a writer end that takes credits; false as the other overload
     * @throws IllegalArgumentException for a reader that would write ahead
     */
    public long openEnd(String peer, long channelId, Frame.Side side, boolean writeAhead, long nowNs) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(side, "side");
        if (channelId <= 0) {
            throw new IllegalArgumentException("channelId=" + channelId + " must be positive (from a lookup)");
        }
        if (writeAhead && side != Frame.Side.WRITE) {
            throw new IllegalArgumentException("only a writer end writes ahead: side=" + side);
        }
        calls.checkNotInCallback("openEnd");
        return calls.call(nowNs, () -> remote.openEnd(peer, channelId, side, writeAhead, nowNs));
    }

    /**
     * Writes a value through a write-ahead end under one of the slots its home reserved for it
     * ({@link RemoteEnds#credited}): a STORE, which the session delivers and the home stores on
     * arrival, with no answer. The write is done for the caller as this returns. The binding must
     * count its writes against the slots it was credited, less those it gave back through
     * {@link RemoteEnds#creditTakenBack}, and hand each one it counted to this method.
     *
     * @param value the encoded value, which the node keeps: the caller must not change it
     * @throws IllegalArgumentException for an end that does not write ahead, or a value larger
     *     than {@link #maxValueBytes()}
     * @throws IllegalStateException for a store beyond the slots granted (a binding bug)
     */
    public void store(long endId, byte[] value, long nowNs) {
        store(endId, List.of(value), nowNs);
    }

    /**
     * As {@link #store(long, byte[], long)}, for several writes of one end in one STORE, in
     * order: a single value of up to {@link #maxValueBytes()}, or several whose lengths, plus 4
     * bytes each, add up to at most {@link #maxValueBytes()} (see {@link #fitsOneStore}).
     *
     * @throws IllegalArgumentException if the values do not fit one STORE, or there are none
     */
    public void store(long endId, List<byte[]> values, long nowNs) {
        if (values.isEmpty() || !fitsOneStore(values)) {
            throw new IllegalArgumentException("values=" + values.size() + " do not fit one STORE of at most "
                    + codec.maxValueBytes() + " bytes");
        }
        calls.checkNotInCallback("store");
        calls.run(nowNs, () -> remote.store(endId, values, nowNs));
    }

    /** @return true if {@code values} fit one STORE; see {@link #store(long, List, long)} */
    public boolean fitsOneStore(List<byte[]> values) {
        if (values.size() == 1) {
            return values.get(0).length <= codec.maxValueBytes();
        }
        long bytes = 0;
        for (byte[] v : values) {
            bytes += 4 + v.length;
        }
        return values.size() <= Frame.MAX_STORE_VALUES && bytes <= codec.maxValueBytes();
    }

    /**
     * Whether an end was opened with an earlier incarnation of its home: every offer through it
     * ends OUTCOME_UNKNOWN at once, without a frame, so a binding may open a new end instead.
     * Call on the node's thread.
     *
     * @return true if {@code endId} is open and its home restarted since it was opened; false
     *     for an end that is unknown or retired
     */
    public boolean endLost(long endId) {
        return remote.endLost(endId);
    }

    /**
     * Offers to read (value null) or to write through a remote end. Ends in exactly one
     * {@link RemoteEnds#completed}; a conditional offer (an alternation's guard) is asked
     * through {@link RemoteEnds#askHold} before it commits.
     *
     * @param deadlineNs when an unconditional offer is withdrawn by itself, or {@link #NO_DEADLINE};
     *     for a conditional offer, its owner's deadline (the alternation's earliest timeout), or
     *     {@link #NO_DEADLINE}: the node does not withdraw it then (the alternation does), but a
     *     held conditional write waits for TAKEN no later than one peer timeout past it. A
     *     withdrawn or accepted write waits for the home's answer until the peer falls silent or,
     *     with a deadline, at most until one peer timeout past it
     * @return the operation's id
     * @throws IllegalArgumentException for an unknown end, a value on a reader or none on a
     *     writer, or a value larger than {@link #maxValueBytes()}
     */
    public long offer(long endId, byte[] value, boolean conditional, long deadlineNs, long nowNs) {
        return offer(endId, value, conditional, 0, deadlineNs, nowNs);
    }

    /**
     * As {@link #offer(long, byte[], boolean, long, long)}, for a party that may offer on both
     * sides of one channel: every guard of one alternation gives the same nonzero {@code party},
     * so that the home never relays the party's writer to its own reader.
     *
     * @param party the offering party's id, unique within this node incarnation, or 0 for none
     */
    public long offer(long endId, byte[] value, boolean conditional, long party, long deadlineNs, long nowNs) {
        return offer("offer", endId, value, conditional, false, party, deadlineNs, nowNs);
    }

    private long offer(String what, long endId, byte[] value, boolean conditional, boolean probe, long party,
            long deadlineNs, long nowNs) {
        if (value != null && value.length > codec.maxValueBytes()) {
            throw new IllegalArgumentException("value of bytes=" + value.length + " exceeds maxValueBytes="
                    + codec.maxValueBytes());
        }
        calls.checkNotInCallback(what);
        byte[] copy = value == null ? null : value.clone();
        return calls.call(nowNs, () -> remote.offer(endId, copy, conditional, probe, party, deadlineNs, nowNs));
    }

    /**
     * Offers an alternation's guard for this moment only (the core's {@code Port.probe}): a
     * conditional offer that the home matches on arrival, asking {@link RemoteEnds#askHold} as
     * for any guard, or else withdraws at once and answers WITHDRAWN, which ends it NOT_DONE. It
     * ends in exactly one {@link RemoteEnds#completed}. {@link #withdraw} it only if its
     * alternation stops waiting for the answer (its deadline passed, or it was interrupted), so
     * that the WITHDRAW reaches the home before anything the end sends later.
     *
     * @param value the value to write, or null to read
     * @param party as for {@link #offer(long, byte[], boolean, long, long, long)}
     * @param ownerDeadlineNs the alternation's deadline, or {@link #NO_DEADLINE}: bounds a hold
     * @return the operation's id
     * @throws IllegalArgumentException as {@link #offer(long, byte[], boolean, long, long)} does
     */
    public long probe(long endId, byte[] value, long party, long ownerDeadlineNs, long nowNs) {
        return offer("probe", endId, value, true, true, party, ownerDeadlineNs, nowNs);
    }

    /** Withdraws an offer (its alternation is done, or its caller gave up); its completion follows. */
    public void withdraw(long opId, long nowNs) {
        calls.run(nowNs, () -> remote.withdraw(opId, nowNs));
    }

    /** Reports the local decision's answer to {@link RemoteEnds#askHold}. */
    public void holdAnswered(long opId, HoldAnswer answer, long nowNs) {
        Objects.requireNonNull(answer, "answer");
        calls.run(nowNs, () -> remote.holdAnswered(opId, answer, nowNs));
    }

    /**
     * Poisons the home channel through this remote end. Ends in exactly one
     * {@link RemoteEnds#completed}, with no value: DONE once the home has poisoned the channel;
     * NOT_DONE when the end had retired (nothing to do) or the home knows no such end;
     * OUTCOME_UNKNOWN when the home fell silent for the peer timeout before it confirmed (the
     * poison is still resent, and applied if that home incarnation is heard again), or it
     * restarted (the end is gone with the channel it belonged to). It has no deadline.
     *
     * @return the poison's operation id
     */
    public long poison(long endId, long nowNs) {
        calls.checkNotInCallback("poison");
        return calls.call(nowNs, () -> remote.poison(endId, nowNs));
    }

    /**
     * Retires this remote end at its home channel. Ends in exactly one
     * {@link RemoteEnds#completed}, with no value: DONE once the home has retired the end, or
     * at once when the end had retired already or its home restarted (the end went with the
     * old incarnation);
     * OUTCOME_UNKNOWN when the home fell silent for the peer timeout before it confirmed. The
     * end takes no offer after this call. It has no deadline.
     *
     * @return the retire's operation id
     */
    public long retire(long endId, long nowNs) {
        calls.checkNotInCallback("retire");
        return calls.call(nowNs, () -> remote.retire(endId, nowNs));
    }

    // ------------------------------------------------------------------------------------------
    // Events from the channels this node hosts

    /**
     * The home channel holds a partner for a foreign offer (or a buffer slot or message). The
     * hold ends with the remote end's answer; it ends UNKNOWN only when the remote node falls
     * silent for the peer timeout or, for a partner with a deadline, once that deadline plus
     * one peer timeout has passed.
     *
     * @param valueForReader the value offered to a foreign reader, or null for a foreign writer
     * @param partnerDeadlineNs the held partner's deadline on this node's clock, or
     *     {@link #NO_DEADLINE} when it has none or no party is held (a buffer slot or message)
     */
    public void proposed(OfferKey offer, byte[] valueForReader, long partnerDeadlineNs, long nowNs) {
        Objects.requireNonNull(offer, "offer");
        calls.run(nowNs, () -> home.proposed(offer, valueForReader, partnerDeadlineNs, nowNs));
    }

    /**
     * The home channel asks a foreign writer to hold itself for a foreign reader of the same
     * channel (a relay). An unconditional writer is held as it is asked (the home decides it) and
     * not answered; a conditional one is answered through {@link HomeChannels#holdAnswered} after
     * a PROPOSE and the remote end's answer. A writer held is told the relay's end by
     * {@link #holdEnded}.
     */
    public void holdRequested(OfferKey offer, long nowNs) {
        Objects.requireNonNull(offer, "offer");
        calls.run(nowNs, () -> home.holdRequested(offer, nowNs));
    }

    /**
     * The relay of a writer held after {@link #holdRequested} ended: TAKEN (the reader took the
     * value; TAKEN is sent), RELEASED (the reader declined; the writer's offer stands again) or
     * UNKNOWN (the reader's answer cannot be known; the writer ends OUTCOME_UNKNOWN).
     */
    public void holdEnded(OfferKey offer, HoldOutcome outcome, long nowNs) {
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(outcome, "outcome");
        calls.run(nowNs, () -> home.holdEnded(offer, outcome, nowNs));
    }

    /**
     * The home channel wants back the slots reserved for a write-ahead end (the core's
     * {@code CreditHolder.wanted}): a writer waits for one, or the channel was poisoned or retired.
     */
    public void creditWanted(EndKey end, long nowNs) {
        Objects.requireNonNull(end, "end");
        calls.run(nowNs, () -> home.creditWanted(end, nowNs));
    }

    /** The home channel was poisoned or retired while the foreign offer was queued. */
    public void terminated(OfferKey offer, boolean poison, long nowNs) {
        Objects.requireNonNull(offer, "offer");
        calls.run(nowNs, () -> home.terminated(offer, poison, nowNs));
    }

    // ------------------------------------------------------------------------------------------

    /** @return the handshake state with {@code peer}, or null if there is no session (for tests) */
    Session.State sessionState(String peer) {
        return sessions.state(peer);
    }

    /** @return operations of this node's remote ends in flight, and foreign offers known here */
    int[] inFlight() {
        return new int[] {remote.inFlight(), home.offers()};
    }

    /** @return the remote operations in flight, described for a failure message (for tests) */
    String describeInFlight() {
        return remote.describe();
    }

    /** Hands bodies delivered by a session to the side they are for. */
    private final class Dispatch implements Session.Listener {
        @Override
        public void delivered(Session s, Frame.Body body, long nowNs) {
            Rejection r = switch (body.type()) {
                case LOOKUP, OPEN_END, OFFER, ACCEPT, DECLINE, WITHDRAW, POISON, RETIRE, STORE, REVOKED ->
                        home.receive(s.peer(), s.peerIncarnation(), body, nowNs);
                default -> remote.receive(s.peer(), body, nowNs);
            };
            if (r != null) {
                counters.reject(r);
            }
        }

        @Override
        public void peerRestarted(Session s, long oldIncarnation, long nowNs) {
            remote.peerRestarted(s.peer(), nowNs);
            home.peerRestarted(s.peer(), oldIncarnation, nowNs);
        }
    }
}
