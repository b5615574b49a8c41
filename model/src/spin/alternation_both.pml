/*
 * Model (c): an alternation on both sides of a remote channel.
 *
 * Node 0 (RemoteSide) runs an alternation with two guards: a remote output guard, made as a
 * conditional write offer (opId 1) at a channel hosted on node 1 (HomeSide), and a local
 * guard that may commit at any moment (tryClaim); after it commits, the alternation
 * withdraws the remote offer (a separate node call). A local partner may also hold the
 * decision for a moment: askHold then finds it held and answers BUSY (at most MAXBUSY
 * times, as in model (b); unbounded, the proposals would go round for ever). Node 1 runs an
 * alternation with an input guard on that channel and another guard that may commit at any
 * moment (tryClaim). The home channel (ForeignMatcher.matchForeignOnce) matches the queued
 * foreign writer with the local reader by holding the reader's decision (tryHold) and
 * reporting the proposal to the node's thread (HomeSide.proposed, a later node step: the
 * binding submits it), which sends PROPOSE; node 0 asks its decision (askHold, answered
 * within the same node call): HELD (ACCEPT, then the decision stays held until TAKEN), BUSY
 * (DECLINE(BUSY): the home gives the reader back and queues the offer anew) or FINAL (the
 * local guard won: DECLINE(FINAL)). ACCEPT commits the home's reader with the value and
 * TAKEN commits the writer's guard; DECLINE and WITHDRAW give the reader back (release). The
 * network drops, duplicates and reorders frames.
 *
 * Safety (assertions): each alternation commits at most one guard; the value is taken at
 * most once, and only while the writer's decision is held for the remote guard and the
 * reader's for the input guard (both chose this channel); the writer's remote guard commits
 * only if the reader took the value; once both alternations ended and the offer is gone, the
 * value was taken if and only if each alternation chose this channel's guard; no invalid end
 * state.
 * Liveness (ltl all_end, pan -a -f): both alternations end, and the offer is gone at both
 * nodes.
 *
 * Seeded bugs: BUG_COMMIT_WITHOUT_HELD (the home commits its reader to the conditional
 * foreign writer at the proposal, as for an unconditional one, without asking node 0),
 * BUG_PROPOSE_WITHOUT_HOLD (the home channel proposes without holding its reader's
 * decision), BUG_BUSY_KEEPS_HOLD (on DECLINE(BUSY) the home queues the offer again but never
 * answers the proposal: its reader stays held).
 */

/* RemoteSide.State, IDLE standing for "no operation in flight" */
mtype = { IDLE, OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING };
/* Outcome, NONE standing for "not reported yet" */
mtype = { NONE, DONE, NOT_DONE, OUTCOME_UNKNOWN, PEER_UNREACHABLE, POISONED, RETIRED };
/* HomeSide.State, GONE standing for "not in HomeSide.offers" */
mtype = { GONE, QUEUED, PROPOSED, WITHDRAW_PENDING };
/* HoldAnswer and Frame.DeclineReason (BUSY and FINAL are in both) */
mtype = { HELD, BUSY, FINAL };
/* ProposalAnswer (UNKNOWN: no timeouts or restarts here) */
mtype = { ACCEPT_ANSWER, DECLINE_ANSWER };
#define WR_WITHDRAWN 1
#define WR_ALREADY_GONE 2
/* Decision.State (WITHDRAWN: no alternation here times out) */
#define D_OPEN 0
#define D_HELD 1
#define D_DONE 2
/* who holds a decision */
#define H_REMOTE 1     /* node 0's askHold, for the remote guard */
#define H_CHANNEL 2    /* node 1's home channel, for a proposal to the foreign writer */
/* guards */
#define G_REMOTE 1     /* node 0: the remote output guard */
#define G_LOCAL 2      /* node 0: the local guard */
#define G_INPUT 1      /* node 1: the input guard on the channel */
#define G_OTHER 2      /* node 1: the other guard */
#define OP 1
#define VALUE 7
#ifndef MAXBUSY
#define MAXBUSY 1      /* how often askHold may find the decision held by another partner */
#endif

/* Node 0: RemoteSide's operation, and the writer's alternation (its Decision) */
mtype opState = IDLE;
bool opEnded;
mtype outcome = NONE;
byte dec0 = D_OPEN;
byte holder0;
byte chosen0;
bool withdrawCalled;
byte busies;              /* BUSY answers given */

