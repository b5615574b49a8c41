/*
 * Model (f): the home's relay between a remote writer and a remote reader (docs/PROTOCOL.md,
 * "Both ends remote: the home's relay").
 *
 * A rendezvous channel hosted on node 1 (HomeSide, HostedChannels, the core's LocalChannel)
 * has a remote writer on node 0, a remote reader on node 2, and no local partner. At the
 * start each side chooses its kind:
 *   - the writer (opId OP, value VALUE): an unconditional write whose deadline may fire while
 *     it is OFFERED (WITHDRAW sent, then it waits for the home's TAKEN or WITHDRAWN), or an
 *     alternation's output guard (a conditional offer) whose alternation may, while its
 *     decision is open, commit its other guard or time out (tryClaim / tryWithdraw, both
 *     "the local guard" here) and then withdraws the offer (a separate node call); askHold
 *     answers HELD, BUSY (at most MAXBUSY times: another partner holds the decision for a
 *     moment) or FINAL;
 *   - the reader: a plain read whose deadline may fire while it is OFFERED (NOT_DONE at once,
 *     WITHDRAW sent), or an alternation's input guard, with another guard, as the writer's.
 *     A read that took the value is followed by a second, plain read (opId 2), which must
 *     never get it: so "taken at most once" can fail.
 *
 * The home relays: LocalChannel reserves the queued reader (still queued, matched with no one
 * else), takes the writer out of its queue and asks it to hold itself (ForeignParty.hold,
 * submitted to the node's thread: holdRequested). An unconditional writer is HELD at once
 * (the home decides it); a conditional one is sent PROPOSE (HOLDING) and is HELD on its
 * ACCEPT. Held, Relay.held proposes the writer's value to the reader if it is still queued
 * (DELIVER), or ends the hold RELEASED if it left. The reader's ACCEPT ends the relay TAKEN
 * (TAKEN to the writer); its DECLINE or WITHDRAW RELEASED (RELEASE to a conditional writer,
 * whose offer stands again and whose decision is released; the writer is queued anew; after
 * a WITHDRAW of an unconditional writer, WITHDRAWN instead); an unknown answer UNKNOWN
 * (ABORTED, maybe done, to the writer). HostedChannels submits hold, propose and holdEnded to
 * the node's thread: each runs later as a task of its own, in order (inbox). Each node call
 * is atomic (invariant no-reentry).
 *
 * Links. Node 0's session with node 1 is session.pml over the lossy network (one drop; see
 * the bounds below). Node 2's link with node 1 is abstracted to what the session guarantees
 * while the peer is heard, as models (a) to (c) prove it: every sequenced body is delivered
 * once, in order, after any delay (a FIFO channel each way, RCAP frames). When the reader is
 * the plain read, the run also decides at its start whether node 2 may fall silent (mayCut;
 * not with NO_SILENCE). If it may, node 2 falls silent once, at any moment, for good: every
 * frame on its link, or sent later, is lost, and each side's peer timeout may then fire at
 * any moment: the home's (HomeSide.tick: a QUEUED reader is withdrawn, ABORTED sent; a
 * PROPOSED one is answered UNKNOWN, ABORTED(maybe done) sent) and node 2's
 * (RemoteSide.tick: an OFFERED read ends PEER_UNREACHABLE, a WITHDRAWING one is forgotten).
 * That is the "reader silent" case, in
 * which docs/PROTOCOL.md allows the writer OUTCOME_UNKNOWN; a restart of node 2 has the same
 * effect at the home (HomeSide.peerRestarted answers UNKNOWN too) and is not modelled
 * apart. The choice is made at the start, not left open, because an open one would be taken
 * under weak fairness by any stuck reader, and so would hide hangs of runs without silence.
 * Silence is not combined with the conditional reader, to halve the search: the home answers
 * a silent reader the same whatever its kind (HomeSide.tick), and what a silent home does to
 * an alternation's guard at node 2 is RemoteSide's and RemoteGuards' own (tryFail), not
 * the relay's.
 *
 * Not modelled: peer timeouts of node 0 and the deadline-plus-peer-timeout bounds
 * (bounded-life, hold-bounded); restarts of nodes 0 and 1; poison and retire; local partners;
 * one party relayed to itself (the writer and the reader are on different nodes, so
 * Party.sameParty is false; the core's RelayTest covers it).
 *
 * Safety (assertions):
 *   - the value is taken at most once (over both reads), and only while the writer is HELD at
 *     the home and, for a conditional writer, its decision is held for this guard (writer
 *     first);
 *   - the writer ends DONE only if the value was taken; NOT_DONE only if it was not, then or
 *     later; OUTCOME_UNKNOWN only after node 2 fell silent; never PEER_UNREACHABLE; a read
 *     ends DONE exactly when it took the value;
 *   - no RELEASE after TAKEN: RELEASE is sent only to a conditional writer, only while no
 *     read has the value and no TAKEN was sent, and a writer that takes it waits for TAKEN
 *     with its decision held (released-stands); a held conditional writer never withdraws;
 *   - the Java's own checks: one relay at a time (one-proposal), every hold and proposal
 *     answered once (answered-once), holdEnded only for a HELD writer (IllegalStateException
 *     in HomeSide.holdEnded);
 *   - once everything ended (process Outcomes): the value was taken if and only if the writer
 *     ended DONE (or OUTCOME_UNKNOWN, after silence); each alternation committed its remote
 *     guard exactly when its side communicated; the home channel has nothing queued or
 *     reserved and no hold or proposal out; no invalid end state (a hang: a decision held for
 *     ever, a WITHDRAW never answered).
 * Liveness (ltl all_end, pan -a -f): every operation ends and is forgotten at both ends, both
 *   alternations end (a conditional writer's decision is not held for ever), and the home has
 *   no offer and no task left.
 *
 * Seeded bugs: BUG_READER_FIRST (the channel proposes the value to the reader as it asks the
 * writer to hold, before the writer is held), BUG_NO_RELEASE (a declined relay sends no
 * RELEASE to a conditional writer), BUG_IGNORE_RELEASE (the remote side ignores RELEASE),
 * BUG_READER_DEQUEUED (while the writer is asked, the reader is taken out of the queue, as for
 * a local partner, instead of staying queued and reserved: its WITHDRAW is then never
 * answered), BUG_WITHDRAW_WHILE_HELD (the home answers a held unconditional writer's WITHDRAW
 * at once, WITHDRAWN, instead of waiting for the relay's reader), BUG_TAKEN_REQUEUES (after
 * TAKEN the home queues the writer's offer again, as after RELEASED).
 * Other switches, for runs by hand: NO_SILENCE; ONLY_COND_WRITER, ONLY_UNCOND_WRITER,
 * ONLY_COND_READER, ONLY_PLAIN_READER (one kind of a side); MAXDROP, MAXDUP, MAXREORDER,
 * MAXBUSY.
 */

