/*
 * Model (g): writes ahead into a buffered channel (docs/PROTOCOL.md, "Writes ahead into a
 * buffered channel (credits)").
 *
 * A buffered channel of capacity C (2) is hosted on node 1 (the home: HomeSide and
 * ForeignEnds, HostedChannels, the core's LocalChannel with one SlotCredit). Node 0 has one
 * remote writer end opened to write ahead (OPEN_END with the A flag, taken as applied: the
 * home has its credit line, OPEN, nothing outstanding). The home has a local writer, which
 * writes one value (LV), and a local reader, which reads until it has every value or is told
 * of the channel's end. How the run ends is chosen at its start (ending): the channel is not
 * terminated (the local writer keeps its end); the local writer poisons it after its write
 * (a writer-side poison); the local writer retires its end after its write (the channel
 * retires, writer side, once the remote end retired too); or the reader may poison the
 * channel in place of any of its reads (a reader-side poison).
 *
 * Node 0's writer thread writes the values 1..NW (3) in order and then retires its end
 * (RemoteEnd.Writer.write and retire). A write takes one of the binding's slots (Ahead:
 * takeSlot; a compare-and-set on the writer's thread), queues its value and, unless a flush
 * is scheduled already, submits one to the node's thread; the write has then returned
 * (completed). A write that finds no slot waits for the home's answer while one is coming
 * (awaitAnswer; Ahead.answerComing: not taken back, and writes handed that the home has not
 * answered, or a flush scheduled, or values queued), and otherwise offers (an unconditional
 * remote write, OFFER, completed by TAKEN; TERMINATED stops the writer, which then retires).
 * The node's thread runs its tasks in order (wInbox: the flushes and the offers the writer
 * thread submitted) interleaved with frames from the home: a flush hands what is queued to
 * RemoteCredits.store in one STORE of two values or, as the size limit may split a batch, one
 * STORE per value; so a write counted before a REVOKE is taken back can be stored after it.
 * RemoteCredits keeps the end's granted and stored counts, creditHeld, revokeOwed and
 * retireAfterStores: REVOKE takes the unused slots back from the binding (creditTakenBack)
 * and REVOKED goes once every STORE under the rest was sent; a retire of the end takes the
 * unused slots back and its RETIRE waits likewise (the end drains). The retire is a node call
 * that may come before a flush the writer thread submitted (as if another thread of the
 * process retired the end): the Java's one writer thread submits its retire after its flush,
 * and the model does not rely on that, so the draining path is reached.
 *
 * The writer's answerComing is read field by field in the Java, not at once: it can read
 * false while a flush is running (handed read before the flush handed its STORE, the queue
 * and flushScheduled after it), and the writer then offers although an answer is coming.
 * The model lets it (RACY_FALSE).
 *
 * The home: an unconditional foreign writer's OFFER is queued at the channel and, when it
 * matches (a waiting reader, or a free slot), committed on the match (CommittedProposal) and
 * reported to the node's thread (hInbox: proposed), which grants (before the TAKEN) and sends
 * TAKEN. ForeignEnds.grant tops the end's slots up as far as SlotCredit.grant allows (free
 * slots, none while a writer waits or once the channel ended, at most the share: C with one
 * credit) after the first (offered) write is stored and after every STORE while OPEN, and
 * answers every STORE while OPEN with CREDIT (0 slots if need be, with the count of writes
 * ahead stored so far). A writer that comes to wait for a slot while slots are reserved
 * (SlotCredits.askBack), and a termination while slots are reserved
 * (SlotCredit.terminatedLocked), ask for them back (CreditHolder.wanted: creditWanted
 * submitted to the node's thread):
 * REVOKE, REVOKING; REVOKED releases them and the line is OPEN again, nothing outstanding.
 * The channel's buffer counts reserved slots as taken (occupied); a STORE is stored into a
 * reserved slot, or beyond the capacity if its slot was released meanwhile (a late store);
 * after a writer-side poison or retire readers drain the buffer and wait while slots are
 * reserved (readersDone); a reader-side poison clears the buffer, drops the slots and
 * discards later stores. The channel retires (writer side) once both writer ends retired.
 *
 * Links. The session between nodes 0 and 1 is abstracted to what it guarantees while the
 * peer is heard, as models (a) to (c) prove it: every sequenced frame is delivered once, in
 * order, after any delay (toH, toW: a FIFO channel each way, LINKCAP frames, asserted). A
 * silence that heals is such a delay, long enough for a peer timeout to fire: so the run
 * decides at its start (silence; not with NO_SILENCE, nor with the reader-side poison, whose
 * discards make late stores moot) whether node 0 falls silent for a while, and then node 1's
 * peer timeout fires once, at any moment while the line has slots outstanding and has not
 * lapsed (ForeignEnds.tick: the line LAPSED, its slots released, REVOKE sent if it was
 * OPEN), or node 1 falls silent for a while, and then node 0's fires once, at any moment
 * while the end holds credit (RemoteCredits.tick: the unused slots taken back from the
 * binding). Frames in flight meanwhile arrive after it, in order, as the session delivers
 * them after the heal. Both choices are made at the start for the reason given in model (f):
 * an option left open would be taken under weak fairness by every stuck run, and so hide its
 * hang.
 *
 * Not modelled: node restarts (the slots and STOREs lost with a home's old incarnation, a
 * writer's node restart abandoning its ends), peer timeouts of operations (an OFFERed write
 * at either end, a retire waiting for APPLIED), a silence that does not heal, both kinds of
 * silence in one run, other write-ahead ends
 * (one credit: its share is the whole capacity), a credit window below the capacity, remote
 * readers, relays and conditional offers (models (c), (f)), a remote poison (the writer-side
 * poison is the local writer's), the reader retiring its end. The core's wake-ups are taken
 * as given: a waiting reader takes the head of the buffer as soon as there is one (the core's
 * matchLocked hands it over), a waiting local writer goes into the buffer as soon as it has
 * room (refillBuffer), in the order the writers came.
 *
 * Safety (assertions), by the names of the Java invariants:
 *   - credit-respected: the node never stores beyond its credit (RemoteCredits.store throws);
 *     the home never receives a STORE it reserved no slot for (outstanding >= the values,
 *     the line still there: REVOKED and RETIRE follow the STOREs under the slots they give
 *     back); REVOKED answers a REVOKE only (the line is REVOKING or LAPSED);
 *   - buffer-bound: buffered values plus reserved slots never exceed C, except values stored
 *     late (their slots released by a lapse before they came);
 *   - credit-drains: after a writer-side poison or retire readers are told only once nothing
 *     is buffered and no slot is reserved, so a value stored after they were told is a late
 *     store of a lapsed line (the known limit of docs/PROTOCOL.md);
 *   - completed writes are never lost: once everything ended (process Outcomes), every write
 *     that completed (returned to its writer: a write ahead once counted, an offered write
 *     DONE; the local write once stored) was read, unless the reader poisoned the channel, or
 *     it is such a late store after the readers were told (excused: the known limit, reached
 *     only after a lapse); each value is read at most once, and the remote writer's values in
 *     the order written (per-end order);
 *   - no invalid end state: every writer and the reader finish; a writer waiting for the
 *     home's answer (awaitAnswer) is answered; nothing is left queued or in flight; the
 *     Java's own checks (a STORE for an end that is open or draining, TAKEN and TERMINATED
 *     for a write offered, APPLIED for a retire).
 * Liveness (ltl all_end, pan -a -f): under weak fairness everything ends.
 * Witnesses (built with WITNESS; SPIN must refute each): a write counted before a REVOKE is
 * stored after it; a STORE is answered with CREDIT 0; the reader drains a value stored after
 * a writer-side poison; a late STORE is stored beyond the capacity; a retire's RETIRE waits
 * for STOREs (the end drains); a value is stranded: stored late after the readers were told
 * (the known limit, the one excused loss).
 *
 * Seeded bugs: BUG_REVOKED_BEFORE_STORES (REVOKED sent at the REVOKE, before the writes
 * counted under the kept slots are stored), BUG_CREDIT_WHILE_REVOKING (the home grants while
 * REVOKING, SeededBug.CREDIT_WHILE_REVOKING), BUG_LOCAL_INTO_RESERVED (a local writer counts
 * only the buffered values, not the reserved slots), BUG_READERS_FAILED_WHILE_RESERVED
 * (readersDone ignores reserved slots: readers are told at a writer-side poison while slots
 * are reserved), BUG_STORE_UNANSWERED (a STORE is answered only when it brings slots, not
 * with CREDIT 0), BUG_RETIRE_BEFORE_STORES (the RETIRE goes at once, before the writes
 * counted under the end's slots are stored), BUG_LAPSED_STORES_DROPPED (late STOREs of a
 * lapsed line are dropped, SeededBug.LAPSED_STORES_DROPPED).
 * Other switches: WITNESS (sets the witnesses' flags; the test builds the witness runs with
 * it), and for runs by hand NO_SILENCE (no peer timeout fires), NO_RACY_READ (the writer reads
 * answerComing at once).
 */

