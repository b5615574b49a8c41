package dev.parley;

import dev.parley.spi.Credit;
import dev.parley.spi.CreditHolder;
import dev.parley.spi.Offer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The credits of one {@link LocalChannel}: buffer slots reserved for foreign writers that write
 * ahead of their acknowledgements ({@link Credit}). A transport opens one per remote writer end
 * through the channel's writer port; the channel's lock guards every field, here and in each
 * {@link SlotCredit}.
 *
 * <h2>Implementation note</h2>
 * Each open credit counts its own reserved slots, and {@link #creditSlots()} is their sum: the
 * channel counts those slots as occupied (invariant buffer-bound), and after a writer-side
 * termination fails its readers only once no slot is reserved (invariant credit-drains). A credit is
 * granted slots only while no writer waits at the channel, and never more than its share of
 * the capacity, divided among the open credits. A writer that has to wait for a slot asks every
 * credit that holds slots to give them back ({@link #askBack}).
 */
final class SlotCredits {

    private final LocalChannel<?> channel;

    // Guarded by the channel's lock.
    private int creditSlots; // the sum of every open credit's reserved slots
    private ArrayList<SlotCredit> credits; // open credits; made on first use

    SlotCredits(LocalChannel<?> channel) {
        this.channel = channel;
    }

    /**
     * @return a new credit for {@code holder}, or null if the channel has no buffer
     *     ({@link dev.parley.spi.Port#openCredit})
     */
    Credit open(CreditHolder holder) {
        Objects.requireNonNull(holder, "holder");
        if (channel.buffer == null) {
            return null;
        }
        channel.lock.lock();
        try {
            SlotCredit credit = new SlotCredit(holder);
            credits = credits == null ? new ArrayList<>() : credits;
            credits.add(credit);
            return credit;
        } finally {
            channel.lock.unlock();
        }
    }

    /** @return the sum of every open credit's reserved slots (lock held) */
    int creditSlots() {
        return creditSlots;
    }

    /**
     * A writer waits for a slot (lock held): every credit that holds slots is asked for them back,
     * since a local party must not wait on slots that a writer elsewhere may not use.
     */
    void askBack() {
        if (creditSlots == 0 || channel.occupied() < channel.capacity) {
            return;
        }
        for (SlotCredit c : credits) {
            if (c.slots > 0) {
                c.holder.wanted();
            }
        }
    }

    /** The channel terminated (lock held): each credit drops its slots unless readers drain. */
    void terminatedLocked(boolean readersDrain) {
        if (credits != null) {
            for (SlotCredit c : credits) {
                c.terminatedLocked(readersDrain);
            }
        }
    }

    /** @return true if a writer, local or foreign, waits at the channel (lock held) */
    private boolean writerWaits() {
        for (Offer o = channel.writers.first(); o != null; o = channel.writers.after(o)) {
            if (o.isForeign() || !o.decision().isFinal()) {
                return true;
            }
        }
        return false;
    }

    /** See {@link Credit}; the channel's lock guards every field. */
    private final class SlotCredit implements Credit {
        private final CreditHolder holder;
        private int slots;
        private boolean closed;

        SlotCredit(CreditHolder holder) {
            this.holder = holder;
        }

        @Override
        public int grant(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max=" + max + " must not be negative");
            }
            channel.lock.lock();
            try {
                if (closed || channel.termination.terminated() || writerWaits()) {
                    return 0;
                }
                int share = Math.max(1, channel.capacity / credits.size());
                int n = Math.min(max, Math.min(channel.capacity - channel.occupied(), share - slots));
                if (n <= 0) {
                    return 0;
                }
                slots += n;
                creditSlots += n;
                return n;
            } finally {
                channel.lock.unlock();
            }
        }

        @Override
        public boolean store(Object message) {
            return storeAll(List.of(message)) == 1;
        }

        @Override
        public int storeAll(List<?> messages) {
            for (Object m : messages) {
                Objects.requireNonNull(m, "message");
            }
            int[] stored = new int[1];
            channel.afterProposal(() -> {
                for (Object message : messages) {
                    if (slots > 0) {
                        slots--;
                        creditSlots--;
                    }
                    if (channel.termination.storesArrivals()) {
                        channel.buffer.add(message); // matchLocked hands it to a waiting reader, in order
                        stored[0]++;
                    } // else a reader poisoned the channel, or every reader retired: discarded
                }
            }, null);
            return stored[0];
        }

        @Override
        public int release() {
            int[] released = new int[1];
            channel.afterProposal(() -> released[0] = releaseLocked(), null);
            return released[0];
        }

        private int releaseLocked() {
            int n = slots;
            slots = 0;
            creditSlots -= n;
            return n;
        }

        @Override
        public int reserved() {
            channel.lock.lock();
            try {
                return slots;
            } finally {
                channel.lock.unlock();
            }
        }

        @Override
        public void close() {
            channel.afterProposal(() -> {
                if (!closed) {
                    closed = true;
                    releaseLocked();
                    credits.remove(this);
                }
            }, null);
        }

        /**
         * The channel terminated (lock held): slots are dropped unless readers drain, and the
         * holder is told.
         */
        void terminatedLocked(boolean readersDrain) {
            if (slots == 0) {
                return;
            }
            if (!readersDrain) {
                releaseLocked(); // whatever arrives under them is discarded
            }
            holder.wanted();
        }
    }
}
