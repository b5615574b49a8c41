package dev.parley;

import dev.parley.internal.SeededBug;
import dev.parley.spi.AbandonableEnd;
import dev.parley.spi.Credit;
import dev.parley.spi.Decision;
import dev.parley.spi.ForeignParty;
import dev.parley.spi.Offer;
import dev.parley.spi.OfferQueue;
import dev.parley.spi.Port;
import dev.parley.spi.SpinBudget;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A channel in this JVM, rendezvous (capacity 0) or buffered. Thread-safe: one lock per channel.
 *
 * <h2>Implementation note</h2>
 * One lock guards the two queues of waiting offers (readers, writers), the buffer, the counts of
 * live ends and the termination, and the state that the channel's parts keep (see below). An
 * operation locks, tries to complete at once against a waiting partner or the buffer, and
 * otherwise queues an offer and waits on its {@link Decision} with the lock released. A partner
 * completes a waiting party by claiming its decision, so an offer whose decision another
 * channel completed first is simply passed over (and dropped from the queue).
 *
 * <p>Invariants, checked after every step by the model tests under these names:
 * <ul>
 *   <li><b>no-ready-pair</b>: when the lock is free, no OPEN local reader and OPEN local writer
 *       wait together on a rendezvous channel, no OPEN local reader waits while the buffer holds a
 *       message that is not in flight, and no OPEN local writer waits while the buffer has room;</li>
 *   <li><b>buffer-bound</b>: buffered messages plus slots reserved for foreign writers (for one
 *       proposal, or under a {@link Credit}) never exceed the capacity, except for messages stored
 *       under a credit whose slots were released before they arrived ({@link Credit#store});</li>
 *   <li><b>credit-drains</b>: after a writer-side poison or retire, readers are failed only once
 *       the buffer is empty and no slot is reserved under a credit; a reader-side termination
 *       drops every credit's slots at once;</li>
 *   <li><b>terminated-is-quiet</b>: once terminated, no offer waits, except that readers may
 *       still drain what writers buffered before a writer-side poison or retire;</li>
 *   <li><b>fifo</b>: waiting parties are matched oldest first, and buffered messages leave in the
 *       order they came.</li>
 *   <li><b>abandoned-is-not-retired</b>: a side retires the channel once it has no end left that is
 *       neither retired nor abandoned, and one of its ends did retire ({@link AbandonableEnd}).</li>
 * </ul>
 * Foreign offers (parties on other nodes) wait in the same queues and are matched the same way,
 * except that the local partner is held, not claimed, until the foreign party answers a
 * {@link dev.parley.spi.Proposal}: {@link ForeignMatcher} makes those proposals and keeps their
 * state. The ends are {@link LocalEnd}s, the two sides as alternations and transports see them
 * are {@link LocalPort}s, {@link SlotCredits} keeps the slots reserved under credits, and
 * {@link ChannelTermination} the counts of live ends and how the channel ended.
 */
final class LocalChannel<T> implements Channel<T> {

    /** The result of an attempt to complete at once, when there is nothing to take. */
    static final Object NOTHING = new Object();

    // The package-private fields are shared with the channel's parts (see the class comment).
    final long id = Port.newLockOrder(); // also numbers generated names
    private final String name;
    final int capacity;
    final ReentrantLock lock = new ChannelLock();
    final OfferQueue readers = new OfferQueue();
    final OfferQueue writers = new OfferQueue();
    final ArrayDeque<Object> buffer;
    private final LocalPort readerPort = new LocalPort.ReaderPort(this);
    private final LocalPort writerPort = new LocalPort.WriterPort(this);
    private final SpinBudget spinBudget = new SpinBudget(); // for plain reads and writes of either side
    final SlotCredits credits = new SlotCredits(this);
    final ForeignMatcher foreign;
    final ChannelTermination termination = new ChannelTermination(this);

    /** @param name the channel's name, or null for a generated one ("channel-" and a unique number) */
    LocalChannel(String name, int capacity) {
        this.name = name != null ? name : "channel-" + id;
        this.capacity = capacity;
        this.buffer = capacity > 0 ? new ArrayDeque<>(Math.min(capacity, 1024)) : null;
        this.foreign = new ForeignMatcher(this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChannelInput<T> reader() {
        lock.lock();
        try {
            termination.endMade(true);
        } finally {
            lock.unlock();
        }
        return new LocalEnd.Reader<>(this);
    }

    @Override
    public ChannelOutput<T> writer() {
        lock.lock();
        try {
            termination.endMade(false);
        } finally {
            lock.unlock();
        }
        return new LocalEnd.Writer<>(this);
    }

    /** @return the port through which readers (and foreign readers) wait */
    Port readerPort() {
        return readerPort;
    }

    /** @return the port through which writers (and foreign writers) wait */
    Port writerPort() {
        return writerPort;
    }

    @Override
    public String toString() {
        return "Channel[" + name + (capacity > 0 ? ", capacity=" + capacity : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // Completing at once (lock held)

    /** Takes a message now, from the buffer or a waiting writer, or returns NOTHING. */
    Object takeNow(Decision self) {
        if (buffer != null && !buffer.isEmpty()) {
            if (foreign.headInFlight()) {
                return NOTHING;
            }
            Object message = buffer.poll();
            if (SeededBug.is(SeededBug.BUFFER_LIFO)) { buffer.addFirst(message); message = buffer.pollLast(); }
            refillBuffer();
            foreign.matchForeign(); // the freed slot may go to a foreign writer
            return message;
        }
        if (buffer == null) {
            Offer writer = claimFirst(writers, self, null);
            if (writer != null) {
                return writer.value();
            }
        }
        if (termination.terminated() && readersDone()) {
            throw termination.exception();
        }
        return NOTHING;
    }

    /** Puts a message now, to a waiting reader or into the buffer; false if neither can take it. */
    boolean putNow(Decision self, Object message) {
        if (termination.terminated()) {
            throw termination.exception();
        }
        if (nothingBuffered()) {
            if (claimFirst(readers, self, message) != null) {
                return true;
            }
        }
        int limit = SeededBug.is(SeededBug.BUFFER_CAPACITY_OFF_BY_ONE) ? capacity + 1 : capacity;
        if (buffer != null && occupied() < limit) {
            buffer.add(message);
            foreign.matchForeign(); // a foreign reader may be waiting for the message
            return true;
        }
        return false;
    }

    /**
     * @return true if no message is buffered or on its way into a reserved slot: only then may a
     *     writer hand over to a reader directly without overtaking an older message
     */
    boolean nothingBuffered() {
        return buffer == null || buffer.isEmpty() && foreign.reservedSlots() == 0;
    }

    /** @return the slots taken: messages buffered, and slots reserved for foreign writers */
    int occupied() {
        return buffer.size() + foreign.reservedSlots() + credits.creditSlots();
    }

    /**
     * After termination: true once readers have nothing more to receive, so that they are failed
     * (invariant credit-drains).
     */
    boolean readersDone() {
        return buffer == null || buffer.isEmpty() && credits.creditSlots() == 0;
    }

    /** Moves waiting writers' messages into the buffer while it has room. */
    void refillBuffer() {
        while (occupied() < capacity) {
            Offer writer = claimFirst(writers, null, null);
            if (writer == null) {
                return;
            }
            buffer.add(writer.value());
        }
    }

    /**
     * Claims the oldest claimable offer of {@code queue}: a local one (passing over offers of
     * {@code self} and held decisions, and dropping offers whose decisions are final), or a
     * foreign writer that {@link ForeignParty#commitsOnMatch()}, which is told by a committed
     * proposal, unless an older foreign offer was passed over (that one is proposed to first, in
     * order). Other foreign offers are passed over.
     *
     * @param received the value the claimed party receives (null when it is a writer)
     * @return the claimed offer, now out of the queue, or null
     */
    Offer claimFirst(OfferQueue queue, Decision self, Object received) {
        Offer offer = queue.first();
        boolean passedForeign = false;
        while (offer != null) {
            Offer next = queue.after(offer);
            Decision d = offer.decision();
            if (d == null) {
                ForeignParty party = offer.foreign();
                if (!passedForeign && party.commitsOnMatch() && (self == null || !party.belongsTo(self))) {
                    foreign.proposeCommitted(queue, offer);
                    return offer;
                }
                passedForeign = true;
            } else if (d != self) {
                if (d.tryClaim(offer.index(), received)) {
                    queue.remove(offer);
                    return offer;
                }
                if (d.isFinal()) {
                    queue.remove(offer);
                }
            }
            offer = next;
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------
    // Plain operations

    @SuppressWarnings("unchecked")
    T read(LocalEnd.Reader<T> end, long timeoutNs) {
        lock.lock();
        Decision decision;
        Offer offer;
        try {
            end.checkUsable();
            Object message = takeNow(null);
            if (message != NOTHING) {
                return (T) message;
            }
            if (timeoutNs == 0) {
                return null;
            }
            decision = new Decision();
            decision.setDeadline(deadlineOf(timeoutNs));
            offer = Offer.local(readerPort, decision, 0, null);
            decision.setOffer(offer);
            readers.add(offer);
            foreign.matchForeign();
        } finally {
            lock.unlock();
        }
        return (T) awaitPlain(decision, offer);
    }

    boolean write(LocalEnd.Writer<T> end, Object message, long timeoutNs) {
        lock.lock();
        Decision decision;
        Offer offer;
        try {
            end.checkUsable();
            if (putNow(null, message)) {
                if (SeededBug.is(SeededBug.TIMED_WRITE_FALSE_BUT_DELIVERED) && timeoutNs >= 0) { return false; }
                return true;
            }
            if (timeoutNs == 0) {
                return false;
            }
            decision = new Decision();
            decision.setDeadline(deadlineOf(timeoutNs));
            offer = Offer.local(writerPort, decision, 0, message);
            decision.setOffer(offer);
            writers.add(offer);
            foreign.matchForeign();
            credits.askBack();
            if (SeededBug.is(SeededBug.WRITE_RETURNS_BEFORE_READER_TOOK) && buffer == null) { return true; }
        } finally {
            lock.unlock();
        }
        return awaitPlain(decision, offer) != null;
    }

    /** @return the deadline of a plain operation that waits {@code timeoutNs} (negative: for ever) */
    private static long deadlineOf(long timeoutNs) {
        return timeoutNs < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
    }

    /**
     * Waits for a plain operation's decision.
     *
     * @return the value received (a reader), Boolean.TRUE (a writer), or null when timed out
     */
    private Object awaitPlain(Decision decision, Offer offer) {
        Decision.Outcome outcome = decision.await(spinBudget);
        if (outcome != Decision.Outcome.DONE) {
            offer.port().withdraw(offer);
            if (outcome == Decision.Outcome.INTERRUPTED) {
                throw new ChannelInterruptedException("channel '" + name + "'");
            }
            return null;
        }
        if (decision.failure() != null) {
            throw decision.failure();
        }
        return decision.value() == null ? Boolean.TRUE : decision.value();
    }

    // ---------------------------------------------------------------------------------------------
    // Matching after enrollment: foreign offers, and parties released by a declined proposal

    /**
     * Pairs every waiting party that can communicate now. Called with the lock held when parties
     * may have been passed over: after a held decision was released, or after a proposal was
     * answered. Local pairs are claimed at once; a pair with a foreign side holds the local side
     * (or a buffer slot) and sends a proposal.
     *
     * @return decisions that were held here briefly and given back quietly: all their ports must
     *     match again ({@link Decision#rematch()}) once this lock is released
     */
    List<Decision> matchLocked() {
        List<Decision> released = null;
        boolean progress = true;
        while (progress) {
            progress = false;
            if (buffer != null) {
                progress = matchBuffered();
            } else if (!termination.terminated()) {
                Decision given = matchRendezvousLocal();
                if (given == MATCHED) {
                    progress = true;
                } else if (given != null) {
                    released = released == null ? new ArrayList<>() : released;
                    released.add(given);
                }
            }
            progress |= foreign.matchForeignOnce();
        }
        termination.failWaiting();
        return released == null ? List.of() : released;
    }

    private static final Decision MATCHED = new Decision();

    /**
     * Rendezvous: pairs the oldest open local reader with the oldest open local writer of another
     * decision. Both are public, so the reader is held while the writer is claimed.
     *
     * @return MATCHED on a communication, a decision that was held and given back quietly (its
     *     ports must rematch), or null when no pair was found
     */
    private Decision matchRendezvousLocal() {
        for (Offer r = readers.first(); r != null; r = readers.after(r)) {
            Decision rd = r.decision();
            if (rd == null || rd.state() != Decision.State.OPEN) {
                continue;
            }
            for (Offer w = writers.first(); w != null; w = writers.after(w)) {
                Decision wd = w.decision();
                if (wd == null || wd == rd || wd.state() != Decision.State.OPEN) {
                    continue;
                }
                if (!rd.tryHold()) {
                    break;
                }
                if (wd.tryClaim(w.index(), null)) {
                    writers.remove(w);
                    readers.remove(r);
                    rd.commit(r.index(), w.value());
                    return MATCHED;
                }
                rd.releaseQuietly();
                return rd;
            }
        }
        return null;
    }

    /** Buffered: moves messages to open readers and open writers' messages into the buffer. */
    private boolean matchBuffered() {
        boolean progress = false;
        while (!buffer.isEmpty() && !foreign.headInFlight()) {
            Offer reader = claimFirst(readers, null, buffer.peek());
            if (reader == null) {
                break;
            }
            buffer.poll();
            progress = true;
        }
        int before = buffer.size();
        refillBuffer();
        return progress || buffer.size() != before;
    }

    /**
     * Takes one step of an answer (to a proposal, or a credit's) under the lock, then pairs every
     * party that may have been passed over meanwhile ({@link #matchLocked}); once the lock is
     * released, releases {@code toRelease} (if not null) and rematches the decisions given back.
     */
    void afterProposal(Runnable step, Decision toRelease) {
        List<Decision> released;
        lock.lock();
        try {
            step.run();
            released = matchLocked();
        } finally {
            lock.unlock();
        }
        if (toRelease != null) {
            toRelease.release();
        }
        for (Decision d : released) {
            d.rematch();
        }
    }
}
