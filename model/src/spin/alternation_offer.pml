/*
 * Model (b): a remote alternation offer with withdrawal, and the late-accept race.
 *
 * Node 0 (RemoteSide) runs an alternation with two guards: a remote input guard, made as a
 * conditional read offer (opId 1) at a channel hosted on node 1 (HomeSide), and a local
 * guard that may commit at any moment (then the alternation withdraws the remote offer);
 * askHold may also find the decision held by another partner for a moment (BUSY). If the local guard won, node
 * 0 then reads the channel with an unconditional read (opId 2). On node 1 a local writer
 * writes one value; the home channel holds it for a foreign reader and sends DELIVER. The
 * withdraw and a DELIVER cross freely; the network drops, duplicates and reorders frames.
 *
 * Safety (assertions): the alternation commits at most one guard; the writer's value is
 * accepted at most once, and only by an operation whose alternation committed it (nothing
 * lost, nothing delivered twice); a read that ended NOT_DONE received nothing.
 * Liveness (ltl all_end, pan -a -f): the writer's write completes and node 0 gets the value.
 *
 * Seeded bugs: BUG_ACCEPT_AFTER_WITHDRAW (a DELIVER that crossed the WITHDRAW is accepted:
 * the late accept; alone it is harmless, because the home takes the WITHDRAW as the
 * decline of its proposal, so the variant that must fail sets it together with
 * BUG_IGNORE_WITHDRAW_WHILE_PROPOSED), BUG_TWO_GUARDS (askHold answers HELD though the local guard committed),
 * BUG_IGNORE_WITHDRAW_WHILE_PROPOSED (the home, given a WITHDRAW while its proposal is out,
 * confirms it but keeps its writer held for that proposal: invariant withdraw-is-decline
 * broken; alone it is harmless too: the remote end's DECLINE(FINAL) releases the writer).
 */

/* RemoteSide.State, IDLE standing for "no operation in flight" */
mtype = { IDLE, OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING };
mtype = { NONE, DONE, NOT_DONE, OUTCOME_UNKNOWN, PEER_UNREACHABLE, POISONED, RETIRED };
mtype = { GONE, QUEUED, PROPOSED, WITHDRAW_PENDING };
/* HoldAnswer and Frame.DeclineReason (BUSY and FINAL are in both) */
mtype = { HELD, BUSY, FINAL };
/* the alternation's decision on node 0 */
mtype = { OPEN, DECIDED };
#define WR_WITHDRAWN 1
#define WR_ALREADY_GONE 2
#define G_REMOTE 1
#define G_LOCAL 2
#define VALUE 7

/* Node 0 */
mtype opState = IDLE;
byte op;                 /* 1: the alternation's conditional offer, 2: the unconditional read */
bool opEnded;
mtype outcome[3];
mtype decision = OPEN;
byte chosen;             /* the guard the alternation committed */
byte commits;
bool withdrawCalled;
byte busies;            /* BUSY answers given */
byte got;                /* the value node 0 received, 0 for none */
bool readDone;           /* node 0 has the value, or its read ended otherwise */

/* Node 1 */
mtype fState[3];
bool fCond[3];
byte fPid[3];
byte nextPid = 1;
byte heldFor;            /* the foreign offer the local writer is held for, 0 for none */
bool writerDone;
byte acceptedBy;         /* the opId whose ACCEPT completed the writer */

#ifdef BUG_TWO_GUARDS
#define HOLD_GRANTED (decision == OPEN || decision == DECIDED)
#else
#define HOLD_GRANTED (decision == OPEN)
#endif
#ifndef MAXBUSY
#define MAXBUSY 1      /* how often askHold may find the decision held by another partner */
#endif

inline end_op(oc, v) {
    if
    :: !opEnded ->
        opEnded = true; outcome[op] = oc;
        printf("MSC: op %d ends %e\n", op, oc);
        if
        :: oc == DONE -> assert(got == 0); got = v; readDone = true
        :: else -> skip
        fi
    :: else -> skip
    fi
}

inline finish_op(oc, v) {
    end_op(oc, v);
    opState = IDLE
}

inline commit(g) {
    assert(chosen == 0);          /* an alternation commits at most one guard */
    chosen = g; commits++; decision = DECIDED;
    printf("MSC: alternation commits guard %d\n", g)
}

/* RemoteSide.proposed for a DELIVER, with the binding's askHold answered at once */
inline remote_delivered(x, prop, v) {
    if
    :: x == op && opState == OFFERED && op == 1 ->
        /* conditional: askHold */
        if
        :: HOLD_GRANTED ->                                   /* HELD */
            commit(G_REMOTE);
            sess_send(0, ACCEPT, x, prop, 0);
            finish_op(DONE, v)
        :: decision == OPEN && busies < MAXBUSY ->           /* BUSY: another partner held it */
            busies++; sess_send(0, DECLINE, x, prop, BUSY)
#ifndef BUG_TWO_GUARDS
        :: decision == DECIDED ->                            /* FINAL */
            opState = WITHDRAWING; end_op(NOT_DONE, 0);
            sess_send(0, DECLINE, x, prop, FINAL)
#endif
        fi
    :: x == op && opState == OFFERED && op == 2 ->          /* unconditional reader */
        sess_send(0, ACCEPT, x, prop, 0);
        finish_op(DONE, v)
    :: else ->
#ifdef BUG_ACCEPT_AFTER_WITHDRAW
        sess_send(0, ACCEPT, x, prop, 0)                      /* the late accept */
#else
        sess_send(0, DECLINE, x, prop, FINAL)                 /* no-accept-after-withdraw */
#endif
    fi
}

