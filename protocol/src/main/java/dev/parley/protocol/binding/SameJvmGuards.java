package dev.parley.protocol.binding;

import dev.parley.spi.Decision;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decisions of the guards that this JVM's remote ends have offered, by the offering node's
 * incarnation and the offer's id, so that a home in the same JVM can tell a remote guard's
 * offer from a local guard of the same alternation (a party never meets itself). Any thread
 * may call it.
 *
 * <h2>Implementation note</h2>
 * Invariant <em>registered while offered</em>: an entry exists from just after the node made
 * the conditional offer until its outcome is known. A home that asks before the entry exists
 * (the frame overtook the registration) proposes the offer to its own alternation, whose
 * decision it holds; the remote end answers BUSY and the home offers it anew, which then finds
 * the entry. So the window costs a retry, never a wrong match.
 */
final class SameJvmGuards {

    private record Key(long incarnation, long opId) {
    }

    private static final Map<Key, Decision> GUARDS = new ConcurrentHashMap<>();

    private SameJvmGuards() {
    }

    static void offered(long incarnation, long opId, Decision decision) {
        GUARDS.put(new Key(incarnation, opId), decision);
    }

    static void ended(long incarnation, long opId) {
        GUARDS.remove(new Key(incarnation, opId));
    }

    /** @return true if the offer {@code opId} of node {@code incarnation} is a guard of {@code decision} */
    static boolean isGuardOf(long incarnation, long opId, Decision decision) {
        return GUARDS.get(new Key(incarnation, opId)) == decision;
    }
}
