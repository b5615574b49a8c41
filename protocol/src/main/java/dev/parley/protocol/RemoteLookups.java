package dev.parley.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This node's lookups of channels by name at other nodes, for {@link RemoteSide}: LOOKUP
 * sent, asked again every lookup retry interval while the peer answers that it hosts no such
 * channel yet, and asked again of a restarted peer (lookups are idempotent), until the
 * channel is found or the lookup's deadline passes. Each ends in exactly one
 * {@link RemoteEnds#lookedUp}: DONE with the channel's id, NOT_DONE if the peer answered but
 * hosted no such channel by the deadline, PEER_UNREACHABLE if it never answered. Not
 * thread-safe: only its node's thread calls it.
 */
final class RemoteLookups {

    private static final class Lookup {
        final long id;
        final String peer;
        final String name;
        final long deadlineNs;
        long retryAtNs = Long.MAX_VALUE;
        boolean answered;

        Lookup(long id, String peer, String name, long deadlineNs) {
            this.id = id;
            this.peer = peer;
            this.name = name;
            this.deadlineNs = deadlineNs;
        }
    }

    private final Links links;
    private final RemoteEnds remote;
    private final Map<Long, Lookup> lookups = new LinkedHashMap<>();

    RemoteLookups(Links links, RemoteEnds remote) {
        this.links = links;
        this.remote = remote;
    }

    /** Starts the lookup {@code id} of {@code name} at {@code peer}: LOOKUP sent. */
    void start(long id, String peer, String name, long deadlineNs, long nowNs) {
        Lookup l = new Lookup(id, peer, name, deadlineNs);
        lookups.put(l.id, l);
        links.send(peer, new Frame.Lookup(l.id, name), nowNs);
    }

    Rejection replied(Frame.LookupReply r, long nowNs) {
        Lookup l = lookups.get(r.lookupId());
        if (l == null) {
            return null; // an answer to an earlier ask of a lookup that has ended
        }
        l.answered = true;
        if (r.channelId() > 0) {
            lookups.remove(l.id);
            remote.lookedUp(l.id, Outcome.DONE, r.channelId());
        } else {
            l.retryAtNs = nowNs + links.config().lookupRetryNs();
        }
        return null;
    }

    /** Ends the lookups whose deadline passed, and asks again those due for a retry. */
    void tick(long nowNs) {
        for (Lookup l : new ArrayList<>(lookups.values())) {
            if (nowNs - l.deadlineNs >= 0) {
                lookups.remove(l.id);
                remote.lookedUp(l.id, l.answered ? Outcome.NOT_DONE : Outcome.PEER_UNREACHABLE, 0);
            } else if (nowNs - l.retryAtNs >= 0) {
                l.retryAtNs = Long.MAX_VALUE;
                links.send(l.peer, new Frame.Lookup(l.id, l.name), nowNs);
            }
        }
    }

    /** @return the earliest deadline or retry of a lookup, or {@link Long#MAX_VALUE} */
    long nextTimerNs() {
        long next = Long.MAX_VALUE;
        for (Lookup l : lookups.values()) {
            next = Math.min(next, Math.min(l.deadlineNs, l.retryAtNs));
        }
        return next;
    }

    /** The peer restarted: its lookups are asked again of the new incarnation. */
    void peerRestarted(String peer, long nowNs) {
        for (Lookup l : lookups.values()) {
            if (l.peer.equals(peer)) {
                links.send(peer, new Frame.Lookup(l.id, l.name), nowNs); // lookups are idempotent: ask the new one
            }
        }
    }
}