inline remote_receives(t, x, y, z) {
    if
    :: t == DELIVER -> remote_delivered(x, y, z)
    :: t == WITHDRAWN && x == op && opState == WITHDRAWING -> finish_op(NOT_DONE, 0)
    :: else -> skip
    fi
}

inline home_declines_held() {
    heldFor = 0            /* ProposalAnswer.DECLINE: the held writer goes on waiting */
}

inline home_receives(t, x, y, z) {
    if
    :: t == OFFER -> fState[x] = QUEUED; fCond[x] = (y != 0)
    :: t == ACCEPT ->
        if
        :: fState[x] == PROPOSED && fPid[x] == y ->
            fState[x] = GONE; heldFor = 0;
            assert(!writerDone);                    /* delivered at most once */
            writerDone = true; acceptedBy = x;
            /* nothing lost: the accepting operation is the one its alternation committed */
            assert(x == 2 || chosen == G_REMOTE);
            printf("MSC: writer's value accepted by op %d\n", x)
        :: else -> skip
        fi
    :: t == DECLINE ->
        if
        :: fState[x] == PROPOSED && fPid[x] == y ->
            home_declines_held();
            if
            :: z == BUSY -> fState[x] = QUEUED
            :: else -> fState[x] = GONE; sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
            fi
        :: else -> skip    /* the answer to a proposal a WITHDRAW already declined */
        fi
    :: t == WITHDRAW ->
        if
        :: fState[x] == GONE -> sess_send(1, WITHDRAWN, x, WR_ALREADY_GONE, 0)
        :: fState[x] == QUEUED -> fState[x] = GONE; sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
        :: fState[x] == PROPOSED ->
#ifdef BUG_IGNORE_WITHDRAW_WHILE_PROPOSED
            skip;
#else
            fState[x] = GONE; home_declines_held();   /* invariant withdraw-is-decline */
#endif
            sess_send(1, WITHDRAWN, x, WR_WITHDRAWN, 0)
        :: else -> skip
        fi
    :: else -> skip
    fi
}

inline on_delivered(n, t, x, y, z) {
    if
    :: n == 0 -> remote_receives(t, x, y, z)
    :: else -> home_receives(t, x, y, z)
    fi
}

inline on_peer_restarted(n) {
    assert(false)
}

#define K 4
#include "session.pml"

/* Node 0's alternation and its local guard */
proctype Alternation() {
    atomic { op = 1; opState = OFFERED; opEnded = false; sess_send(0, OFFER, 1, 1, 0) };
end:
    do
    :: atomic { decision == OPEN -> commit(G_LOCAL) }
    :: atomic { chosen == G_LOCAL && op == 1 && !withdrawCalled ->
        /* the alternation then calls ProtocolNode.withdraw, which acts only on OFFERED */
        withdrawCalled = true;
        if
        :: opState == OFFERED ->                      /* startWithdraw */
            opState = WITHDRAWING; sess_send(0, WITHDRAW, 1, 0, 0); end_op(NOT_DONE, 0)
        :: else -> skip
        fi }
    :: atomic { chosen == G_LOCAL && withdrawCalled && opState == IDLE && op == 1 ->   /* then read unconditionally */
        op = 2; opState = OFFERED; opEnded = false; sess_send(0, OFFER, 2, 0, 0) }
    od
}

/* Node 1's channel: its local writer is held for the first queued foreign reader */
proctype Home() {
end:
    do
    :: atomic { !writerDone && heldFor == 0 && (fState[1] == QUEUED || fState[2] == QUEUED) ->
        if
        :: fState[1] == QUEUED -> heldFor = 1
        :: else -> heldFor = 2
        fi;
        fState[heldFor] = PROPOSED; fPid[heldFor] = nextPid; nextPid++;  /* HomeSide.proposed */
        sess_send(1, DELIVER, heldFor, fPid[heldFor], VALUE) }
    od
}

ltl all_end { <> (writerDone && readDone) }
ltl witness_remote { [] (chosen != G_REMOTE) }
ltl witness_local_then_read { [] !(chosen == G_LOCAL && writerDone) }

init {
    atomic {
        sess_init_established();
        fState[0] = GONE; fState[1] = GONE; fState[2] = GONE;
        outcome[0] = NONE; outcome[1] = NONE; outcome[2] = NONE;
        sess_start(); run Alternation(); run Home()
    }
}