/* Node 1: HomeSide's foreign offer, the home channel, and the reader's alternation */
mtype fState = GONE;
byte fPid;
byte nextPid = 1;
bool chQueued;            /* the foreign offer waits in the channel's writer queue */
bool propPending;         /* the channel proposed; HomeSide.proposed has not run yet */
byte dec1 = D_OPEN;
byte holder1;
byte chosen1;
bool taken;               /* the reader received the writer's value */

inline commit0(g) {
    assert(chosen0 == 0);             /* an alternation commits at most one guard */
    chosen0 = g; dec0 = D_DONE;
    printf("MSC: writer's alternation commits guard %d\n", g)
}

inline commit1(g) {
    assert(chosen1 == 0);
    chosen1 = g; dec1 = D_DONE;
    printf("MSC: reader's alternation commits guard %d\n", g)
}

/* RemoteGuards.completed: a held decision commits on DONE, is released on NOT_DONE */
inline end_op(oc) {
    if
    :: !opEnded ->
        opEnded = true; outcome = oc;
        printf("MSC: op %d ends %e\n", OP, oc);
        if
        :: dec0 == D_HELD && holder0 == H_REMOTE ->
            if
            :: oc == DONE ->
                assert(taken);        /* the writer's guard commits only if the value was taken */
                commit0(G_REMOTE)
            :: oc == NOT_DONE -> dec0 = D_OPEN
            :: else -> assert(false)  /* no other outcome without timeouts or restarts */
            fi
        :: else -> assert(oc == NOT_DONE)   /* a conditional offer not held is never DONE */
        fi
    :: else -> skip
    fi
}

inline finish_op(oc) {
    end_op(oc);
    opState = IDLE
}

/* RemoteSide.proposed for a PROPOSE; the binding's askHold (tryHold) answers at once */
inline remote_proposed(x, prop) {
    if
    :: x == OP && opState == OFFERED ->
        if
        :: dec0 == D_OPEN ->                                            /* HELD */
            dec0 = D_HELD; holder0 = H_REMOTE;
            sess_send(0, ACCEPT, x, prop, 0);
            opState = AWAIT_TAKEN
        :: dec0 == D_OPEN && busies < MAXBUSY ->                        /* BUSY */
            busies++;
            sess_send(0, DECLINE, x, prop, BUSY)
        :: dec0 == D_DONE ->                                            /* FINAL */
            opState = WITHDRAWING; end_op(NOT_DONE);
            sess_send(0, DECLINE, x, prop, FINAL)
        fi
    :: else -> sess_send(0, DECLINE, x, prop, FINAL)   /* withdrawing or gone: refuse */
    fi
}

inline remote_receives(t, x, y) {
    if
    :: t == PROPOSE -> remote_proposed(x, y)
    :: t == TAKEN && x == OP && opState != IDLE && opState != ASKING -> finish_op(DONE)
    :: t == WITHDRAWN && x == OP && opState == WITHDRAWING ->
        if
        :: y == WR_WITHDRAWN -> finish_op(NOT_DONE)
        :: else -> finish_op(OUTCOME_UNKNOWN)
        fi
    :: else -> skip
    fi
}

/* HostedChannels.answer: the held reader commits with the value, or is given back */
inline home_answer(a) {
    if
    :: a == ACCEPT_ANSWER ->
        assert(!taken);                                   /* taken at most once */
        assert(dec0 == D_HELD && holder0 == H_REMOTE);    /* the writer chose this channel */
        taken = true;
        printf("MSC: reader takes the value\n");
        commit1(G_INPUT)
    :: a == DECLINE_ANSWER ->
        if
        :: dec1 == D_HELD && holder1 == H_CHANNEL -> dec1 = D_OPEN   /* release, then rematch */
        :: else -> skip
        fi
    fi
}

/* HomeSide.proposed, on the node's thread */
inline home_proposed() {
    if
    :: fState == GONE -> home_answer(DECLINE_ANSWER)
    :: fState == WITHDRAW_PENDING ->
        fState = GONE; home_answer(DECLINE_ANSWER);
        sess_send(1, WITHDRAWN, OP, WR_WITHDRAWN, 0)
    :: fState == QUEUED ->
#ifdef BUG_COMMIT_WITHOUT_HELD
        fState = GONE; home_answer(ACCEPT_ANSWER); sess_send(1, TAKEN, OP, 0, 0)
#else
        fState = PROPOSED; fPid = nextPid; nextPid++;
        sess_send(1, PROPOSE, OP, fPid, 0)
#endif
    :: fState == PROPOSED -> assert(false)               /* invariant one-proposal */
    fi
}

