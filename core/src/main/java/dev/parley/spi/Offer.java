package dev.parley.spi;

import java.util.Objects;

/**
 * One guard of one party waiting at one port: a reader, or a writer with its value. A local offer
 * belongs to a {@link Decision}; a foreign offer stands for a party elsewhere (another node) and
 * belongs to a {@link ForeignParty} that is asked, by a {@link Proposal}, before it is committed.
 *
 * <p>Offers are linked into their port's queue; only code holding the port's lock touches the
 * links. The fields that describe the offer are fixed when it is made.
 */
public final class Offer {

    private final Port port;
    // The owner: a Decision for a local offer, a ForeignParty for a foreign one. One field, not
    // two, keeps an offer at 40 bytes; Decision is final, so telling them apart is one compare.
    private final Object party;
    private final int index;
    private final Object value;

    Offer prev;
    Offer next;
    boolean queued;

    private Offer(Port port, Object party, int index, Object value) {
        this.port = port;
        this.party = party;
        this.index = index;
        this.value = value;
    }

    /**
     * @param port where the offer waits
     * @param decision the party's decision
     * @param index the guard index in the party's alternation (0 for a plain operation)
     * @param value the value a writer offers, or null for a reader
     * @return a local offer
     */
    public static Offer local(Port port, Decision decision, int index, Object value) {
        return new Offer(port, Objects.requireNonNull(decision, "decision"), index, value);
    }

    /**
     * @param port where the offer waits
     * @param party the party elsewhere, to be asked before a commit
     * @param value the value a foreign writer offers, or null for a foreign reader
     * @return a foreign offer
     */
    public static Offer foreign(Port port, ForeignParty party, Object value) {
        return new Offer(port, Objects.requireNonNull(party, "party"), 0, value);
    }

    /** @return the port the offer waits at */
    public Port port() {
        return port;
    }

    /** @return the owning decision, or null for a foreign offer */
    public Decision decision() {
        return party instanceof Decision d ? d : null;
    }

    /** @return the foreign party, or null for a local offer */
    public ForeignParty foreign() {
        return party instanceof Decision ? null : (ForeignParty) party;
    }

    /** @return true for an offer that stands for a party elsewhere */
    public boolean isForeign() {
        return !(party instanceof Decision);
    }

    /** @return the guard index within the owning alternation */
    public int index() {
        return index;
    }

    /** @return the writer's value, or null for a reader */
    public Object value() {
        return value;
    }

    /** @return true while the offer is linked into its port's queue */
    public boolean isQueued() {
        return queued;
    }
}