/* Bounds: one drop on node 0's link, no duplicate and no reordering (the session's dedup and
 * order are proved in (a) and (b); the counts with them are in docs/SPIN.md). */
#ifndef MAXDUP
#define MAXDUP 0
#endif
#ifndef MAXREORDER
#define MAXREORDER 0
#endif
#ifndef MAXBUSY
#define MAXBUSY 1      /* per alternation: how often askHold finds its decision held by another partner */
#endif
#define RCAP 3         /* frames node 2's abstract link holds each way (asserted) */

/* RemoteSide.State, IDLE standing for "no operation in flight" */
mtype = { IDLE, OFFERED, ASKING, AWAIT_TAKEN, WITHDRAWING };
/* Outcome, NONE standing for "not reported yet" */
mtype = { NONE, DONE, NOT_DONE, OUTCOME_UNKNOWN, PEER_UNREACHABLE };
/* HomeSide.State, GONE standing for "not in HomeSide.offers" */
mtype = { GONE, QUEUED, PROPOSED, WITHDRAW_PENDING, HOLDING, HELD };
/* Frame.DeclineReason */
mtype = { BUSY, FINAL };
/* FrameType.RELEASE (the other types are in session.pml) */
mtype = { RELEASE };
#define WR_WITHDRAWN 1
#define WR_ALREADY_GONE 2
/* HoldOutcome / Hold.Outcome */
#define HO_TAKEN 1
#define HO_RELEASED 2
#define HO_UNKNOWN 3
/* the node thread's tasks that HostedChannels submits */
#define T_HOLD 1       /* Party.hold: holdRequested(writer) */
#define T_PROPOSED 2   /* Party.propose: proposed(reader, value) */
#define T_HOLD_ENDED 3 /* Party.holdEnded: holdEnded(writer, outcome) */
/* Decision.State (WITHDRAWN folded into DONE: both final, both "the local guard") */
#define D_OPEN 0
#define D_HELD 1
#define D_DONE 2
#define H_REMOTE 1     /* who holds a decision: its node's askHold, for the remote guard */
#define H_OTHER 2      /* its own other guard (tryClaim) */
/* guards */
#define G_REMOTE 1     /* the remote guard (output guard at node 0, input guard at node 2) */
#define G_LOCAL 2      /* the other guard, or the alternation's timeout */
#define G_FAIL 3       /* failed through the remote guard (tryFail / fail) */
#define OP 1
#define VALUE 7

/* Node 0: the writer's RemoteSide operation and, if conditional, its alternation */
bool wCond;
mtype wState = IDLE;
bool wEnded;
mtype wOutcome = NONE;
byte wPid;                /* Op.proposalId: the proposal it answered last */
byte dec0 = D_OPEN;
byte holder0;
byte chosen0;
bool wWithdrawCalled;
byte wBusies;

