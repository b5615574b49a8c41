package dev.parley.spi;

/**
 * One communication offered to a {@link ForeignParty}: a local partner is held for it until it is
 * accepted (the communication happens) or declined (nothing happens, the partner goes on
 * waiting). Exactly one of {@link #accept()} and {@link #decline()} must be called, once, from any
 * thread, without holding a channel lock.
 */
public interface Proposal {

    /** @return the value a foreign reader receives, or null when the foreign party is a writer */
    Object value();

    /** The foreign party committed: the communication happens. */
    void accept();

    /** The foreign party did not commit (it chose another guard, timed out or withdrew). */
    void decline();
}
