package dev.parley.spi;

/**
 * A channel end that an alternation can guard: it exposes the {@link Port} of its side. Local ends
 * implement it; a transport's remote ends implement it to mix with local guards.
 */
public interface GuardableEnd {

    /**
     * @return the port of this end's side of its channel
     * @throws dev.parley.RetiredException if this end has retired
     */
    Port guardPort();
}