#ifndef C
#define C 2            /* the channel's capacity */
#endif
#define NW 3           /* the remote writer's values: 1..NW */
#define LV 4           /* the local writer's value */
#define LINKCAP 4      /* frames each way on the link (asserted) */
#define HCAP 6         /* tasks queued at node 1 (asserted) */
#define BIT(v) (1 << (v))

/* frames (the FrameType names); fields x, y */
mtype = { OFFER, TAKEN, TERMINATED, CREDIT, STORE, REVOKE, REVOKED, RETIRE, APPLIED };
/* ForeignEnds.CreditState */
mtype = { OPEN, REVOKING, LAPSED };

/* the channel's termination: none, writer-side poison or retire (readers drain), reader-side
 * poison (the buffer discarded) */
#define T_NONE 0
#define T_WPOISON 1
#define T_WRETIRE 2
#define T_RPOISON 3
#define DRAINS (term == T_WPOISON || term == T_WRETIRE)

/* node 0's tasks (wInbox) and node 1's (hInbox) */
#define T_FLUSH 1      /* WriteAheads.flush */
#define T_OFFER 2      /* RemoteEndpoints.offer: ProtocolNode.offer */
#define T_PROPOSED 3   /* Party.propose of the committed foreign write: HomeSide.proposed */
#define T_WANTED 4     /* CreditHolder.wanted: ProtocolNode.creditWanted */
#define T_TERMINATED 5 /* Party.terminated: HomeSide.terminated */

