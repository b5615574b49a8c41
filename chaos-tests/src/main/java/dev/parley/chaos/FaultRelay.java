package dev.parley.chaos;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The UDP fault relay: a set of named {@link Proxy proxies}, one per link, each seeded from
 * the relay's seed and its name, as a Toxiproxy server holds its proxies. Thread-safe: any
 * thread may create proxies and close the relay; {@link #close()} closes every proxy.
 */
public final class FaultRelay implements AutoCloseable {
    private final long seed;
    private final Map<String, Proxy> proxies = new LinkedHashMap<>(); // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();

    public FaultRelay(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /**
     * Opens a proxy listening on 127.0.0.1:{@code listenPort} (0 for any) relaying to
     * {@code upstream}; its seed is derived from the relay's seed and {@code name}.
     */
    public Proxy createProxy(String name, int listenPort, InetSocketAddress upstream) {
        lock.lock();
        try {
            if (proxies.containsKey(name)) {
                throw new IllegalArgumentException("the relay already has a proxy name=" + name);
            }
            Proxy p = Proxy.open(name, listenPort, upstream, seed * 31 + name.hashCode());
            proxies.put(name, p);
            return p;
        } finally {
            lock.unlock();
        }
    }

    public Proxy proxy(String name) {
        lock.lock();
        try {
            Proxy p = proxies.get(name);
            if (p == null) {
                throw new IllegalArgumentException("no proxy name=" + name + "; proxies=" + proxies.keySet());
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    public List<Proxy> proxies() {
        lock.lock();
        try {
            return new ArrayList<>(proxies.values());
        } finally {
            lock.unlock();
        }
    }

    /** The counters of every proxy and direction, one line each, for a report's notes. */
    public List<String> counterNotes() {
        List<String> notes = new ArrayList<>();
        for (Proxy p : proxies()) {
            for (ToxicDirection d : ToxicDirection.values()) {
                notes.add("proxy " + p.name() + " " + d + ": " + p.counters(d));
            }
        }
        return notes;
    }

    /** Removes every toxic of every proxy. */
    public void reset() {
        proxies().forEach(Proxy::reset);
    }

    @Override
    public void close() {
        List<Proxy> all;
        lock.lock();
        try {
            all = new ArrayList<>(proxies.values());
            proxies.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(Proxy::close);
    }
}