/* Node 2: the reader's RemoteSide operation and, if conditional, its alternation */
bool rCond;               /* its first read is the alternation's input guard */
byte rOp = 1;             /* the reader's operation: 1, then, after a DONE, the plain read 2 */
mtype rState = IDLE;
bool rEnded;              /* the current operation ended */
mtype rOutcome[3];        /* by operation */
byte dec2 = D_OPEN;
byte holder2;
byte chosen2;
bool rWithdrawCalled;
byte rBusies;
byte took;                /* ghost: how often a read received the writer's value */
byte tookBy[3];           /* ghost: by which operation */
bool mayCut;              /* this run lets node 2 fall silent (decided at its start, plain reader only) */
bool rCut;                /* node 2 fell silent for good */

/* Node 1: HomeSide's two foreign offers */
mtype fW = GONE;          /* the writer's */
byte fWpid;
bool fWcond;
bool withdrawAsked;       /* Foreign.withdrawAsked: a WITHDRAW came while HELD */
mtype fR = GONE;          /* the reader's */
byte fRop;                /* its opId */
byte fRpid;
bool fRabort;             /* Foreign.then == ABORT: answer a pending withdrawal with ABORTED */
byte nextPid = 1;
bool takenSent;           /* ghost: TAKEN was sent to the writer */
byte releases;            /* ghost: RELEASEs a writer took (released-stands) */
bool leftDuringHold;      /* ghost: a relay's reader left while its writer was asked */

/* Node 1: the home channel (LocalChannel) and HostedChannels */
bool cw;                  /* the writer's foreign offer is in the channel's writer queue */
bool cr;                  /* the reader's is in its reader queue */
bool reserved;            /* the reader is in ForeignMatcher.reserved */
bool relayOn;             /* a Relay exists whose hold was asked and whose end is not reported yet */
bool holdOut;             /* HostedChannels.holds has the writer's Hold */
bool propOut;             /* HostedChannels.proposals has the reader's RelayProposal */
chan inbox = [3] of { byte, byte };   /* NodeLoop's tasks: (task, argument) */

/* Node 2's link (abstract): frames (type, x, y, z) */
chan toR = [RCAP] of { mtype, byte, byte, byte };
chan fromR = [RCAP] of { mtype, byte, byte, byte };
hidden mtype lT; hidden byte lX, lY, lZ;
hidden byte tTask, tArg;

inline submit(task, arg) {
    assert(nfull(inbox));
    inbox!task, arg
}

inline to_reader(t, x, y, z) {
    if
    :: !rCut -> assert(nfull(toR)); toR!t, x, y, z;
        printf("MSC: node 1 sends %e x=%d y=%d z=%d to node 2\n", t, x, y, z)
    :: else -> printf("MSC: node 1 sends %e to node 2, lost (silent)\n", t)
    fi
}

inline from_reader(t, x, y, z) {
    if
    :: !rCut -> assert(nfull(fromR)); fromR!t, x, y, z;
        printf("MSC: node 2 sends %e x=%d y=%d z=%d\n", t, x, y, z)
    :: else -> printf("MSC: node 2 sends %e, lost (silent)\n", t)
    fi
}

/* ---------------------------------------------------------------------------------------- */
/* Node 1, the home channel (LocalChannel) and HostedChannels' Party                        */

/* ForeignMatcher.matchForeignOnce for a foreign reader: writerFor finds the foreign writer (it
 * can be held, and is not the same party), the reader is reserved, the writer dequeued and
 * asked to hold (Party.hold: the Hold in HostedChannels.holds, holdRequested submitted). */
inline match_foreign() {
    if
    :: cr && !reserved && cw ->
        assert(!relayOn);                       /* one relay at a time here (one-proposal) */
        relayOn = true; cw = false; holdOut = true;
#ifdef BUG_READER_DEQUEUED
        cr = false;                             /* dequeued, as for a local partner */
#else
        reserved = true;
#endif
#ifdef BUG_READER_FIRST
        cr = false; propOut = true;             /* RelayProposal before the writer is held */
        submit(T_PROPOSED, VALUE);
#endif
        submit(T_HOLD, 0);
        printf("MSC: channel reserves the reader and asks the writer to hold\n")
    :: else -> skip
    fi
}

/* Relay.held: the reader, if still queued, is proposed the value; else the hold ends RELEASED */
inline relay_held() {
    reserved = false;
#ifdef BUG_READER_FIRST
    skip                                        /* proposed already */
#else
    if
    :: cr -> cr = false; propOut = true; submit(T_PROPOSED, VALUE)
    :: else -> leftDuringHold = true; submit(T_HOLD_ENDED, HO_RELEASED)   /* the reader left meanwhile */
    fi
#endif
    ; match_foreign()
}

