package dev.parley.spi;

/**
 * A channel end that a transport can abandon: the end stood for a party that is gone without
 * having retired (a remote node that crashed and was restarted), so it leaves the channel's
 * counts without counting as retired. A crash is not a retire: retire stays an explicit act of
 * the end's owner. Local ends implement it; any thread may call it.
 *
 * <p>The counting rule, per side of a channel (its readers, or its writers), invariant
 * <b>abandoned-is-not-retired</b>: the channel retires once every remaining end of that side
 * (neither retired nor abandoned) has retired and at least one end of that side did retire.
 * So abandoning the last end of a side whose other ends have all retired retires the channel,
 * as the last of them retiring would have; abandoning ends until a side has none left, or
 * only abandoned ones, leaves the channel open, exactly like a channel whose side has not had
 * an end yet, and a new end made on that side joins it and communicates.
 *
 * <p>Abandon does not end operations under way: the transport first ends every operation it
 * has waiting through the end (it withdraws the foreign offers it enrolled, and answers the
 * proposals it was made). Afterwards a read, write or {@link GuardableEnd#guardPort()} on the
 * end throws {@link IllegalStateException}, since nobody may use an end that was declared gone;
 * its {@code retire()} and {@code poison()} do nothing, as for an end that has retired.
 */
public interface AbandonableEnd {

    /**
     * This end leaves its channel without retiring; see the class comment for the rule. Abandoning
     * twice, or abandoning an end that has retired, does nothing.
     */
    void abandon();
}
