package dev.parley;

import dev.parley.internal.SeededBug;
import dev.parley.spi.Decision;
import dev.parley.spi.GuardableEnd;
import dev.parley.spi.Offer;
import dev.parley.spi.Port;

import java.util.ArrayList;
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
 * The decision admits one commit only, so exactly one guard fires; a partner that finds a decision
 * already taken passes over its offer, so nothing is taken and dropped.
 */
public final class Alternation {

    private final Guard[] guards;
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
        int[] order = identityOrder();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return run(order);
    }

    /**
     * Fires the first guard, in the order given, that is ready at the moment of selection; if none
     * is, waits for the first to become ready.
     *
     * @return the guard that fired
     */
    public Selected priSelect() {
        if (SeededBug.is(SeededBug.PRI_SELECT_IGNORES_ORDER)) { return run(SeededBug.reversed(identityOrder())); }
        return run(identityOrder());
    }

    /**
     * Like {@link #priSelect()}, but the order starts just after the guard this alternation chose
     * last, so that no always-ready guard is chosen twice while another ready guard waits.
     *
     * @return the guard that fired
     */
    public Selected fairSelect() {
        int n = guards.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (lastFair + 1 + i) % n;
        }
        Selected chosen = run(order);
        lastFair = chosen.index();
        if (SeededBug.is(SeededBug.FAIR_SELECT_STARVES_GUARD)) { lastFair = -1; }
        return chosen;
    }

    private int[] identityOrder() {
        int[] order = new int[guards.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return order;
    }

    private Selected run(int[] order) {
        long startNs = System.nanoTime();
        Decision decision = new Decision();
        Offer[] offers = new Offer[guards.length];
        long timeoutNs = -1;
        int timeoutIndex = -1;
        List<Port> ports = new ArrayList<>(guards.length);
        boolean[] enabled = new boolean[guards.length];
        for (int i : order) {
            Guard guard = guards[i];
            if (!guard.isEnabled()) {
                continue;
            }
            enabled[i] = true;
            if (guard instanceof TimeoutGuard t) {
                long ns = Timeouts.toNanos(t.delay());
                ns = ns < 0 ? Long.MAX_VALUE : ns; // beyond Duration.toNanos: centuries, never reached
                if (timeoutIndex < 0 || ns < timeoutNs) {
                    timeoutNs = ns;
                    timeoutIndex = i;
                }
            } else if (!(guard instanceof SkipGuard)) {
                Port port = portOf(guard);
                offers[i] = Offer.local(port, decision, i, guard instanceof OutputGuard<?> o ? o.value() : null);
                ports.add(port);
            }
        }
        List<Port> locks = distinctByLockOrder(ports);
        long deadlineNs = timeoutIndex < 0 || timeoutNs == Long.MAX_VALUE ? Long.MAX_VALUE : startNs + timeoutNs;
        if (SeededBug.is(SeededBug.TIMEOUT_FIRES_EARLY) && timeoutIndex >= 0) { deadlineNs -= timeoutNs / 2; }
        decision.setDeadline(deadlineNs); // before any offer is published: holders elsewhere bound a hold by it

        // Phase 1, poll; phase 2, enroll: both under every lock.
        lockAll(locks);
        try {
            for (int i : order) {
                if (!enabled[i]) {
                    continue;
                }
                if (guards[i] instanceof SkipGuard) {
                    return new Selected(i, guards[i], null);
                }
                if (offers[i] != null && offers[i].port().poll(offers[i])) {
                    if (SeededBug.is(SeededBug.ALTERNATION_COMMITS_TWO_GUARDS)) { continue; }
                    return result(decision);
                }
            }
            decision.setOffers(Arrays.stream(offers).filter(Objects::nonNull).toArray(Offer[]::new));
            for (int i : order) {
                if (offers[i] != null && !decision.isFinal()) {
                    offers[i].port().enroll(offers[i]);
                }
            }
        } finally {
            unlockAll(locks);
        }

        Decision.Outcome outcome = decision.await();

        // Phase 3, withdraw.
        for (Offer offer : offers) {
            if (offer != null) {
                offer.port().withdraw(offer);
            }
        }
        return switch (outcome) {
            case DONE -> result(decision);
            case TIMED_OUT -> new Selected(timeoutIndex, guards[timeoutIndex], null);
            case INTERRUPTED -> throw new ChannelInterruptedException("an alternation of " + guards.length + " guards");
        };
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

    private static List<Port> distinctByLockOrder(List<Port> ports) {
        List<Port> sorted = new ArrayList<>(ports);
        sorted.sort(Comparator.comparingLong(Port::lockOrder));
        List<Port> distinct = new ArrayList<>(sorted.size());
        for (Port p : sorted) {
            if (distinct.isEmpty() || distinct.get(distinct.size() - 1).lockOrder() != p.lockOrder()) {
                distinct.add(p);
            }
        }
        return distinct;
    }

    private static void lockAll(List<Port> locks) {
        for (Port p : locks) {
            p.lock();
        }
    }

    private static void unlockAll(List<Port> locks) {
        for (int i = locks.size() - 1; i >= 0; i--) {
            locks.get(i).unlock();
        }
    }
}