/* Relay.refused: the reader is no longer reserved and may match again */
inline relay_refused() {
    reserved = false; relayOn = false;
#ifdef BUG_READER_DEQUEUED
    cr = true;                                  /* given back to the queue */
#endif
    match_foreign()
}

/* HostedChannels.holdAnswered */
inline hold_answered(held) {
    assert(holdOut);                            /* answered-once */
    holdOut = false;
    if
    :: held -> relay_held()
    :: else -> relay_refused()
    fi
}

/* Relay.ended, through RelayProposal.accept / decline / fail: Party.holdEnded submitted */
inline relay_ended(o) {
    submit(T_HOLD_ENDED, o);
    match_foreign()
}

/* HostedChannels.answer for the reader's RelayProposal */
#define ACCEPT_ANSWER 1
#define DECLINE_ANSWER 2
#define UNKNOWN_ANSWER 3
inline answer_reader(a) {
    assert(propOut);                            /* answered-once */
    propOut = false;
    if
    :: a == ACCEPT_ANSWER -> relay_ended(HO_TAKEN)
    :: a == DECLINE_ANSWER -> relay_ended(HO_RELEASED)
    :: a == UNKNOWN_ANSWER -> relay_ended(HO_UNKNOWN)   /* p.fail: the reader may have it */
    fi
}

/* HomeSide.queueAtHome: HostedChannels.offer, Port.enroll, matchForeign */
inline offer_writer_at_home() { cw = true; match_foreign() }
inline offer_reader_at_home() { cr = true; match_foreign() }

/* ---------------------------------------------------------------------------------------- */
/* Node 1, HomeSide                                                                          */

inline home_holdRequested() {
    if
    :: fW == GONE -> hold_answered(false)
    :: fW == QUEUED && fWcond ->
        fW = HOLDING; fWpid = nextPid; nextPid++;
        sess_send(1, PROPOSE, OP, fWpid, 0)
    :: fW == QUEUED && !fWcond ->
        fW = HELD; hold_answered(true)          /* home-decides-unconditional-writes */
    :: fW == WITHDRAW_PENDING ->              /* (Then.CONFIRM: node 0 is never silent) */
        fW = GONE; hold_answered(false); sess_send(1, WITHDRAWN, OP, WR_WITHDRAWN, 0)
    :: else -> assert(false)                    /* PROPOSED, HOLDING, HELD: one-proposal */
    fi
}

inline home_proposed_reader(v) {
    if
    :: fR == GONE -> answer_reader(DECLINE_ANSWER)
    :: fR == WITHDRAW_PENDING ->
        fR = GONE; answer_reader(DECLINE_ANSWER);
        if
        :: fRabort -> to_reader(ABORTED, fRop, 0, 0)
        :: else -> to_reader(WITHDRAWN, fRop, WR_WITHDRAWN, 0)
        fi
    :: fR == QUEUED ->
        fR = PROPOSED; fRpid = nextPid; nextPid++;
        to_reader(DELIVER, fRop, fRpid, v)
    :: else -> assert(false)                    /* one-proposal */
    fi
}

inline home_holdEnded(o) {
    assert(fW == HELD);                         /* the Java throws otherwise */
    relayOn = false;
    if
    :: o == HO_RELEASED && !withdrawAsked ->
        if
        :: fWcond ->
#ifndef BUG_NO_RELEASE
            assert(took == 0 && !takenSent);    /* no RELEASE once a reader has the value */
            sess_send(1, RELEASE, OP, fWpid, 0);
#endif
            skip
        :: else -> skip
        fi;
        fW = QUEUED; offer_writer_at_home()
    :: o == HO_TAKEN ->
        takenSent = true; sess_send(1, TAKEN, OP, 0, 0);
#ifdef BUG_TAKEN_REQUEUES
        fW = QUEUED; offer_writer_at_home()    /* the offer kept, as after RELEASED */
#else
        fW = GONE
#endif
    :: o == HO_RELEASED && withdrawAsked ->
        fW = GONE; sess_send(1, WITHDRAWN, OP, WR_WITHDRAWN, 0)
    :: o == HO_UNKNOWN ->
        fW = GONE; sess_send(1, ABORTED, OP, 1, 0)
    fi
}

/* HomeSide.withdrawQueued: HostedChannels.withdraw answers whether the offer was still queued */
inline home_withdraw_writer_queued() {
    if
    :: cw -> cw = false; fW = GONE; sess_send(1, WITHDRAWN, OP, WR_WITHDRAWN, 0)
    :: else -> fW = WITHDRAW_PENDING            /* the binding is about to report a hold */
    fi
}

