/*
 * Model (d): poison and retire crossing the network while writes are in flight.
 *
 * A channel hosted on node 1 (HomeSide) has two remote writer ends on node 0 (RemoteSide),
 * end 1 and end 2 (their OPEN_END already applied), and one local reader end at the home.
 * End 1 makes NW unconditional writes one after the other (the last one has a deadline
 * that may fire while it is OFFERED), then retires. End 2 makes no write: at any moment it
 * poisons the channel (POISON), waits for the home's APPLIED (poison() returns only then)
 * and then retires, or only retires (RETIRE); each RETIRE is answered APPLIED too. The local reader
 * takes whatever the channel matches and, at any moment, may poison the channel or retire
 * its end. The network drops, duplicates and reorders frames both ways.
 *
 * The home channel (HomeChannels) is OPEN, POISONED or RETIRED (cst). A side retires when
 * its last end retired (per-end counting: ForeignEnds.ends, HomeChannels.retire). When the
 * channel is poisoned or retired, every QUEUED foreign offer is terminated (the binding's
 * terminated: TERMINATED sent), and an OFFER that arrives later is terminated at once.
 *
 * Safety (assertions): after the poison is applied at the home nothing is taken (no later
 * communication completes; there is no buffer); a write that was taken ends DONE (writes
 * completed before the poison are kept) and one that ends DONE was taken; POISONED,
 * RETIRED and NOT_DONE writes were not taken; nothing taken twice; a side retires only
 * once all its ends retired; a poison reported done was applied at the home (invariant
 * done-means-applied: the channel is no longer open).
 * Liveness (the claim all_end, pan -a -f): every write ends, both remote ends finish, every
 * RETIRE is answered APPLIED, and the channel ends poisoned or retired.
 *
 * Seeded bugs: BUG_NO_TERMINATED (the home forgets to send TERMINATED to a queued remote
 * offer when the channel is poisoned or retired), BUG_DONE_ON_TERMINATED (the remote end
 * reports a write DONE on TERMINATED), BUG_RETIRE_PER_CHANNEL (the writer side retires on
 * the first RETIRE, counted per channel instead of per end), BUG_POISON_DONE_ON_SEND (end 2's
 * poison returns when POISON is sent, without waiting for APPLIED: the old behaviour).
 */

#ifndef NW
#define NW 2
#endif
/* Bounds: K frames unacked (OFFER, WITHDRAW, POISON, RETIRE may all be in flight, and the
 * home's TAKEN or TERMINATED, WITHDRAWN and three APPLIED); the
 * network drops one frame but neither duplicates nor reorders (the session's dedup and
 * order are checked in models (a) and (b); here they would only multiply the states). */
#define K 4
#ifndef MAXDUP
#define MAXDUP 0
#endif
#ifndef MAXREORDER
#define MAXREORDER 0
#endif

/* RemoteSide.State, IDLE standing for "no operation in flight" */
mtype = { IDLE, OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING };
/* Outcome, NONE standing for "not reported yet" */
mtype = { NONE, DONE, NOT_DONE, OUTCOME_UNKNOWN, PEER_UNREACHABLE, POISONED, RETIRED };
/* HomeSide.State, GONE standing for "not in HomeSide.offers" */
mtype = { GONE, QUEUED, PROPOSED, WITHDRAW_PENDING };
/* the home channel's state besides POISONED and RETIRED */
mtype = { OPEN };
#define WR_WITHDRAWN 1
#define WR_ALREADY_GONE 2
/* Frame.Terminated.poison */
#define T_POISON 1
#define T_RETIRE 0
/* Frame.Applied: APPLIED(x = the end, y = T_POISON or T_RETIRE), the pair standing for the
 * operation id, since each end poisons and retires at most once here */
mtype = { APPLIED };

