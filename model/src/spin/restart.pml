/*
 * Model (e): a node restarts with a new incarnation in the middle of a remote write.
 *
 * Node 0 (RemoteSide) writes through a remote end of a channel hosted on node 1 (HomeSide),
 * where a local reader takes what the channel matches (an unconditional writer: TAKEN at
 * once). Each incarnation of node 0 makes one write, through its own end (endId END_ID, opId
 * OP_ID: ids restart with the node, so both incarnations use the same ones), with a deadline
 * that may fire while it is OFFERED. Incarnation 1's end is open at the home at the start;
 * incarnation 3 opens its end (OPEN_END) before it writes. At any moment one node restarts,
 * once, or neither does: node 0 as incarnation 3, its write gone with it, or node 1 as
 * incarnation 4, its offers, ends and reader gone (the home program hosts the channel again
 * and keeps a writer end of its own, so that the channel does not retire when the remote
 * ends do); with TWO_RESTARTS the other node may restart too, later. Each node's ids grow
 * (Incarnations). Frames in flight stay on the wires. A restart is noticed through the
 * handshake: a frame to an old incarnation is rejected with a HELLO, and a HELLO or
 * HELLO_ACK from a newer incarnation of the peer is adopted (every older one quarantined;
 * Session.Listener.peerRestarted). Heartbeats are on, so an idle session notices too. The
 * network drops and reorders frames (no duplicates: see the bounds below). Peer timeouts are
 * not modelled: a write ends by an answer of the home or because the restart was noticed.
 *
 * On peerRestarted node 0 marks its end lost and ends its write in flight OUTCOME_UNKNOWN
 * (RemoteSide.peerRestarted; a write offered later on the lost end ends OUTCOME_UNKNOWN at
 * once), and node 1 forgets the old incarnation's offers and retires its ends
 * (HomeSide.peerRestarted).
 *
 * Safety (assertions): a write reported DONE was taken, once (so no TAKEN meant for the old
 * incarnation completes the new one's write); a write reported NOT_DONE (or
 * PEER_UNREACHABLE, not reached here) is never taken, before or after; no value is taken
 * twice, across both lives of either node; the reader takes only offers of the node 0
 * incarnation the home's session knows; no invalid end state.
 * Liveness (ltl all_writes_end, pan -a -f): once the restarts are decided, the write of
 * node 0's current incarnation ends.
 *
 * Seeded bugs: BUG_ACK_FROM_OLD_INCARNATION (session.pml: frames addressed to an earlier
 * incarnation of the node are taken, with their acks and bodies), BUG_RESTART_NOT_DONE (a
 * write in flight when the home restarts ends NOT_DONE instead of OUTCOME_UNKNOWN),
 * BUG_RESTART_KEEPS_OPS (RemoteSide.peerRestarted marks the end lost but leaves the write in
 * flight, waiting for an answer that no incarnation will send); with TWO_RESTARTS,
 * BUG_ADOPT_ANY_INCARNATION (session.pml: the rule before the fix, adopting an older
 * incarnation that the session never replaced itself: the bug of docs/SPIN.md).
 */

#define HEARTBEATS
/* Bounds: one drop, one reordering, no duplicate (the session's dedup is proved in (a) and
 * (b); with one duplicate the safety search grew from 50,569 to 603,408 states), and one
 * restart in a run (TWO_RESTARTS: two, 297,402 states for safety). */
#ifndef MAXDUP
#define MAXDUP 0
#endif
#define END_ID 1
#define OP_ID 2
/* the incarnations: node 0 is 1, then 3; node 1 is 2, then 4 */
#define INC0_NEW 3
#define INC1_NEW 4
/* HomeSide's offers and ends are kept by node 0's incarnation: slot 1 for 1, slot 2 for 3 */
#define SLOT_OF(i) ((i) == 1 -> 1 : 2)

/* RemoteSide.State, IDLE standing for "no operation in flight" */
mtype = { IDLE, OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING };
/* Outcome, NONE standing for "not reported yet" */
mtype = { NONE, DONE, NOT_DONE, OUTCOME_UNKNOWN, PEER_UNREACHABLE, POISONED, RETIRED };
/* HomeSide.State, GONE standing for "not in HomeSide.offers" */
mtype = { GONE, QUEUED, PROPOSED, WITHDRAW_PENDING };
#define WR_WITHDRAWN 1
#define WR_ALREADY_GONE 2