inline home_withdraw_reader_queued(abort) {
    if
    :: cr -> cr = false; fR = GONE;
        if
        :: abort -> to_reader(ABORTED, fRop, 0, 0)
        :: else -> to_reader(WITHDRAWN, fRop, WR_WITHDRAWN, 0)
        fi
    :: else -> fR = WITHDRAW_PENDING; fRabort = abort   /* a proposal is coming */
    fi
}

/* HomeSide.receive, for node 0 (the writer) */
inline home_receives_w(t, x, y, z) {
    if
    :: t == OFFER ->
        assert(fW == GONE);
        fW = QUEUED; fWcond = y; offer_writer_at_home()
    :: t == ACCEPT && fW == HOLDING && fWpid == y ->
        fW = HELD; hold_answered(true)          /* the remote writer now waits for TAKEN or RELEASE */
    :: t == DECLINE && fW == HOLDING && fWpid == y ->
        hold_answered(false);
        if
        :: z == BUSY -> fW = QUEUED; offer_writer_at_home()
        :: else -> fW = GONE; sess_send(1, WITHDRAWN, OP, WR_WITHDRAWN, 0)
        fi
    :: t == WITHDRAW ->
        if
        :: fW == GONE -> sess_send(1, WITHDRAWN, OP, WR_ALREADY_GONE, 0)
        :: fW == QUEUED -> home_withdraw_writer_queued()
        :: fW == HOLDING ->                     /* withdraw-is-decline, for the relay's question */
            fW = GONE; hold_answered(false); sess_send(1, WITHDRAWN, OP, WR_WITHDRAWN, 0)
        :: fW == HELD ->
            assert(!fWcond);                    /* a held conditional writer cannot withdraw */
#ifdef BUG_WITHDRAW_WHILE_HELD
            fW = GONE; sess_send(1, WITHDRAWN, OP, WR_WITHDRAWN, 0)
#else
            withdrawAsked = true                /* the relay's reader decides */
#endif
        :: fW == WITHDRAW_PENDING -> skip
        :: else -> assert(false)
        fi
    :: else -> skip   /* a DECLINE answering a proposal a WITHDRAW already declined */
    fi
}

/* HomeSide.receive, for node 2 (the reader) */
inline home_receives_r(t, x, y, z) {
    if
    :: t == OFFER ->
        assert(fR == GONE);                     /* op 1's ACCEPT came first (in order) */
        fR = QUEUED; fRop = x; offer_reader_at_home()
    :: t == ACCEPT && fR == PROPOSED && fRop == x && fRpid == y ->
        fR = GONE; answer_reader(ACCEPT_ANSWER)
    :: t == DECLINE && fR == PROPOSED && fRop == x && fRpid == y ->
        answer_reader(DECLINE_ANSWER);
        if
        :: z == BUSY -> fR = QUEUED; offer_reader_at_home()
        :: else -> fR = GONE; to_reader(WITHDRAWN, fRop, WR_WITHDRAWN, 0)
        fi
    :: t == WITHDRAW && (fR == GONE || fRop != x) -> to_reader(WITHDRAWN, x, WR_ALREADY_GONE, 0)
    :: t == WITHDRAW && fR != GONE && fRop == x ->
        if
        :: fR == QUEUED -> home_withdraw_reader_queued(false)
        :: fR == PROPOSED ->                    /* withdraw-is-decline */
            fR = GONE; answer_reader(DECLINE_ANSWER); to_reader(WITHDRAWN, fRop, WR_WITHDRAWN, 0)
        :: fR == WITHDRAW_PENDING -> skip
        :: else -> assert(false)
        fi
    :: else -> skip
    fi
}

/* HomeSide.tick for node 2, once it fell silent for the peer timeout */
inline home_reader_silent() {
    if
    :: fR == QUEUED -> home_withdraw_reader_queued(true)
    :: fR == PROPOSED ->                        /* hold-bounded */
        fR = GONE; answer_reader(UNKNOWN_ANSWER); to_reader(ABORTED, fRop, 1, 0)
    fi
}

inline home_task(task, arg) {
    if
    :: task == T_HOLD -> printf("MSC: node 1 runs holdRequested\n")
    :: task == T_PROPOSED -> printf("MSC: node 1 runs proposed (the reader)\n")
    :: task == T_HOLD_ENDED -> printf("MSC: node 1 runs holdEnded %d (1 TAKEN, 2 RELEASED, 3 UNKNOWN)\n", arg)
    fi;
    if
    :: task == T_HOLD -> home_holdRequested()
    :: task == T_PROPOSED -> home_proposed_reader(arg)
    :: task == T_HOLD_ENDED -> home_holdEnded(arg)
    fi
}

/* ---------------------------------------------------------------------------------------- */
/* Node 0, the writer: RemoteSide and RemoteEndpoints                                        */

inline commit0(g) {
    assert(chosen0 == 0);                       /* an alternation commits at most one guard */
    chosen0 = g; dec0 = D_DONE;
    printf("MSC: writer's alternation commits guard %d\n", g)
}