/* the writer thread (RemoteEnd.Writer) */
#define W_WRITE 1      /* writes value wNext next, or retires once past NW or stopped */
#define W_AWAIT 2      /* awaitAnswer: no slot, an answer is coming */
#define W_OFFERED 3    /* its write offered, waiting for the outcome */
#define W_RETIRE 4     /* retire called, not yet run by the node */
#define W_RETIRING 5   /* waiting for APPLIED */
#define W_OVER 6
/* the local writer */
#define L_WRITE 1
#define L_WAIT 2       /* queued for a slot */
#define L_WROTE 3
#define L_FAILED 4
#define L_OVER 5
/* the reader */
#define R_READ 1
#define R_OVER 2

/* ---- the link ---- */
chan toH = [LINKCAP] of { mtype, byte, byte };   /* node 0 -> node 1 */
chan toW = [LINKCAP] of { mtype, byte, byte };   /* node 1 -> node 0 */
/* what the run does, decided at its start (so that weak fairness cannot take an option that
 * stays open for ever in a stuck run and so hide the hang; see model (f)) */
#define E_NONE 0          /* the channel is not terminated: the local writer keeps its end */
#define E_WPOISON 1       /* the local writer poisons the channel after its write */
#define E_WRETIRE 2       /* the local writer retires its end after its write */
#define E_RPOISON 3       /* the reader may poison the channel instead of reading on */
byte ending;
#define S_NONE 0          /* no silence */
#define S_WRITER 1        /* node 0 falls silent for a while: node 1's peer timeout fires once */
#define S_HOME 2          /* node 1 falls silent for a while: node 0's peer timeout fires once */
byte silence;             /* set back to S_NONE once its timeout fired */

/* ---- node 0: the writer thread, the binding (Ahead) and RemoteSide's End ---- */
byte wPhase = W_WRITE;
byte wNext = 1;           /* the value it writes next */
bool wStopped;            /* a write ended POISONED or RETIRED: no more writes */
bool aheadExists;         /* WriteAheads.ahead has the end (made by its first credit) */
byte bSlots;              /* Ahead.slots */
chan bq = [2] of { byte };  /* Ahead.queued */
bool flushSched;          /* Ahead.flushScheduled */
byte handed;              /* Ahead.handed */
byte storedAtHome;        /* Ahead.storedAtHome */
bool takenBack;           /* Ahead.takenBack */
chan wInbox = [3] of { byte, byte };   /* node 0's NodeLoop tasks: (task, value) */
bool eOpen = true;        /* the End is in RemoteSide.ends */
bool eDraining;           /* its Line is in RemoteCredits.draining */
byte granted;             /* RemoteCredits.Line.granted */
byte eStored;             /* RemoteCredits.Line.stored */
bool creditHeld;          /* RemoteCredits.Line.creditHeld */
bool revokeOwed;          /* RemoteCredits.Line.revokeOwed */
bool retireAfter;         /* RemoteCredits.Line.retireAfterStores */

/* ---- node 1: HomeSide and ForeignEnds ---- */
bool fKnown;              /* the foreign write is in HomeSide.offers */
byte fValue;
bool lineExists = true;   /* ForeignEnds.credits has the end's CreditLine */
mtype lState = OPEN;      /* CreditLine.state */
byte outstanding;         /* CreditLine.outstanding */
byte lStored;             /* CreditLine.stored */
bool rwEnd = true;        /* the remote end is in ForeignEnds.ends (and the channel's writer ends) */
chan hInbox = [HCAP] of { byte, byte };  /* node 1's NodeLoop tasks: (task, argument) */

/* ---- node 1: the channel (LocalChannel, one SlotCredit) ---- */
chan buf = [C + 2] of { byte };  /* the buffer (beyond C only by late stores, asserted) */
byte creditSlots;         /* SlotCredits.creditSlots = the SlotCredit's slots */
byte term = T_NONE;       /* LocalChannel.termination */
bool lEnd = true;         /* the local writer's end is live */
bool lWaiting;            /* the local writer waits in the writer queue */
bool fWaiting;            /* the foreign write waits in the writer queue */
bool lFirst;              /* ... both do, the local one came first */
bool rWaiting;            /* the reader waits in the reader queue */
byte lPhase = L_WRITE;
byte rPhase = R_READ;

/* ---- ghosts ---- */
/* (a remote write v completed, returned to its writer, exactly when v < wNext) */
bool lDone;               /* the local write completed */
byte readMask;            /* the values read */
byte lateMask;            /* values stored late (beyond the capacity) */
bool rFailed;             /* the reader was told of the channel's end */
/* Flags for the witness claims, set only with WITNESS (sticky flags would split states):
 * the test builds its witness runs with it */
bool raceStored;          /* a write counted before a REVOKE was stored after it */
bool zeroCredit;          /* a STORE was answered with CREDIT 0 */
bool drainedAfterPoison;  /* the reader read a value stored after a writer-side poison */
bool retireWaited;        /* a retire's RETIRE waited for STOREs */
byte afterTermMask;       /* values stored after a writer-side poison */
#ifdef WITNESS
#define WITNESSED(f) f = true
#else
#define WITNESSED(f) skip
#endif

