package dev.parley.model.sim;

import dev.parley.model.sim.HomeChannel.Foreign;
import dev.parley.model.sim.HomeChannel.Local;
import dev.parley.protocol.EndKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credits of one buffered {@link HomeChannel}, as the core's {@code spi.Credit} keeps them
 * ({@code SlotCredits}): buffer slots reserved for a remote writer end that writes ahead. One
 * per channel, made with it; only the simulator's thread uses it.
 *
 * <h2>Implementation note</h2>
 * A credit is opened at the end's first {@link #grant} and closed when the end retires or is
 * abandoned ({@link #close}). A grant reserves free slots, at most the capacity shared among
 * the open credits, and none while a writer (local or foreign) waits or once the channel is
 * terminated. A store takes one of the end's reserved slots ({@link #takeSlot}), or goes beyond
 * the capacity once its slots were released (a late arrival after a lapse: it was promised a
 * slot). A writer that comes to wait while slots are reserved, and a termination, ask for the
 * slots back ({@code ProtocolNode.creditWanted}, as its own event, as the binding submits it to
 * the node's thread). The sum of the reserved slots ({@link #creditSlots()}) counts as taken
 * in the channel's {@code occupied()} (invariant buffer-bounded), and after a writer-side
 * termination the channel fails its readers only once it is zero.
 */
final class HomeCredits {

    private final HomeChannel channel;
    private final SimNode home;
    /** The open credits of write-ahead ends, by end: the slots each has reserved and not used. */
    private final Map<EndKey, Integer> credits = new LinkedHashMap<>();
    private int creditSlots; // the sum of the open credits' slots

    HomeCredits(HomeChannel channel, SimNode home) {
        this.channel = channel;
        this.home = home;
    }

    /** @return the sum of the slots that the open credits reserve and have not used */
    int creditSlots() {
        return creditSlots;
    }

    /**
     * Reserves up to {@code max} free slots for a write-ahead end, opening its credit on first use.
     *
     * @return the slots reserved: none on a rendezvous channel, while a writer waits, once
     *     terminated, or beyond the free slots and the end's share of the capacity
     */
    int grant(EndKey end, int max) {
        int capacity = channel.capacity;
        if (capacity == 0) {
            return 0;
        }
        int held = credits.computeIfAbsent(end, e -> 0);
        if (channel.terminated != null || writerWaits()) {
            return 0;
        }
        int share = Math.max(1, capacity / credits.size());
        int n = Math.min(max, Math.min(capacity - channel.occupied(), share - held));
        if (n <= 0) {
            return 0;
        }
        credits.put(end, held + n);
        creditSlots += n;
        return n;
    }

    /**
     * A value written ahead through {@code end} arrived: it takes one of the end's reserved
     * slots, or none if they were released meanwhile (a late store, counted). A store through an
     * end that holds no credit is a violation of the protocol.
     */
    void takeSlot(EndKey end, String value) {
        Integer held = credits.get(end);
        if (held == null) {
            home.sim().violation("protocol", "a store of '" + value + "' through " + end + ", which holds no credit"
                    + " on channel " + channel.name + " at " + home.address);
        } else if (held > 0) {
            credits.put(end, held - 1);
            creditSlots--;
        } else {
            home.sim().count("store.late"); // its slots lapsed or were released: stored beyond the capacity
        }
    }

    /**
     * Gives back every slot the end's credit holds and has not used.
     *
     * @return true if slots were given back (the channel then matches again)
     */
    boolean release(EndKey end) {
        Integer held = credits.get(end);
        if (held != null && held > 0) {
            credits.put(end, 0);
            creditSlots -= held;
            return true;
        }
        return false;
    }

    /**
     * The end retired or was abandoned: its credit's slots are released and the credit closed.
     *
     * @return true if slots were released (the channel then matches again)
     */
    boolean close(EndKey end) {
        Integer held = credits.remove(end);
        if (held != null && held > 0) {
            creditSlots -= held;
            return true;
        }
        return false;
    }

    /** @return true if a writer, local or foreign, waits at the channel */
    private boolean writerWaits() {
        for (Object w : channel.writers) {
            if (w instanceof Foreign || !((Local) w).decision().over()) {
                return true;
            }
        }
        return false;
    }

    /** A writer waits for a slot: every credit holding slots is asked for them back. */
    void askBack() {
        if (creditSlots == 0 || channel.occupied() < channel.capacity) {
            return;
        }
        for (Map.Entry<EndKey, Integer> e : credits.entrySet()) {
            if (e.getValue() > 0) {
                wanted(e.getKey());
            }
        }
    }

    /**
     * The channel terminated: every credit holding slots is asked for them back, and unless its
     * readers drain it (a writer-side termination) the slots are dropped, so that what arrives
     * under them is discarded.
     */
    void terminated(boolean readersDrain) {
        List<EndKey> holding = new ArrayList<>();
        credits.forEach((end, held) -> {
            if (held > 0) {
                holding.add(end);
            }
        });
        if (!readersDrain) {
            credits.replaceAll((end, held) -> 0); // what arrives under them is discarded
            creditSlots = 0;
        }
        holding.forEach(this::wanted);
        if (readersDrain && creditSlots > 0) {
            home.sim().count("terminated.slotsReserved"); // readers wait for what arrives under them
        }
    }

    /** Asks for the end's slots back, as its own event (the binding submits it to the node's thread). */
    private void wanted(EndKey end) {
        home.sim().count("credit.wanted");
        home.sim().soon(() -> {
            if (home.alive) {
                home.node().creditWanted(end, home.sim().nowNs());
            }
        });
    }
}