/* RemoteSide.end (once) and RemoteEndpoints.completed (RemoteGuards.completed for a guard) */
inline w_end(oc) {
    if
    :: !wEnded ->
        wEnded = true; wOutcome = oc;
        printf("MSC: writer ends %e\n", oc);
        if
        :: oc == DONE -> assert(took == 1)
        :: oc == NOT_DONE -> assert(took == 0)
        :: oc == OUTCOME_UNKNOWN -> assert(rCut)  /* only when the reader fell silent */
        :: else -> assert(false)                /* node 0 is always heard */
        fi;
        if
        :: wCond && dec0 == D_HELD && holder0 == H_REMOTE ->
            if
            :: oc == DONE -> commit0(G_REMOTE)
            :: oc == NOT_DONE -> dec0 = D_OPEN              /* release */
            :: else -> commit0(G_FAIL)                      /* fail */
            fi
        :: wCond && !(dec0 == D_HELD && holder0 == H_REMOTE) ->
            assert(oc != DONE);                 /* a conditional offer not held is never DONE */
            if
            :: oc != NOT_DONE && dec0 == D_OPEN -> commit0(G_FAIL)   /* tryFail */
            :: else -> skip
            fi
        :: else -> skip
        fi
    :: else -> skip
    fi
}

inline w_finish(oc) { w_end(oc); wState = IDLE }

/* RemoteSide.startWithdraw */
inline w_start_withdraw() {
    wState = WITHDRAWING; sess_send(0, WITHDRAW, OP, 0, 0);
    if
    :: wCond -> w_end(NOT_DONE)                 /* this node decides a conditional offer */
    :: else -> skip                             /* the home decides an unconditional write */
    fi
}

/* RemoteSide.proposed for a PROPOSE; askHold is answered within the node call */
inline w_proposed(prop) {
    if
    :: wState == OFFERED && !wCond ->           /* not reached: the home holds it without a frame */
        wPid = prop; sess_send(0, ACCEPT, OP, prop, 0); wState = AWAIT_TAKEN
    :: wState == OFFERED && wCond ->
        wPid = prop;
        if
        :: dec0 == D_OPEN ->                                            /* HELD */
            dec0 = D_HELD; holder0 = H_REMOTE;
            sess_send(0, ACCEPT, OP, prop, 0); wState = AWAIT_TAKEN
        :: dec0 == D_OPEN && wBusies < MAXBUSY ->                       /* BUSY */
            wBusies++; sess_send(0, DECLINE, OP, prop, BUSY)
        :: dec0 == D_DONE ->                                            /* FINAL */
            wState = WITHDRAWING; w_end(NOT_DONE); sess_send(0, DECLINE, OP, prop, FINAL)
        fi
    :: else -> sess_send(0, DECLINE, OP, prop, FINAL)   /* withdrawing or gone: refuse */
    fi
}

/* RemoteSide.receive for node 0 */
inline w_receives(t, x, y, z) {
    if
    :: t == PROPOSE -> w_proposed(y)
    :: t == TAKEN && wState != IDLE && wState != ASKING -> w_finish(DONE)
    :: t == RELEASE ->                          /* RemoteSide.released */
        assert(took == 0 && wOutcome != DONE);  /* no RELEASE once the value is taken */
        /* no timers here, so it always finds its writer waiting for this proposal's TAKEN */
        assert(wCond && wState == AWAIT_TAKEN && wPid == y);
#ifndef BUG_IGNORE_RELEASE
        wState = OFFERED; releases++;
        assert(dec0 == D_HELD && holder0 == H_REMOTE);
        dec0 = D_OPEN;                          /* RemoteGuards.holdReleased */
#endif
        skip
    :: t == WITHDRAWN && wState == WITHDRAWING ->
        if
        :: y == WR_WITHDRAWN -> w_finish(NOT_DONE)
        :: else -> w_finish(OUTCOME_UNKNOWN)
        fi
    :: t == ABORTED && wState != IDLE && wState != ASKING ->
        if
        :: y == 1 -> w_finish(OUTCOME_UNKNOWN)
        :: else -> w_finish(PEER_UNREACHABLE)
        fi
    :: else -> skip
    fi
}

/* ---------------------------------------------------------------------------------------- */
/* Node 2, the reader: RemoteSide and RemoteEndpoints                                        */

inline commit2(g) {
    assert(chosen2 == 0);
    chosen2 = g; dec2 = D_DONE;
    printf("MSC: reader's alternation commits guard %d\n", g)
}

#define RCOND (rCond && rOp == 1)   /* the current read is the conditional one */