#define REMOTE_MASK (BIT(1) | BIT(2) | BIT(3))
#define ALL_READ (readMask == (REMOTE_MASK | BIT(LV)))
/* late values still in the buffer (a poll looks at every message without taking it) */
#define LATE_IN(v) (((lateMask & BIT(v)) != 0 && buf??[v]) -> 1 : 0)
#define LATE_IN_BUF (LATE_IN(1) + LATE_IN(2) + LATE_IN(3))

/* temporaries, each written before it is read within one atomic step */
hidden byte v1, v2, hv, wk, hk, hn, wX, wY, hX, hY, wTask, wArg, hTask, hArg;
hidden mtype wT, hT;

inline to_home(t, x, y) {
    assert(nfull(toH)); toH!t, x, y;
    printf("MSC: node 0 sends %e x=%d y=%d\n", t, x, y)
}

inline to_writer(t, x, y) {
    assert(nfull(toW)); toW!t, x, y;
    printf("MSC: node 1 sends %e x=%d y=%d\n", t, x, y)
}

inline h_submit(task, arg) {
    assert(nfull(hInbox)); hInbox!task, arg
}

/* ---------------------------------------------------------------------------------------- */
/* Node 1, the channel (LocalChannel)                                                        */

#define OCCUPIED (len(buf) + creditSlots)
#ifdef BUG_READERS_FAILED_WHILE_RESERVED
#define READERS_DONE (len(buf) == 0)
#else
#define READERS_DONE (len(buf) == 0 && creditSlots == 0)   /* readersDone: credit-drains */
#endif
#ifdef BUG_LOCAL_INTO_RESERVED
#define LOCAL_ROOM (len(buf) < C)
#else
#define LOCAL_ROOM (OCCUPIED < C)
#endif

/* buffer-bound: buffered plus reserved never exceed C, late stores aside */
inline check_bound() {
    assert(len(buf) - LATE_IN_BUF + creditSlots <= C)
}

/* the reader receives v (ghost checks: once, and the remote writer's values in order) */
inline got(v) {
    assert((readMask & BIT(v)) == 0);
    /* per-end order: no later value of the remote writer was read before */
    assert(v > NW || (readMask & REMOTE_MASK & ~(BIT(v + 1) - 1)) == 0);
    readMask = readMask | BIT(v);
#ifdef WITNESS
    if
    :: afterTermMask & BIT(v) -> drainedAfterPoison = true
    :: else -> skip
    fi;
#endif
    printf("MSC: the reader reads %d\n", v)
}

/* a value leaves the buffer for the reader */
inline from_buffer(v) {
    buf?v; lateMask = lateMask & ~BIT(v)
}

/* a waiting reader claimed with v (claimFirst(readers)) */
inline hand_reader(v) {
    rWaiting = false; got(v)
}

/* the foreign write committed on its match (CommittedProposal): reported to the node */
inline foreign_committed() {
    fWaiting = false; lFirst = false; h_submit(T_PROPOSED, 0);
    printf("MSC: the channel commits the foreign write of %d\n", fValue)
}

/* refillBuffer: the oldest waiting writer (claimFirst) into the buffer while it has room */
#define L_HEAD (lWaiting && (!fWaiting || lFirst))
#define F_HEAD (fWaiting && (!lWaiting || !lFirst))
inline refill() {
    do
    :: L_HEAD && LOCAL_ROOM -> lWaiting = false; lFirst = false; buf!LV; lPhase = L_WROTE; lDone = true;
        printf("MSC: the local writer's %d goes into the buffer\n", LV)
    :: else ->
        if
        :: F_HEAD && OCCUPIED < C -> buf!fValue; foreign_committed()
        :: else -> break
        fi
    od
}

/* matchForeignOnce for the foreign writer (it commits on the match): to a waiting reader if
 * nothing is buffered, else into a free slot */
inline match_foreign() {
    if
    :: fWaiting && term == T_NONE && len(buf) == 0 && rWaiting ->
        hand_reader(fValue); foreign_committed()
    :: fWaiting && term == T_NONE && !(len(buf) == 0 && rWaiting) && OCCUPIED < C ->
        buf!fValue; foreign_committed()
    :: else -> skip
    fi
}

/* ChannelTermination.failWaiting: failAll(writers) and, once readersDone, failAll(readers) */
inline fail_waiting() {
    if
    :: lWaiting -> lWaiting = false; lFirst = false; lPhase = L_FAILED; printf("MSC: the local write fails\n")
    :: else -> skip
    fi;
    if
    :: fWaiting -> fWaiting = false; lFirst = false; h_submit(T_TERMINATED, term != T_WRETIRE)
    :: else -> skip
    fi;
    if
    :: rWaiting && READERS_DONE -> rWaiting = false; rPhase = R_OVER; rFailed = true;
        printf("MSC: the reader is told of the channel's end\n")
    :: else -> skip
    fi
}

