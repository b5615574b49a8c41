package dev.parley;

import dev.parley.internal.SeededBug;
import dev.parley.spi.Decision;
import dev.parley.spi.GuardableEnd;
import dev.parley.spi.Offer;
import dev.parley.spi.Port;
import dev.parley.spi.SpinBudget;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Guarded alternation: waits until one of its guards can fire, fires exactly that one and tells
 * which. An alternation is used by one thread at a time (its fair order is state); the guards'
 * channels may be shared with any number of other processes and alternations, on either side.
 *
 * <p>Each selection blocks the calling thread until a guard fires. Interrupting the thread ends the
 * selection with {@link ChannelInterruptedException}, having fired nothing. A guard whose channel is
 * poisoned or retired makes the selection throw {@link PoisonException} or
 * {@link RetiredException} when that guard is reached in the selection's order before another
 * guard fires. An alternation with no enabled guard waits like a read with no writer. A guard on
 * an end that has itself retired is a misuse: the selection throws {@link RetiredException} at
 * once, whatever the order and whatever else is ready.
 *
 * <h2>Implementation note</h2>
 * A selection runs in three phases, the same for every order:
 * <ol>
 *   <li><b>poll</b>: lock the ports of all enabled channel guards (in ascending lock order, so two
 *       selections never deadlock), then visit the guards in the selection's order and fire the
 *       first that is ready. The decision is still private, so a ready partner is simply claimed.
 *       A skip guard fires when it is visited.</li>
 *   <li><b>enroll</b>: if none fired, queue an offer at every port, all under the same locks, so
 *       that no partner can slip between the poll and the enroll; then unlock and wait on the
 *       decision until a partner claims it or the earliest timeout guard's deadline passes.</li>
 *   <li><b>withdraw</b>: remove every offer that did not fire.</li>
 * </ol>
 * A remote guard's port knows only after a round trip whether its partner is ready, so its poll
 * never completes. Where that matters (a priority or fair order, or a skip guard that would fire
 * for want of a ready guard) the selection first runs a <b>probe</b> phase without locks: it visits
 * the guards before the skip guard in order, one at a time and each port once (for its first
 * guard), asking each remote port to offer its guard for that moment only ({@link Port#probe}, a
 * round trip each) and polling each local port alone, and fires the first that completes. Only
 * then does it go on to the three phases (whose poll looks at the local ports again). A
 * selection of local guards only, or a random one without a skip guard, has no probe phase.
 *
 * <p>The decision admits one commit only, so exactly one guard fires; a partner that finds a decision
 * already taken passes over its offer, so nothing is taken and dropped.
 *
 * <p>A selection allocates its decision, one offer per enabled channel guard, the array that
 * holds them in visiting order, and its {@link Selected}; nothing else up to 8 channel guards
 * (the lock order is found by scanning) and 64 guards (select's random order is drawn from a
 * bit mask), since selections sit on the hot path of most CSP programs.
 */
public final class Alternation {

    /** Up to this many channel guards, a selection finds its lock order by scanning, without sorting. */
    private static final int SCAN_LIMIT = 8;

    private final Guard[] guards;
    private final SpinBudget spinBudget = new SpinBudget();
    private int lastFair = -1;

    /** @param guards the guards, in priority order for {@link #priSelect()}; at least one */
    public Alternation(Guard... guards) {
        this(Arrays.asList(guards));
    }

    /** @param guards the guards, in priority order for {@link #priSelect()}; at least one */
    public Alternation(List<? extends Guard> guards) {
        Objects.requireNonNull(guards, "guards");
        if (guards.isEmpty()) {
            throw new IllegalArgumentException("an alternation needs at least one guard");
        }
        this.guards = guards.toArray(new Guard[0]);
        for (int i = 0; i < this.guards.length; i++) {
            Objects.requireNonNull(this.guards[i], "guard " + i);
        }
    }

    /** @return the guards, in the order given */
    public List<Guard> guards() {
        return List.of(guards);
    }

    /**
     * Fires one ready guard, chosen at random among those ready at the moment of selection, or
     * waits for the first to become ready.
     *
     * @return the guard that fired
     */
    public Selected select() {
        return run(Order.RANDOM, 0);
    }

    /**
     * Fires the first guard, in the order given, that is ready at the moment of selection; if none
     * is, waits for the first to become ready.
     *
     * @return the guard that fired
     */
    public Selected priSelect() {
        return run(Order.PRIORITY, 0);
    }

    /**
     * Like {@link #priSelect()}, but the order starts just after the guard this alternation chose
     * last, so that no always-ready guard is chosen twice while another ready guard waits.
     *
     * @return the guard that fired
     */
    public Selected fairSelect() {
        Selected chosen = run(Order.FAIR, lastFair + 1);
        lastFair = chosen.index();
        if (SeededBug.is(SeededBug.FAIR_SELECT_STARVES_GUARD)) { lastFair = -1; }
        return chosen;
    }

    /** The order in which a selection visits its guards. */
    private enum Order {
        /** The order given. */
        PRIORITY,
        /** The order given, rotated to begin at a start index. */
        FAIR,
        /** A uniformly random permutation, drawn afresh for each selection. */
        RANDOM
    }

    private Selected run(Order kind, int start) {
        long startNs = System.nanoTime();
        int n = guards.length;
        Decision decision = new Decision();
        // The channel guards' offers in visiting order, in offers[0, count). A skip guard fires when
        // the poll reaches it: after the first skipAt offers were polled.
        Offer[] offers = new Offer[n];
        int count = 0;
        int skipAt = -1;
        int skipIndex = -1;
        long timeoutNs = -1;
        int timeoutIndex = -1;

        // Visit every guard once, in the selection's order: preconditions, timeouts, offers.
        ThreadLocalRandom random = kind == Order.RANDOM ? ThreadLocalRandom.current() : null;
        int[] shuffled = kind == Order.RANDOM && n > Long.SIZE ? shuffledOrder(n, random) : null;
        long unvisited = n == Long.SIZE ? -1L : (1L << n) - 1; // the RANDOM order's guards to come, n <= 64
        for (int k = 0; k < n; k++) {
            int i;
            if (kind != Order.RANDOM) {
                i = (start + k) % n;
            } else if (shuffled != null) {
                i = shuffled[k];
            } else {
                i = nthSetBit(unvisited, random.nextInt(n - k));
                unvisited &= ~(1L << i);
            }
            if (SeededBug.is(SeededBug.PRI_SELECT_IGNORES_ORDER) && kind == Order.PRIORITY) { i = n - 1 - k; }
            Guard guard = guards[i];
            if (!guard.isEnabled()) {
                continue;
            }
            if (guard instanceof TimeoutGuard t) {
                long ns = Timeouts.toNanos(t.delay());
                ns = ns < 0 ? Long.MAX_VALUE : ns; // beyond Duration.toNanos: centuries, never reached
                if (timeoutIndex < 0 || ns < timeoutNs) {
                    timeoutNs = ns;
                    timeoutIndex = i;
                }
            } else if (guard instanceof SkipGuard) {
                if (skipIndex < 0) {
                    skipIndex = i;
                    skipAt = count;
                }
            } else {
                Port port = portOf(guard);
                offers[count++] = Offer.local(port, decision, i, guard instanceof OutputGuard<?> o ? o.value() : null);
            }
        }
        long deadlineNs = timeoutIndex < 0 || timeoutNs == Long.MAX_VALUE ? Long.MAX_VALUE : startNs + timeoutNs;
        if (SeededBug.is(SeededBug.TIMEOUT_FIRES_EARLY) && timeoutIndex >= 0) { deadlineNs -= timeoutNs / 2; }
        decision.setDeadline(deadlineNs); // before any offer is published: holders elsewhere bound a hold by it

        int polled = skipAt >= 0 ? skipAt : count; // the offers visited before a skip guard fires
        // Phase 0, probe: only where a remote port must say now whether it is ready.
        if ((kind != Order.RANDOM || skipAt >= 0) && anyProbes(offers, polled) && probeInOrder(offers, polled)) {
            // Done, or withdrawn by a probe that its deadline or an interrupt cut short.
            Decision.Outcome probed = decision.state() == Decision.State.DONE ? Decision.Outcome.DONE
                    : Thread.currentThread().isInterrupted() ? Decision.Outcome.INTERRUPTED
                    : Decision.Outcome.TIMED_OUT;
            return selected(probed, decision, timeoutIndex);
        }

        // Phase 1, poll; phase 2, enroll: both under every lock.
        Port[] sortedLocks = lockAll(offers, count);
        try {
            for (int k = 0; k < polled; k++) {
                if (offers[k].port().poll(offers[k])) {
                    if (SeededBug.is(SeededBug.ALTERNATION_COMMITS_TWO_GUARDS)) { continue; }
                    return result(decision);
                }
            }
            if (skipAt >= 0) {
                return new Selected(skipIndex, guards[skipIndex], null);
            }
            decision.setOffers(offers); // the unused tail of the array is null
            for (int k = 0; k < count && !decision.isFinal(); k++) {
                offers[k].port().enroll(offers[k]);
            }
        } finally {
            unlockAll(offers, count, sortedLocks);
        }

        Decision.Outcome outcome = decision.await(spinBudget);

        // Phase 3, withdraw.
        for (int k = 0; k < count; k++) {
            offers[k].port().withdraw(offers[k]);
        }
        return selected(outcome, decision, timeoutIndex);
    }

    private Selected selected(Decision.Outcome outcome, Decision decision, int timeoutIndex) {
        return switch (outcome) {
            case DONE -> result(decision);
            case TIMED_OUT -> new Selected(timeoutIndex, guards[timeoutIndex], null);
            case INTERRUPTED -> throw new ChannelInterruptedException("an alternation of " + guards.length + " guards");
        };
    }

    /** @return true if a port of {@code offers[0, polled)} is probed rather than polled */
    private static boolean anyProbes(Offer[] offers, int polled) {
        for (int k = 0; k < polled; k++) {
            if (offers[k].port().probes()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Phase 0: visits {@code offers[0, polled)} in order, one at a time, probing a port that
     * probes and polling any other under its own lock, until one completes the decision. The
     * decision has no offer published in between, so polling a local port alone is safe. A port
     * is visited for its first guard only: a partner that came after that guard was found not
     * ready would have to fire that first guard, not a later one, so the later ones wait for the
     * enroll phase, where the first guard's offer is queued first.
     *
     * @return true if the decision is final: done (by a guard, or failed through one), or
     *     withdrawn by a probe cut short by the deadline or an interrupt
     */
    private static boolean probeInOrder(Offer[] offers, int polled) {
        for (int k = 0; k < polled; k++) {
            Offer offer = offers[k];
            Port port = offer.port();
            if (visitedBefore(offers, k, port)) {
                continue;
            }
            if (port.probes()) {
                port.probe(offer);
                if (offer.decision().isFinal()) {
                    return true;
                }
                continue;
            }
            port.lock();
            try {
                if (port.poll(offer)) {
                    return true;
                }
            } finally {
                port.unlock();
            }
        }
        return false;
    }

    /** @return true if a guard of {@code offers[0, k)} has {@code port} */
    private static boolean visitedBefore(Offer[] offers, int k, Port port) {
        for (int j = 0; j < k; j++) {
            if (offers[j].port() == port) {
                return true;
            }
        }
        return false;
    }

    private Selected result(Decision decision) {
        if (decision.failure() != null) {
            throw decision.failure();
        }
        int index = decision.index();
        Guard guard = guards[index];
        return new Selected(index, guard, guard instanceof InputGuard<?> ? decision.value() : null);
    }

    private static Port portOf(Guard guard) {
        Object end = guard instanceof InputGuard<?> in ? in.input() : ((OutputGuard<?>) guard).output();
        if (end instanceof GuardableEnd g) {
            return g.guardPort();
        }
        throw new IllegalArgumentException("cannot guard " + end + " (" + end.getClass().getName()
                + "): it does not implement " + GuardableEnd.class.getName());
    }

    /** @return the indices 0..n-1 in a uniformly random order (Fisher-Yates) */
    private static int[] shuffledOrder(int n, ThreadLocalRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** @return the position of the set bit of {@code bits} that has {@code rank} set bits below it */
    private static int nthSetBit(long bits, int rank) {
        for (int r = 0; r < rank; r++) {
            bits &= bits - 1; // clear the lowest
        }
        return Long.numberOfTrailingZeros(bits);
    }

    /**
     * Locks each distinct lock of the ports of {@code offers[0, count)} once, in ascending lock
     * order. Up to {@link #SCAN_LIMIT} offers it scans for the next lock to take, which allocates
     * nothing; above, it sorts the ports into an array.
     *
     * @return the distinct ports in lock order if it sorted them, or null if it scanned
     */
    private static Port[] lockAll(Offer[] offers, int count) {
        if (count > SCAN_LIMIT) {
            Port[] sorted = distinctByLockOrder(offers, count);
            for (Port p : sorted) {
                p.lock();
            }
            return sorted;
        }
        for (Port p = lowestAbove(offers, count, Long.MIN_VALUE); p != null;
                p = lowestAbove(offers, count, p.lockOrder())) {
            p.lock();
        }
        return null;
    }

    /** Releases what {@link #lockAll} took, each lock once. */
    private static void unlockAll(Offer[] offers, int count, Port[] sorted) {
        if (sorted != null) {
            for (int k = sorted.length - 1; k >= 0; k--) {
                sorted[k].unlock();
            }
            return;
        }
        for (Port p = lowestAbove(offers, count, Long.MIN_VALUE); p != null;
                p = lowestAbove(offers, count, p.lockOrder())) {
            p.unlock();
        }
    }

    /** @return the port of {@code offers[0, count)} with the lowest lock order above {@code above}, or null */
    private static Port lowestAbove(Offer[] offers, int count, long above) {
        Port lowest = null;
        long lowestOrder = 0;
        for (int k = 0; k < count; k++) {
            Port p = offers[k].port();
            long order = p.lockOrder();
            if (order > above && (lowest == null || order < lowestOrder)) {
                lowest = p;
                lowestOrder = order;
            }
        }
        return lowest;
    }

    private static Port[] distinctByLockOrder(Offer[] offers, int count) {
        Port[] ports = new Port[count];
        for (int k = 0; k < count; k++) {
            ports[k] = offers[k].port();
        }
        Arrays.sort(ports, Comparator.comparingLong(Port::lockOrder));
        int distinct = 0;
        for (Port p : ports) {
            if (distinct == 0 || ports[distinct - 1].lockOrder() != p.lockOrder()) {
                ports[distinct++] = p;
            }
        }
        return Arrays.copyOf(ports, distinct);
    }
}