inline r_end(oc) {
    if
    :: !rEnded ->
        rEnded = true; rOutcome[rOp] = oc;
        printf("MSC: read %d ends %e\n", rOp, oc);
        assert((oc == DONE) == (tookBy[rOp] == 1));   /* a read that is not DONE has no value */
        if
        :: RCOND && dec2 == D_HELD && holder2 == H_REMOTE ->
            if
            :: oc == DONE -> commit2(G_REMOTE)
            :: oc == NOT_DONE -> dec2 = D_OPEN
            :: else -> commit2(G_FAIL)
            fi
        :: RCOND && !(dec2 == D_HELD && holder2 == H_REMOTE) ->
            assert(oc != DONE);
            if
            :: oc != NOT_DONE && dec2 == D_OPEN -> commit2(G_FAIL)
            :: else -> skip
            fi
        :: else -> skip
        fi
    :: else -> skip
    fi
}

inline r_finish(oc) { r_end(oc); rState = IDLE }

/* A read receives the writer's value: the writer must be held for this communication */
inline r_take(v) {
    assert(v == VALUE);
    took++; tookBy[rOp]++;
    assert(took == 1);                          /* taken at most once */
    assert(wOutcome != NOT_DONE);
    assert(fW == HELD);                         /* writer first: held at the home */
    assert(!wCond || (dec0 == D_HELD && holder0 == H_REMOTE));   /* and its decision held for it */
    printf("MSC: read %d takes the value\n", rOp)
}

/* RemoteSide.proposed for a DELIVER */
inline r_proposed(x, prop, v) {
    if
    :: x == rOp && rState == OFFERED && !RCOND ->
        from_reader(ACCEPT, x, prop, 0); r_take(v); r_finish(DONE)
    :: x == rOp && rState == OFFERED && RCOND ->
        if
        :: dec2 == D_OPEN ->                                            /* HELD */
            dec2 = D_HELD; holder2 = H_REMOTE;
            from_reader(ACCEPT, x, prop, 0); r_take(v); r_finish(DONE)
        :: dec2 == D_OPEN && rBusies < MAXBUSY ->                       /* BUSY */
            rBusies++; from_reader(DECLINE, x, prop, BUSY)
        :: dec2 == D_DONE ->                                            /* FINAL */
            rState = WITHDRAWING; r_end(NOT_DONE); from_reader(DECLINE, x, prop, FINAL)
        fi
    :: else -> from_reader(DECLINE, x, prop, FINAL)    /* withdrawing or gone: refuse */
    fi
}

inline r_receives(t, x, y, z) {
    printf("MSC: node 2 takes %e x=%d y=%d z=%d\n", t, x, y, z);
    if
    :: t == DELIVER -> r_proposed(x, y, z)
    :: t == WITHDRAWN && x == rOp && rState == WITHDRAWING ->
        if
        :: y == WR_WITHDRAWN -> r_finish(NOT_DONE)
        :: else -> r_finish(OUTCOME_UNKNOWN)
        fi
    :: t == ABORTED && x == rOp && rState != IDLE ->
        if
        :: y == 1 -> r_finish(OUTCOME_UNKNOWN)
        :: else -> r_finish(PEER_UNREACHABLE)
        fi
    :: else -> skip
    fi
}

inline r_start_withdraw() {
    rState = WITHDRAWING; from_reader(WITHDRAW, rOp, 0, 0); r_end(NOT_DONE)
}

/* ---------------------------------------------------------------------------------------- */

inline on_delivered(n, t, x, y, z) {
    if
    :: n == 0 -> w_receives(t, x, y, z)
    :: else -> home_receives_w(t, x, y, z)
    fi
}

inline on_peer_restarted(n) {
    assert(false)   /* no restarts of nodes 0 and 1 in this model */
}

#ifndef K
#define K 3
#endif
#include "session.pml"

/* Node 0's operation: the unconditional write's deadline, or the alternation's other guard
 * and its withdraw of the remote guard */
proctype Writer() {
    atomic {
        if
#ifndef ONLY_COND_WRITER
        :: wCond = false
#endif
#ifndef ONLY_UNCOND_WRITER
        :: wCond = true
#endif
        fi;
        wState = OFFERED; sess_send(0, OFFER, OP, wCond, VALUE)
    };
end:
    do
    :: atomic { !wCond && wState == OFFERED -> w_start_withdraw() }          /* deadline */
    :: atomic { wCond && dec0 == D_OPEN -> dec0 = D_HELD; holder0 = H_OTHER; commit0(G_LOCAL) }
    :: atomic { chosen0 == G_LOCAL && !wWithdrawCalled ->
        wWithdrawCalled = true;                 /* ProtocolNode.withdraw acts only on OFFERED */
        if
        :: wState == OFFERED -> w_start_withdraw()
        :: else -> skip
        fi }
    od
}

/* Node 2's operations, its link, and its silence. After a read that took the value it reads
 * again (plain, with a deadline): the value must not come a second time. */