/* Node 0, RemoteSide: the current incarnation's end and write (the write's value is w) */
byte w = 1;                   /* 1: incarnation 1's write; 2: incarnation 3's */
bool endOpen = true;          /* openEnd called (incarnation 1's end is open at the start) */
bool endLost;                 /* RemoteSide.End.lost */
bool wrote;                   /* the incarnation has made its write */
mtype opState = IDLE;
bool opEnded;
mtype outcome[3];
bool restartDecided;          /* a node has restarted, or none ever will */

/* Node 1, HomeSide (by slot) and its reader; taken is a ghost over both incarnations */
mtype fState[3];
byte fVal[3];
bool endKnown[3];             /* ForeignEnds.ends */
byte taken[3];
hidden byte hS;

inline end_op(oc) {
    if
    :: !opEnded ->
        opEnded = true; outcome[w] = oc;
        printf("MSC: write %d ends %e\n", w, oc);
        assert(oc != DONE || taken[w] == 1);     /* DONE: taken, by this write's own offer */
        assert((oc != NOT_DONE && oc != PEER_UNREACHABLE) || taken[w] == 0)
    :: else -> skip
    fi
}

inline finish_op(oc) {
    end_op(oc);
    opState = IDLE
}

/* RemoteSide.receive for node 0 */
inline writer_receives(t, x, y) {
    if
    :: t == TAKEN && x == OP_ID && opState != IDLE && opState != ASKING -> finish_op(DONE)
    :: t == WITHDRAWN && x == OP_ID && opState == WITHDRAWING ->
        if
        :: y == WR_WITHDRAWN -> finish_op(NOT_DONE)
        :: else -> finish_op(OUTCOME_UNKNOWN)
        fi
    :: t == ABORTED && x == OP_ID && opState != IDLE ->
        if
        :: y != 0 -> finish_op(OUTCOME_UNKNOWN)
        :: else -> finish_op(PEER_UNREACHABLE)
        fi
    :: else -> skip
    fi
}

/* HomeSide.receive for node 1; the offer's key carries the incarnation the session knows */
inline home_receives(t, x, y, z) {
    hS = SLOT_OF(peerInc[1]);
    if
    :: t == OPEN_END && !endKnown[hS] -> endKnown[hS] = true
    :: t == OFFER && endKnown[hS] && fState[hS] == GONE -> fState[hS] = QUEUED; fVal[hS] = z
    :: t == OFFER && (!endKnown[hS] || fState[hS] != GONE) ->
        sess_send(1, ABORTED, x, 0, 0)                    /* never leave the remote end waiting */
    :: t == WITHDRAW && fState[hS] == QUEUED ->
        fState[hS] = GONE; sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
    :: t == WITHDRAW && fState[hS] != QUEUED -> sess_send(1, WITHDRAWN, x, WR_ALREADY_GONE, 0)
    :: else -> skip
    fi
}

inline on_delivered(n, t, x, y, z) {
    if
    :: n == 0 -> writer_receives(t, x, y)
    :: else -> home_receives(t, x, y, z)
    fi
}

/* Session.Listener.peerRestarted: aOld is the incarnation just replaced */
inline on_peer_restarted(n) {
    if
    :: n == 0 ->                                      /* RemoteSide.peerRestarted */
        endLost = endOpen;
        if
#ifndef BUG_RESTART_KEEPS_OPS
        :: opState != IDLE ->
#ifdef BUG_RESTART_NOT_DONE
            finish_op(NOT_DONE)
#else
            finish_op(OUTCOME_UNKNOWN)                  /* its home restarted mid-operation */
#endif
#endif
        :: else -> skip
        fi
    :: else ->                                        /* HomeSide.peerRestarted */
        hS = SLOT_OF(aOld);
        fState[hS] = GONE; fVal[hS] = 0;              /* withdrawn quietly */
        endKnown[hS] = false                          /* its end retires */
    fi
}