/* Node 0, RemoteSide: end 1's operation in flight (its id is also its value, 1..NW) */
byte op;
byte nextW = 1;
mtype opState = IDLE;
bool opEnded;                 /* RemoteSide.Op.ended (invariant completed-once) */
mtype outcome[NW + 1];
bool e1Retired; bool e2Done;  /* the remote ends have sent RETIRE */
bool poisonDone;              /* end 2's poison returned (RemoteEndActions: ended DONE) */
bool retireDone[3];           /* the RETIRE of end 1, 2 was answered APPLIED */

/* Node 1, HomeSide and its channel */
mtype fState[NW + 1];         /* HomeSide.offers, by opId */
bool endKnown[3];             /* ForeignEnds.ends, by endId (1, 2) */
byte writersRetired;          /* ghost: writer ends whose RETIRE the home applied */
mtype cst = OPEN;             /* the home channel */
bool readerEnded;             /* the local reader poisoned or retired */
bool taken[NW + 1];
hidden byte hI;

inline end_op(oc) {
    if
    :: !opEnded ->
        opEnded = true; outcome[op] = oc;
        printf("MSC: write %d ends %e\n", op, oc);
        assert(oc != DONE || taken[op]);            /* no message lost once acknowledged */
        assert(oc == DONE || oc == OUTCOME_UNKNOWN || !taken[op])  /* a taken write is kept */
    :: else -> skip
    fi
}

inline finish_op(oc) {
    end_op(oc);
    opState = IDLE;
    if
    :: oc == POISONED || oc == RETIRED -> nextW = NW + 1   /* the writer's process stops */
    :: else -> skip
    fi
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
    :: t == TERMINATED && x == op && opState != IDLE ->              /* endFromHome */
#ifdef BUG_DONE_ON_TERMINATED
        finish_op(DONE)
#else
        if
        :: y == T_POISON -> finish_op(POISONED)
        :: else -> finish_op(RETIRED)
        fi
#endif
    :: t == APPLIED && y == T_POISON && x == 2 && !poisonDone -> poison_done()   /* RemoteEndActions.applied */
    :: t == APPLIED && y == T_RETIRE && !retireDone[x] -> retireDone[x] = true
    :: else -> skip   /* UNKNOWN_REFERENCE, or a race the withdraw lost */
    fi
}

/* End 2's poison ends DONE (invariant done-means-applied) */
inline poison_done() {
    assert(cst != OPEN);
    poisonDone = true
}

/* The binding's terminated for every QUEUED offer, when the channel is poisoned or retired */
inline terminate_queued(how) {
    hI = 1;
    do
    :: hI <= NW ->
        if
        :: fState[hI] == QUEUED ->
            fState[hI] = GONE;
#ifndef BUG_NO_TERMINATED
            sess_send(1, TERMINATED, hI, how, 0);
#endif
            skip
        :: else -> skip
        fi;
        hI++
    :: else -> break
    od
}

/* HomeChannels.poison */
inline home_poison() {
    if
    :: cst == OPEN -> cst = POISONED; printf("MSC: channel poisoned\n"); terminate_queued(T_POISON)
    :: else -> skip
    fi
}

/* HomeChannels.retire for a side whose last end retired */
inline home_retire() {
    if
    :: cst == OPEN -> cst = RETIRED; printf("MSC: channel retired\n"); terminate_queued(T_RETIRE)
    :: else -> skip
    fi
}