/* matchLocked: buffered values to the waiting reader, waiting writers into the buffer
 * (matchBuffered), the foreign writer matched (matchForeignOnce), in the Java's order; then,
 * once terminated, the waiting parties failed */
inline match_locked() {
    do
    :: rWaiting && len(buf) > 0 -> from_buffer(hv); hand_reader(hv)
    :: else ->
        if
        :: L_HEAD && LOCAL_ROOM -> lWaiting = false; lFirst = false; buf!LV; lPhase = L_WROTE; lDone = true;
        printf("MSC: the local writer's %d goes into the buffer\n", LV)
        :: else ->
            if
            :: F_HEAD && OCCUPIED < C -> buf!fValue; foreign_committed()
            :: else ->
                if
                :: fWaiting && term == T_NONE && len(buf) == 0 && rWaiting ->
                    hand_reader(fValue); foreign_committed()
                :: else -> break
                fi
            fi
        fi
    od;
    if
    :: term != T_NONE -> fail_waiting()
    :: else -> skip
    fi;
    check_bound()
}

/* SlotCredits.askBack: a writer came to wait while slots are reserved */
inline ask_credits_back() {
    if
    :: creditSlots > 0 && OCCUPIED >= C -> h_submit(T_WANTED, 0)
    :: else -> skip
    fi
}

/* ChannelTermination.terminate */
inline terminate(how) {
    term = how;
    printf("MSC: the channel terminates (%d: 1 writer poison, 2 writer retire, 3 reader poison)\n", how);
    if
    :: !DRAINS ->
        do
        :: nempty(buf) -> buf?hv
        :: empty(buf) -> break
        od;
        lateMask = 0
    :: else -> skip
    fi;
    if                                          /* SlotCredit.terminatedLocked */
    :: creditSlots > 0 ->
        if
        :: !DRAINS -> creditSlots = 0           /* dropped: what comes under them is discarded */
        :: else -> skip
        fi;
        h_submit(T_WANTED, 0)
    :: else -> skip
    fi;
    fail_waiting();
    check_bound()
}

/* poison(byReader) */
inline ch_poison(byReader) {
    if
    :: term == T_NONE || term == T_WRETIRE || (byReader && DRAINS) ->
        if
        :: byReader -> terminate(T_RPOISON)
        :: else -> terminate(T_WPOISON)
        fi
    :: else -> skip
    fi
}

/* ChannelTermination.endLeft for a writer end that retired */
inline writer_end_left() {
    if
    :: !lEnd && !rwEnd && term == T_NONE -> terminate(T_WRETIRE)
    :: else -> skip
    fi
}

/* the local writer's write: putNow, or queued (then SlotCredits.askBack) */
inline ch_local_write() {
    if
    :: term != T_NONE -> lPhase = L_FAILED; printf("MSC: the local write fails\n")
    :: term == T_NONE && len(buf) == 0 && rWaiting ->
        hand_reader(LV); lPhase = L_WROTE; lDone = true
    :: term == T_NONE && !(len(buf) == 0 && rWaiting) && LOCAL_ROOM ->
        buf!LV; lPhase = L_WROTE; lDone = true; printf("MSC: the local writer buffers %d\n", LV);
        match_foreign()
    :: term == T_NONE && !(len(buf) == 0 && rWaiting) && !LOCAL_ROOM ->
        printf("MSC: the local writer waits for a slot\n");
        lWaiting = true; lFirst = false; lPhase = L_WAIT;   /* behind the foreign write, if it waits */
        match_foreign(); ask_credits_back()
    fi;
    check_bound()
}

/* the reader's read: takeNow, or queued */
inline ch_read() {
    if
    :: len(buf) > 0 -> from_buffer(hv); got(hv); refill(); match_foreign()
    :: len(buf) == 0 && term != T_NONE && READERS_DONE -> rPhase = R_OVER; rFailed = true;
        printf("MSC: the reader is told of the channel's end\n")
    :: else -> rWaiting = true; printf("MSC: the reader waits\n"); match_foreign()
    fi;
    check_bound()
}

/* Port.enroll of the foreign write (HostedChannels.offer) */
inline ch_offer_foreign() {
    if
    :: term != T_NONE -> h_submit(T_TERMINATED, term != T_WRETIRE)
    :: else ->
        fWaiting = true; lFirst = lWaiting;     /* behind the local writer, if it waits */
        match_foreign(); ask_credits_back()
    fi;
    check_bound()
}

/* SlotCredit.grant: free slots, none while a writer waits or once terminated; the share of
 * one credit is the whole capacity */
inline ch_grant(n) {
    if
    :: term != T_NONE || lWaiting || fWaiting || OCCUPIED >= C -> n = 0
    :: else -> n = C - OCCUPIED
    fi;
    creditSlots = creditSlots + n;
    check_bound()
}

/* SlotCredit.storeAll for one value */
inline ch_store_one(v) {
    if
    :: creditSlots > 0 -> creditSlots--
    :: else -> lateMask = lateMask | BIT(v)     /* its slot was released: beyond the capacity */
    fi;
    if
    :: term == T_NONE || DRAINS ->
        /* credit-drains: readers are told only once no slot is reserved, so a value stored
         * after they were told came under a released slot (a lapse: the known limit) */
        assert(!rFailed || (lateMask & BIT(v)));
#ifdef WITNESS
        if
        :: term == T_WPOISON -> afterTermMask = afterTermMask | BIT(v)
        :: else -> skip
        fi;
#endif
        assert(nfull(buf)); buf!v
    :: else -> printf("MSC: %d discarded (reader-side poison)\n", v)
    fi
}