proctype Reader() {
    atomic {
        if
#ifndef ONLY_COND_READER
        :: rCond = false
#endif
#ifndef ONLY_PLAIN_READER
        :: rCond = true
#endif
        fi;
#ifndef NO_SILENCE
        if
        :: !rCond -> mayCut = false             /* first, so that a depth-first search finds */
        :: !rCond -> mayCut = true              /* a trail without silence if there is one */
        :: else -> skip
        fi;
#endif
        rState = OFFERED; from_reader(OFFER, 1, rCond, 0)
    };
end:
    do
    :: atomic { !RCOND && rState == OFFERED -> r_start_withdraw() }        /* deadline */
    :: atomic { RCOND && dec2 == D_OPEN -> dec2 = D_HELD; holder2 = H_OTHER; commit2(G_LOCAL) }
    :: atomic { rCond && chosen2 == G_LOCAL && !rWithdrawCalled ->
        rWithdrawCalled = true;
        if
        :: rOp == 1 && rState == OFFERED -> r_start_withdraw()
        :: else -> skip
        fi }
    :: atomic { rOp == 1 && rState == IDLE && rOutcome[1] == DONE ->       /* the second read */
        rOp = 2; rEnded = false; rState = OFFERED; from_reader(OFFER, 2, false, 0) }
    :: atomic { nempty(toR) -> toR?lT, lX, lY, lZ; r_receives(lT, lX, lY, lZ) }
#ifndef NO_SILENCE
    :: atomic { mayCut && !rCut ->              /* node 2 falls silent, for good */
        rCut = true;
        do
        :: toR?lT, lX, lY, lZ -> printf("MSC: %e to node 2 lost\n", lT)
        :: fromR?lT, lX, lY, lZ -> printf("MSC: %e from node 2 lost\n", lT)
        :: empty(toR) && empty(fromR) -> break
        od;
        printf("MSC: node 2 falls silent\n") }
    :: atomic { rCut && rState == OFFERED ->    /* node 2's peer timeout: RemoteSide.tick */
        from_reader(WITHDRAW, rOp, 0, 0); r_finish(PEER_UNREACHABLE) }
    :: atomic { rCut && rState == WITHDRAWING -> r_finish(OUTCOME_UNKNOWN) }
#endif
    od
}

/* Node 1's calls other than node 0's frames: node 2's frames, its tasks, its timer */
proctype Home() {
end:
    do
    :: atomic { nempty(fromR) -> fromR?lT, lX, lY, lZ;
        printf("MSC: node 1 takes %e x=%d y=%d z=%d from node 2\n", lT, lX, lY, lZ);
        home_receives_r(lT, lX, lY, lZ) }
    :: atomic { nempty(inbox) -> inbox?tTask, tArg; home_task(tTask, tArg) }
#ifndef NO_SILENCE
    :: atomic { rCut && (fR == QUEUED || fR == PROPOSED) -> home_reader_silent() }
#endif
    od
}

#define W_OVER (wEnded && wState == IDLE && (!wCond || dec0 == D_DONE))
#define R_OVER (rEnded && rState == IDLE && (rOp == 2 || rOutcome[1] != DONE) && (!rCond || dec2 == D_DONE))
#define HOME_OVER (fW == GONE && fR == GONE && len(inbox) == 0)

/* Once everything ended: the outcomes agree with what the reader took */
proctype Outcomes() {
    atomic {
        W_OVER && R_OVER && HOME_OVER ->
        assert(!cw && !cr && !reserved && !relayOn && !holdOut && !propOut);
        assert(took == 0 || wOutcome == DONE || wOutcome == OUTCOME_UNKNOWN);
        assert(took == 1 || wOutcome != DONE);
        assert(!wCond || (chosen0 == G_REMOTE) == (wOutcome == DONE));
        assert(!rCond || (chosen2 == G_REMOTE) == (tookBy[1] == 1));
        assert(tookBy[2] == 0)
    }
}

ltl all_end { <> (W_OVER && R_OVER && HOME_OVER) }
/* Witnesses, which SPIN must refute: the relay delivers to an unconditional writer's reader
 * and to a conditional writer's; a declined relay releases the writer and a later one
 * delivers; the reader leaves while the writer is asked and the writer is released; the writer
 * ends OUTCOME_UNKNOWN after the reader fell silent. */
ltl witness_uncond_taken { [] !(took == 1 && !wCond && wOutcome == DONE) }
ltl witness_cond_taken { [] !(took == 1 && wCond && wOutcome == DONE) }
ltl witness_release_then_taken { [] !(releases > 0 && took == 1 && wOutcome == DONE) }
ltl witness_left_during_hold { [] !leftDuringHold }
ltl witness_unknown { [] (wOutcome != OUTCOME_UNKNOWN) }

init {
    atomic {
        sess_init_established();
        sess_start(); run Writer(); run Reader(); run Home(); run Outcomes()
    }
}