/* HomeSide.receive for node 1 */
inline home_receives(t, x, y, z) {
    if
    :: t == OFFER && fState == GONE -> fState = QUEUED; chQueued = true   /* HomeChannels.offer */
    :: t == ACCEPT && fState == PROPOSED && fPid == y ->
        fState = GONE; home_answer(ACCEPT_ANSWER); sess_send(1, TAKEN, x, 0, 0)
    :: t == DECLINE && fState == PROPOSED && fPid == y ->
#ifndef BUG_BUSY_KEEPS_HOLD
        home_answer(DECLINE_ANSWER);
#else
        if
        :: z != BUSY -> home_answer(DECLINE_ANSWER)
        :: else -> skip
        fi;
#endif
        if
        :: z == BUSY -> fState = QUEUED; chQueued = true                 /* offered anew */
        :: else -> fState = GONE; sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
        fi
    :: t == WITHDRAW ->
        if
        :: fState == GONE -> sess_send(1, WITHDRAWN, x, WR_ALREADY_GONE, 0)
        :: fState == QUEUED && chQueued ->                               /* home.withdraw: true */
            chQueued = false; fState = GONE; sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
        :: fState == QUEUED && !chQueued ->                              /* a proposal is coming */
            assert(propPending); fState = WITHDRAW_PENDING
        :: fState == PROPOSED ->                                         /* withdraw-is-decline */
            fState = GONE; home_answer(DECLINE_ANSWER); sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
        :: fState == WITHDRAW_PENDING -> skip
        fi
    :: else -> skip   /* an answer to a proposal a WITHDRAW already declined */
    fi
}

inline on_delivered(n, t, x, y, z) {
    if
    :: n == 0 -> remote_receives(t, x, y)
    :: else -> home_receives(t, x, y, z)
    fi
}

inline on_peer_restarted(n) {
    assert(false)   /* no restarts in this model */
}

#define K 4
#include "session.pml"

/* Node 0's alternation: the remote guard's offer, the local guard, the withdraw */
proctype WriterAlternation() {
    atomic { opState = OFFERED; sess_send(0, OFFER, OP, 1, VALUE) };
end:
    do
    :: atomic { dec0 == D_OPEN -> dec0 = D_HELD; holder0 = 0; commit0(G_LOCAL) }   /* tryClaim */
    :: atomic { chosen0 == G_LOCAL && !withdrawCalled ->
        /* ProtocolNode.withdraw acts only on OFFERED: startWithdraw, NOT_DONE at once */
        withdrawCalled = true;
        if
        :: opState == OFFERED -> opState = WITHDRAWING; sess_send(0, WITHDRAW, OP, 0, 0); end_op(NOT_DONE)
        :: else -> skip
        fi }
    od
}

/* Node 1: the reader's other guard, the home channel's matching, and HomeSide.proposed */
proctype ReaderAlternation() {
end:
    do
    :: atomic { dec1 == D_OPEN -> dec1 = D_HELD; holder1 = 0; commit1(G_OTHER) }   /* tryClaim */
    :: atomic { chQueued && dec1 == D_OPEN ->                    /* holdFirstLocal, propose */
#ifndef BUG_PROPOSE_WITHOUT_HOLD
        dec1 = D_HELD; holder1 = H_CHANNEL;
#endif
        chQueued = false; propPending = true }
    :: atomic { propPending -> propPending = false; home_proposed() }
    od
}

/* Once both alternations ended and the offer is gone everywhere: the value was taken exactly
 * when both chose this channel. */
proctype Outcomes() {
    atomic {
        dec0 == D_DONE && dec1 == D_DONE && opState == IDLE && fState == GONE && !propPending ->
        assert(taken == (chosen0 == G_REMOTE));
        assert(taken == (chosen1 == G_INPUT))
    }
}

ltl all_end { <> (dec0 == D_DONE && dec1 == D_DONE && opState == IDLE && fState == GONE) }
/* Witnesses, which SPIN must refute: the two alternations communicate; both walk away by
 * their other guards; they communicate after a BUSY. */
ltl witness_communicate { [] !taken }
ltl witness_walk_away { [] !(chosen0 == G_LOCAL && chosen1 == G_OTHER) }
ltl witness_busy_then_taken { [] !(busies > 0 && taken) }

init {
    atomic {
        sess_init_established();
        sess_start(); run WriterAlternation(); run ReaderAlternation(); run Outcomes()
    }
}