/* SlotCredit.release (also close) */
inline ch_release() {
    creditSlots = 0; match_locked()
}

/* ---------------------------------------------------------------------------------------- */
/* Node 1, HomeSide and ForeignEnds                                                          */

/* ForeignEnds.grant */
inline h_grant(answerStore) {
    if
#ifdef BUG_CREDIT_WHILE_REVOKING
    :: lineExists && (lState == OPEN || lState == REVOKING) ->
#else
    :: lineExists && lState == OPEN ->
#endif
        ch_grant(hn);
        if
#ifdef BUG_STORE_UNANSWERED
        :: hn > 0 ->
#else
        :: hn > 0 || answerStore ->
#endif
            outstanding = outstanding + hn;
            if
            :: answerStore && hn == 0 -> WITNESSED(zeroCredit)
            :: else -> skip
            fi;
            to_writer(CREDIT, hn, lStored)
        :: else -> skip
        fi
    :: else -> skip                             /* a REVOKE was sent: it answers the STOREs */
    fi
}

/* ForeignEnds.stored */
inline h_stored(x, y) {
    hk = (y != 0 -> 2 : 1);
    assert(lineExists && outstanding >= hk);    /* credit-respected */
    outstanding = outstanding - hk;
    lStored = lStored + hk;
#ifdef BUG_LAPSED_STORES_DROPPED
    if
    :: lState == LAPSED -> printf("MSC: late STORE dropped\n"); goto stored_done
    :: else -> skip
    fi;
#endif
    ch_store_one(x);
    if
    :: y != 0 -> ch_store_one(y)
    :: else -> skip
    fi;
    match_locked();
    h_grant(true);
#ifdef BUG_LAPSED_STORES_DROPPED
stored_done:
#endif
    skip
}

inline h_receives(t, x, y) {
    printf("MSC: node 1 takes %e x=%d y=%d\n", t, x, y);
    if
    :: t == OFFER -> assert(!fKnown); fKnown = true; fValue = x; ch_offer_foreign()
    :: t == STORE -> h_stored(x, y)
    :: t == REVOKED ->                          /* ForeignEnds.creditReturned */
        assert(lineExists && lState != OPEN);   /* REVOKED answers a REVOKE only */
        if
        :: lState == REVOKING -> ch_release()
        :: else -> skip                         /* LAPSED: released already */
        fi;
        outstanding = 0; lState = OPEN
    :: t == RETIRE ->                           /* ForeignEnds.endAction, retire */
        assert(rwEnd);
        rwEnd = false;                          /* every STORE came before the RETIRE */
        lineExists = false; lState = OPEN; outstanding = 0; lStored = 0;
        ch_release();                           /* HostedChannels.retire: closeCredit */
        writer_end_left();
        to_writer(APPLIED, 0, 0)
    fi
}

inline h_task(task, arg) {
    if
    :: task == T_PROPOSED ->                    /* HomeSide.proposed: committed at the match */
        printf("MSC: node 1 runs proposed\n");
        assert(fKnown); fKnown = false; fValue = 0;
        h_grant(false);                         /* before the TAKEN */
        to_writer(TAKEN, 0, 0)
    :: task == T_WANTED ->                      /* ForeignEnds.creditWanted */
        printf("MSC: node 1 runs creditWanted\n");
        if
        :: lineExists && lState == OPEN && outstanding > 0 ->
            lState = REVOKING; to_writer(REVOKE, 0, 0)
        :: else -> skip
        fi
    :: task == T_TERMINATED ->                  /* HomeSide.terminated */
        printf("MSC: node 1 runs terminated\n");
        assert(fKnown); fKnown = false; fValue = 0;
        to_writer(TERMINATED, arg, 0)
    fi
}

/* ---------------------------------------------------------------------------------------- */
/* Node 0, RemoteSide, RemoteCredits and the binding                                         */

#define ANSWER_COMING (!takenBack && (handed > storedAtHome || flushSched || len(bq) > 0))
/* answerComing read field by field while a flush runs: false although one is coming */
#ifdef NO_RACY_READ
#define RACY_FALSE false
#else
#define RACY_FALSE (!takenBack && handed == storedAtHome && (flushSched || len(bq) > 0))
#endif

/* RemoteCredits.takeBackCredit, with WriteAheads.creditTakenBack */
inline take_back_credit() {
    if
    :: creditHeld ->
        creditHeld = false;
        if
        :: aheadExists -> takenBack = true; granted = granted - bSlots; bSlots = 0
        :: else -> skip
        fi
    :: else -> skip
    fi
}

/* RemoteCredits.afterStores */
inline after_stores() {
    if
    :: eStored >= granted ->
        if
        :: revokeOwed -> revokeOwed = false; to_home(REVOKED, 0, 0)
        :: else -> skip
        fi;
        eDraining = false;
        if
        :: retireAfter -> retireAfter = false; to_home(RETIRE, 0, 0)
        :: else -> skip
        fi
    :: else -> skip
    fi
}

