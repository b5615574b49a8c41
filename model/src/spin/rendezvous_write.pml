/*
 * Model (a): remote rendezvous writes with ack, retransmission and duplicate suppression.
 *
 * Node 0 (the writer's node, RemoteSide) makes NW unconditional writes, one after the other,
 * through one remote end of a channel hosted on node 1 (HomeSide), where a local reader
 * takes every value the channel matches. Each write has a deadline that may fire at any
 * moment while it is OFFERED, so the commit/withdraw race of an unconditional write (the
 * home decides) is in. The network drops, duplicates and reorders frames both ways.
 *
 * Safety (assertions): a write reported DONE was taken by the reader (no message lost once
 * acknowledged); a write reported NOT_DONE is never taken; nothing is taken twice; the
 * reader takes values in the order written (per-end order).
 * Liveness (ltl all_writes_end, pan -a -f): every write ends.
 *
 * Seeded bugs: BUG_ONE_BIT_SEQ, BUG_NO_DEDUP, BUG_ACK_EARLY, BUG_NO_RETRANSMIT (session.pml),
 * BUG_WITHDRAW_NO_CONFIRM (a withdrawing unconditional writer reports NOT_DONE at once
 * instead of waiting for WITHDRAWN or TAKEN).
 */

#ifndef NW
#define NW 2
#endif

/* RemoteSide.State, IDLE standing for "no operation in flight" */
mtype = { IDLE, OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING };
/* Outcome, NONE standing for "not reported yet" */
mtype = { NONE, DONE, NOT_DONE, OUTCOME_UNKNOWN, PEER_UNREACHABLE, POISONED, RETIRED };
/* HomeSide.State, GONE standing for "not in HomeSide.offers" */
mtype = { GONE, QUEUED, PROPOSED, WITHDRAW_PENDING };
/* Frame.WithdrawResult */
#define WR_WITHDRAWN 1
#define WR_ALREADY_GONE 2

/* Node 0, RemoteSide: the operation in flight (its id is also its value, 1..NW) */
byte op;
byte nextW = 1;
mtype opState = IDLE;
bool opEnded;                 /* RemoteSide.Op.ended (invariant completed-once) */
mtype outcome[NW + 1];        /* what RemoteEnds.completed reported per operation */

/* Node 1, HomeSide and its channel with a local reader */
mtype fState[NW + 1];         /* HomeSide.offers, by opId */
byte nQueued;                 /* how many of them are QUEUED */
bool taken[NW + 1];
byte lastRead;
hidden byte hI;

/* RemoteSide.end: reports once */
inline end_op(oc) {
    if
    :: !opEnded ->
        opEnded = true; outcome[op] = oc;
        printf("MSC: write %d ends %e\n", op, oc);
        assert(oc != DONE || taken[op]);      /* no message lost once acknowledged */
        assert(oc != NOT_DONE || !taken[op])  /* NOT_DONE delivered nothing (so far) */
    :: else -> skip
    fi
}

/* RemoteSide.finish */
inline finish_op(oc) {
    end_op(oc);
    opState = IDLE
}

/* RemoteSide.receive for node 0 */
inline writer_receives(t, x, y) {
    if
    :: t == TAKEN && x == op && opState != IDLE && opState != ASKING -> finish_op(DONE)
    :: t == WITHDRAWN && x == op && opState == WITHDRAWING ->
        if
        :: y == WR_WITHDRAWN -> finish_op(NOT_DONE)
        :: else -> finish_op(OUTCOME_UNKNOWN)
        fi
    :: t == ABORTED && x == op && opState != IDLE ->
        if
        :: y != 0 -> finish_op(OUTCOME_UNKNOWN)
        :: else -> finish_op(PEER_UNREACHABLE)
        fi
    :: else -> skip   /* UNKNOWN_REFERENCE, or the race a withdraw lost (TAKEN came first) */
    fi
}

/* HomeSide.receive for node 1 */
inline home_receives(t, x, y) {
    if
    :: t == OFFER && fState[x] == GONE -> fState[x] = QUEUED; nQueued++   /* HomeChannels.offer */
    :: t == OFFER && fState[x] != GONE -> sess_send(1, ABORTED, x, 0, 0)   /* offers.containsKey */
    :: t == WITHDRAW && fState[x] == QUEUED ->                            /* home.withdraw: true */
        fState[x] = GONE; nQueued--; sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
    :: t == WITHDRAW && fState[x] != QUEUED -> sess_send(1, WITHDRAWN, x, WR_ALREADY_GONE, 0)
    :: else -> skip
    fi
}

inline on_delivered(n, t, x, y, z) {
    if
    :: n == 0 -> writer_receives(t, x, y)
    :: else -> home_receives(t, x, y)
    fi
}

inline on_peer_restarted(n) {
    assert(false)   /* no restarts in this model */
}

#include "session.pml"

proctype Writer() {
end:
    do
    :: atomic { opState == IDLE && nextW <= NW ->                     /* ProtocolNode.offer */
        op = nextW; nextW++; opState = OFFERED; opEnded = false;
        sess_send(0, OFFER, op, op, 0) }
    :: atomic { opState == OFFERED ->                                 /* the deadline: startWithdraw */
        opState = WITHDRAWING;
        sess_send(0, WITHDRAW, op, 0, 0);
#ifdef BUG_WITHDRAW_NO_CONFIRM
        end_op(NOT_DONE);
#endif
        skip }
    od
}

proctype Home() {
end:
    do
    :: atomic { nQueued > 0 ->
        /* a local reader comes: the channel matches it with the first queued offer
         * (HomeSide.proposed), and an unconditional writer is accepted at once
         * (invariant home-decides-unconditional-writes) */
        hI = 1;
        do
        :: fState[hI] != QUEUED -> hI++
        :: else -> break
        od;
        fState[hI] = GONE; nQueued--;
        assert(!taken[hI]);                 /* none delivered twice */
        assert(hI > lastRead);              /* per-end order */
        assert(outcome[hI] != NOT_DONE);    /* NOT_DONE delivered nothing */
        taken[hI] = true; lastRead = hI;
        printf("MSC: reader takes %d\n", hI);
        sess_send(1, TAKEN, hI, 0, 0) }
    od
}

ltl all_writes_end { <> (nextW > NW && opState == IDLE) }
/* Witnesses, which SPIN must refute, so that the model is not vacuous: a write can end DONE,
 * and one can end NOT_DONE. */
ltl witness_done { [] (outcome[1] != DONE) }
ltl witness_not_done { [] (outcome[1] != NOT_DONE) }

init {
    atomic {
        sess_init_established();
        hI = 0;
        do
        :: hI <= NW -> fState[hI] = GONE; outcome[hI] = NONE; hI++
        :: else -> break
        od;
        sess_start(); run Writer(); run Home()
    }
}