/* HomeSide.receive for node 1; POISON and RETIRE: ForeignEnds.endAction */
inline home_receives(t, x, y) {
    if
    :: t == OFFER && fState[x] == GONE && cst == OPEN -> fState[x] = QUEUED
    :: t == OFFER && fState[x] == GONE && cst != OPEN ->             /* terminated at once */
        sess_send(1, TERMINATED, x, (cst == POISONED -> T_POISON : T_RETIRE), 0)
    :: t == WITHDRAW && fState[x] == QUEUED ->
        fState[x] = GONE; sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
    :: t == WITHDRAW && fState[x] != QUEUED -> sess_send(1, WITHDRAWN, x, WR_ALREADY_GONE, 0)
    :: t == POISON && endKnown[x] ->                                 /* endAction(poison) */
        home_poison(); sess_send(1, APPLIED, x, T_POISON, 0)           /* applied-before-answer */
    :: t == RETIRE && endKnown[x] ->                                 /* endAction(retire) */
        endKnown[x] = false; writersRetired++;
        if
#ifdef BUG_RETIRE_PER_CHANNEL
        :: true ->
#else
        :: !endKnown[1] && !endKnown[2] ->
#endif
            assert(writersRetired == 2);   /* a side retires only with its last end */
            home_retire()
        :: else -> skip
        fi;
        sess_send(1, APPLIED, x, T_RETIRE, 0)
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

/* Remote end 1: NW writes in turn (the last one timed), then RETIRE */
proctype End1() {
end:
    do
    :: atomic { opState == IDLE && nextW <= NW ->                     /* ProtocolNode.offer */
        op = nextW; nextW++; opState = OFFERED; opEnded = false;
        sess_send(0, OFFER, op, op, 0) }
    :: atomic { opState == OFFERED && op == NW ->                     /* the deadline */
        opState = WITHDRAWING; sess_send(0, WITHDRAW, op, 0, 0) }
    :: atomic { opState == IDLE && nextW > NW && !e1Retired ->        /* ProtocolNode.retire */
        e1Retired = true; sess_send(0, RETIRE, 1, 0, 0) }
    od
}

/* Remote end 2: poisons and retires, or only retires, at any moment; poison() returns
 * only once the home's APPLIED arrived */
proctype End2() {
    if
    :: atomic { sess_send(0, POISON, 2, 0, 0)
#ifdef BUG_POISON_DONE_ON_SEND
        ; poison_done()
#endif
        };
        poisonDone
    :: skip
    fi;
    atomic { e2Done = true; sess_send(0, RETIRE, 2, 0, 0) }
}

/* The local reader takes offer i: an unconditional writer is accepted at once
 * (invariant home-decides-unconditional-writes) */
inline take(i) {
    fState[i] = GONE;
    assert(cst == OPEN);          /* nothing completes after the poison */
    assert(!taken[i]);
    taken[i] = true;
    printf("MSC: reader takes %d\n", i);
    sess_send(1, TAKEN, i, 0, 0)
}

/* The home's local reader: takes what the channel matches; may poison or retire its end */
proctype Reader() {
end:
    do
    :: atomic { cst == OPEN && fState[1] == QUEUED -> take(1) }
    :: atomic { cst == OPEN && fState[1] != QUEUED && fState[2] == QUEUED -> take(2) }
    :: atomic { !readerEnded -> readerEnded = true; home_poison() }
    :: atomic { !readerEnded -> readerEnded = true; home_retire() }   /* the reader side's last end */
    od
}

ltl all_end { <> (nextW > NW && opState == IDLE && e1Retired && e2Done && retireDone[1] && retireDone[2]
        && cst != OPEN) }
/* Witnesses, which SPIN must refute: a write ends POISONED; one ends RETIRED; a write is
 * DONE while end 2 has retired and end 1 has not (the side did not retire with one end); */
ltl witness_poisoned { [] (outcome[1] != POISONED && outcome[2] != POISONED) }
ltl witness_retired { [] (outcome[1] != RETIRED && outcome[2] != RETIRED) }
ltl witness_done_after_retire { [] !(!endKnown[2] && endKnown[1] && outcome[NW] == DONE) }
/* ... and end 2's poison returns (APPLIED arrives) */
ltl witness_poison_applied { [] !poisonDone }

init {
    atomic {
        sess_init_established();
        hI = 0;
        do
        :: hI <= NW -> fState[hI] = GONE; outcome[hI] = NONE; hI++
        :: else -> break
        od;
        endKnown[1] = true; endKnown[2] = true;
        sess_start(); run End1(); run End2(); run Reader()
    }
}