/* RemoteCredits.store, from WriteAheads.hand */
inline w_store(x, y) {
    wk = (y != 0 -> 2 : 1);
    assert(eOpen || eDraining);
    assert(eStored + wk <= granted);            /* credit-respected (the Java throws) */
    eStored = eStored + wk;
    if
    :: revokeOwed -> WITNESSED(raceStored)         /* counted before the REVOKE, stored after it */
    :: else -> skip
    fi;
    to_home(STORE, x, y);
    after_stores();
    handed = handed + wk
}

/* WriteAheads.flush: everything queued, in one STORE or, split by the size limit, two */
inline w_flush() {
    flushSched = false;
    if
    :: len(bq) == 0 -> skip
    :: len(bq) == 1 -> bq?v1; w_store(v1, 0)
    :: len(bq) == 2 -> bq?v1; bq?v2;
        if
        :: w_store(v1, v2)
        :: w_store(v1, 0); w_store(v2, 0)
        fi
    fi
}

/* RemoteSide.retire of the write-ahead end, with RemoteCredits.retire */
inline w_retire() {
    eOpen = false;
    take_back_credit();
#ifdef BUG_RETIRE_BEFORE_STORES
    if
    :: eStored < granted -> eDraining = true
    :: else -> skip
    fi;
    to_home(RETIRE, 0, 0)
#else
    if
    :: eStored < granted ->                     /* writes counted are still to be handed */
        eDraining = true; retireAfter = true; WITNESSED(retireWaited)
    :: else -> to_home(RETIRE, 0, 0)
    fi
#endif
}

inline w_receives(t, x, y) {
    printf("MSC: node 0 takes %e x=%d y=%d\n", t, x, y);
    if
    :: t == CREDIT ->                           /* RemoteCredits.credited */
        if
        :: eOpen && !revokeOwed ->
            if
            :: x > 0 ->
                granted = granted + x; creditHeld = true;
                aheadExists = true; takenBack = false; bSlots = bSlots + x   /* credited */
            :: else -> skip
            fi;
            if
            :: aheadExists -> storedAtHome = y  /* storedAhead */
            :: else -> skip
            fi
        :: else -> skip   /* retired meanwhile, or between a REVOKE and its REVOKED: ignored */
        fi
    :: t == REVOKE ->                           /* RemoteCredits.revokeAsked */
        if
        :: eOpen ->
            take_back_credit();
#ifdef BUG_REVOKED_BEFORE_STORES
            to_home(REVOKED, 0, 0)
#else
            revokeOwed = true; after_stores()
#endif
        :: else -> skip                         /* retired: its RETIRE answers this */
        fi
    :: t == TAKEN ->
        assert(wPhase == W_OFFERED);
        wNext++; wPhase = W_WRITE;                /* completed */
        printf("MSC: write %d DONE\n", wNext - 1)
    :: t == TERMINATED ->
        assert(wPhase == W_OFFERED);
        wStopped = true; wPhase = W_WRITE;
        printf("MSC: write %d ends %d (1 POISONED, 0 RETIRED)\n", wNext, x)
    :: t == APPLIED ->
        assert(wPhase == W_RETIRING);
        wPhase = W_OVER;
        aheadExists = false; takenBack = false; handed = 0; storedAtHome = 0;   /* ahead.remove */
        granted = 0; eStored = 0                /* the End forgotten (nothing comes after APPLIED) */
    fi
}

/* the writer thread's write: a slot, else wait for the answer, else offer */
inline b_offer() {
    wPhase = W_OFFERED;                         /* the write of wNext */
    assert(nfull(wInbox)); wInbox!T_OFFER, wNext
}

inline b_write() {
    if
    :: aheadExists && bSlots > 0 ->
        bSlots--; assert(nfull(bq)); bq!wNext;
        printf("MSC: write %d ahead\n", wNext);
        wNext++;
        if
        :: !flushSched -> flushSched = true; assert(nfull(wInbox)); wInbox!T_FLUSH, 0
        :: else -> skip
        fi
    :: !(aheadExists && bSlots > 0) && aheadExists && ANSWER_COMING -> wPhase = W_AWAIT
    :: !(aheadExists && bSlots > 0) && aheadExists && RACY_FALSE -> b_offer()
    :: !(aheadExists && bSlots > 0) && !(aheadExists && ANSWER_COMING) -> b_offer()
    fi
}

/* ---------------------------------------------------------------------------------------- */

proctype Writer() {
    do
    :: atomic { wPhase == W_WRITE && wNext <= NW && !wStopped -> b_write() }
    :: atomic { wPhase == W_AWAIT && (bSlots > 0 || !ANSWER_COMING || RACY_FALSE) -> wPhase = W_WRITE }
    :: atomic { wPhase == W_WRITE && (wNext > NW || wStopped) -> wPhase = W_RETIRE }
    :: wPhase == W_OVER -> break
    od
}