#include "session.pml"

/* Node 0's program: open the end (incarnation 3), write once; the deadline may fire */
proctype Writer() {
end:
    do
    :: atomic { !endOpen -> endOpen = true; sess_send(0, OPEN_END, END_ID, 0, 0) }   /* openEnd */
    :: atomic { endOpen && !wrote ->                                   /* ProtocolNode.offer */
        wrote = true; opState = OFFERED; opEnded = false;
        if
        :: endLost -> finish_op(OUTCOME_UNKNOWN)      /* its home restarted: the end is gone there */
        :: else -> sess_send(0, OFFER, OP_ID, END_ID, w)
        fi }
    :: atomic { opState == OFFERED ->                                  /* the deadline */
        opState = WITHDRAWING; sess_send(0, WITHDRAW, OP_ID, 0, 0) }
    od
}

/* Node 1's reader takes every queued offer (HomeSide.proposed: an unconditional writer is
 * accepted at once, TAKEN sent) */
proctype Reader() {
end:
    do
    :: atomic { fState[1] == QUEUED || fState[2] == QUEUED ->
        if
        :: fState[1] == QUEUED -> hS = 1
        :: else -> hS = 2
        fi;
        assert(hS == SLOT_OF(peerInc[1]));       /* only the known incarnation's offers */
        fState[hS] = GONE;
        assert(taken[fVal[hS]] == 0);            /* nothing delivered twice */
        assert(outcome[fVal[hS]] != NOT_DONE && outcome[fVal[hS]] != PEER_UNREACHABLE);
        taken[fVal[hS]]++;
        printf("MSC: reader takes %d\n", fVal[hS]);
        sess_send(1, TAKEN, OP_ID, 0, 0) }
    od
}

/* One of the nodes restarts, once, at any moment; or neither does. With TWO_RESTARTS the
 * other one may restart too, later (see docs/SPIN.md: this found a protocol bug, now fixed). */
#ifdef TWO_RESTARTS
#define RESTARTS_OVER (inc[0] != 1 && inc[1] != 2)
#else
#define RESTARTS_OVER true
#endif
proctype Restart() {
end:
    do
    :: atomic { !restartDecided -> restartDecided = true }
    :: atomic { !restartDecided && inc[0] == 1 ->
        sess_restart(0, INC0_NEW);                    /* node 0: its write is gone with it */
        w = 2; endOpen = false; endLost = false; wrote = false; opState = IDLE; opEnded = false;
        restartDecided = RESTARTS_OVER }
    :: atomic { !restartDecided && inc[1] == 2 ->
        sess_restart(1, INC1_NEW);                    /* node 1: its offers, ends and reader */
        fState[1] = GONE; fState[2] = GONE; fVal[1] = 0; fVal[2] = 0;
        endKnown[1] = false; endKnown[2] = false;
        restartDecided = RESTARTS_OVER }
    od
}

ltl all_writes_end { <> (restartDecided && wrote && opState == IDLE) }
/* Witnesses, which SPIN must refute: a write ends OUTCOME_UNKNOWN because its home
 * restarted (in flight, not taken); one is taken and still ends OUTCOME_UNKNOWN (the home
 * restarted before its TAKEN arrived); the new incarnation of node 0 writes DONE. */
ltl witness_unknown { [] !(outcome[1] == OUTCOME_UNKNOWN && taken[1] == 0) }
ltl witness_taken_unknown { [] !(outcome[1] == OUTCOME_UNKNOWN && taken[1] == 1) }
ltl witness_new_done { [] (outcome[2] != DONE) }
#ifdef TWO_RESTARTS
/* Both nodes restarted, and node 0's new incarnation writes DONE to node 1's. */
ltl witness_both_new_done { [] !(inc[0] == INC0_NEW && inc[1] == INC1_NEW && outcome[2] == DONE) }
#endif

init {
    atomic {
        sess_init_established();
        fState[0] = GONE; fState[1] = GONE; fState[2] = GONE;
        outcome[0] = NONE; outcome[1] = NONE; outcome[2] = NONE;
        endKnown[1] = true;
        sess_start(); run Writer(); run Reader(); run Restart()
    }
}