/* Node 0's thread: its tasks, the home's frames, the retire, its peer timeout */
proctype WNode() {
end:
    do
    :: atomic { nempty(wInbox) -> wInbox?wTask, wArg;
        if
        :: wTask == T_FLUSH -> w_flush()
        :: wTask == T_OFFER -> to_home(OFFER, wArg, 0)
        fi }
    :: atomic { nempty(toW) -> toW?wT, wX, wY; w_receives(wT, wX, wY) }
    :: atomic { wPhase == W_RETIRE -> wPhase = W_RETIRING; w_retire() }
#ifndef NO_SILENCE
    :: atomic { silence == S_HOME && eOpen && creditHeld ->   /* RemoteCredits.tick */
        silence = S_NONE; printf("MSC: node 0's peer timeout: the slots taken back\n"); take_back_credit() }
#endif
    od
}

/* Node 1's thread: node 0's frames, its tasks, its peer timeout */
proctype Home() {
end:
    do
    :: atomic { nempty(toH) -> toH?hT, hX, hY; h_receives(hT, hX, hY) }
    :: atomic { nempty(hInbox) -> hInbox?hTask, hArg; h_task(hTask, hArg) }
#ifndef NO_SILENCE
    :: atomic { silence == S_WRITER && lineExists && outstanding > 0 && lState != LAPSED ->   /* ForeignEnds.tick */
        printf("MSC: node 1's peer timeout: the line lapses\n");
        silence = S_NONE;
        ch_release();
        if
        :: lState == OPEN -> to_writer(REVOKE, 0, 0)
        :: else -> skip
        fi;
        lState = LAPSED }
#endif
    od
}

proctype LocalWriter() {
    atomic { ch_local_write() };
    atomic { lPhase == L_WROTE || lPhase == L_FAILED };
    if
    :: atomic { lPhase == L_WROTE && ending == E_WPOISON ->
        printf("MSC: the local writer poisons\n"); ch_poison(false); lPhase = L_OVER }
    :: atomic { lPhase == L_WROTE && ending == E_WRETIRE ->
        printf("MSC: the local writer retires\n"); lEnd = false; writer_end_left(); lPhase = L_OVER }
    :: atomic { lPhase == L_WROTE && (ending == E_NONE || ending == E_RPOISON) -> lPhase = L_OVER }
    :: atomic { lPhase == L_FAILED -> lPhase = L_OVER }
    fi
}

proctype Reader() {
    do
    :: atomic { rPhase == R_READ && !rWaiting && !ALL_READ -> ch_read() }
    :: atomic { ending == E_RPOISON && rPhase == R_READ && !rWaiting && !ALL_READ ->
        printf("MSC: the reader poisons\n"); ch_poison(true); rPhase = R_OVER }
    :: atomic { rPhase == R_READ && ALL_READ -> rPhase = R_OVER }
    :: rPhase == R_OVER -> break
    od
}

/* a completed write was read, or the reader poisoned the channel, or it is stranded: stored
 * late into the buffer after the reader was told (the known limit; asserted in ch_store_one to
 * come after a lapse only) */
#define COMPLETED_READ(v) (v >= wNext || (readMask & BIT(v)) || term == T_RPOISON \
                           || (rFailed && (lateMask & BIT(v)) && buf??[v]))
#define ALL_OVER (wPhase == W_OVER && lPhase == L_OVER && rPhase == R_OVER && len(wInbox) == 0 \
                  && len(hInbox) == 0 && len(toH) == 0 && len(toW) == 0)

/* Once everything ended: no completed write lost, nothing left over */
proctype Outcomes() {
    atomic {
        ALL_OVER ->
        assert(COMPLETED_READ(1) && COMPLETED_READ(2) && COMPLETED_READ(3));
        assert(!lDone || (readMask & BIT(LV)) || term == T_RPOISON);
        assert(empty(bq) && !flushSched && !fKnown && !fWaiting && !lWaiting && !rWaiting);
        assert(!lineExists && !rwEnd && creditSlots == 0 && !eDraining && !retireAfter)
    }
}

ltl all_end { <> ALL_OVER }
/* Witnesses, which SPIN must refute: a write counted before a REVOKE is stored after it; a
 * STORE is answered with 0 slots; the reader drains a value stored after a writer-side
 * poison; a late STORE (after a lapse) is stored beyond the capacity; a retire's RETIRE
 * waits for the STOREs. */
ltl witness_counted_then_revoked { [] !raceStored }
ltl witness_zero_credit { [] !zeroCredit }
ltl witness_drain_after_poison { [] !drainedAfterPoison }
ltl witness_late_store { [] (lateMask == 0) }
ltl witness_retire_drains { [] !retireWaited }
ltl witness_stranded { [] !(rFailed && lateMask != 0) }

init {
    atomic {
#ifndef NO_SILENCE
        if
        :: ending = E_NONE
        :: ending = E_WPOISON
        :: ending = E_WRETIRE
        :: ending = E_RPOISON
        fi;
        if
        :: silence = S_NONE   /* first, so that a depth-first search finds a trail without silence */
        :: ending != E_RPOISON -> silence = S_WRITER
        :: ending != E_RPOISON -> silence = S_HOME
        fi;
#endif
        run Writer(); run WNode(); run Home(); run LocalWriter(); run Reader(); run Outcomes()
    }
}
