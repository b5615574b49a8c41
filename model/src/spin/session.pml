/*
 * session.pml: dev.parley.protocol.Session between two nodes, 0 and 1, and the network
 * between them. Included by every model; see docs/SPIN.md for the mapping onto the Java.
 *
 * A model defines, before it includes this file:
 *   inline on_delivered(n, t, x, y, z)   a sequenced body reached node n in order, once
 *                                        (Session.Listener.delivered)
 *   inline on_peer_restarted(n)          node n adopted a new incarnation of its peer
 *                                        (Session.Listener.peerRestarted; the one
 *                                        replaced is in aOld)
 * and it runs Link(n) for each node (sess_start), its own processes for the
 * operation layer, and Network().
 *
 * Every node step is one atomic sequence: a ProtocolNode is called by one thread at a time
 * (invariant no-reentry), so nothing interleaves inside a call.
 *
 * Switches (spin -DNAME): BUG_ONE_BIT_SEQ (sequence numbers wrap at 2 on the wire),
 * BUG_NO_DEDUP (a frame at or below the delivered mark is delivered again),
 * BUG_ACK_EARLY (the cumulative ack counts frames kept out of order: breaks
 * ack-means-delivered), BUG_NO_RETRANSMIT (the retransmission timer never fires),
 * BUG_ACK_FROM_OLD_INCARNATION (SeededBug.ACK_FROM_OLD_INCARNATION: frames addressed to an
 * earlier incarnation of this node are taken, with their acks and their bodies),
 * BUG_ADOPT_ANY_INCARNATION (the rule before the fix: any incarnation of the peer that this
 * session has not itself replaced is adopted, older ones included; only those it replaced
 * are quarantined, in the set quar);
 * HEARTBEATS (Session.tick's heartbeat, off unless a model needs it).
 *
 * Incarnation ids are ordered by start (Incarnations): a session adopts only a greater one,
 * and every one below the current is quarantined (invariant newer-incarnation-only). A node
 * restarts with sess_restart (a new ProtocolNode: its sessions are gone) and a greater id;
 * frames in flight to and from its old incarnation stay on the wires.
 */

#ifndef K
#define K 3            /* slots for unacked frames and for frames kept early (windows) */
#endif
#ifndef CAP
#define CAP 5          /* frames a wire holds; a frame sent to a full wire is lost */
#endif
#ifndef MAXDROP
#define MAXDROP 1      /* frames the network may drop in the whole run */
#endif
#ifndef MAXDUP
#define MAXDUP 1       /* frames it may duplicate */
#endif
#ifndef MAXREORDER
#define MAXREORDER 1   /* frames it may move behind the others */
#endif
#ifdef BUG_ONE_BIT_SEQ
#define SEQMOD 2
#else
#define SEQMOD 64      /* wider than any sequence number reached in a model: does not wrap */
#endif

/* FrameType (the codes of the Java enum are on the wire; here only names matter). */
mtype = { HELLO, HELLO_ACK, HEARTBEAT, ACK, OPEN_END, OFFER, PROPOSE, DELIVER, ACCEPT,
          DECLINE, TAKEN, WITHDRAW, WITHDRAWN, TERMINATED, ABORTED, POISON, RETIRE };
/* Session.State */
mtype = { NEW, HANDSHAKING, ESTABLISHED };

/*
 * A frame: type, from (sender's incarnation), to (the incarnation the sender believes the
 * receiver has), seq (0: unsequenced; else the wire form of the sequence number), ack
 * (cumulative), and the body's fields x, y, z (opId/endId, proposalId/value/result, ...).
 * wire[n] carries the frames node n sent; node 1-n takes them from its head.
 */
chan wire[2] = [CAP] of { mtype, byte, byte, byte, byte, byte, byte, byte };

mtype sst[2];              /* Session.state */
byte inc[2];               /* ProtocolNode.incarnation (never 0) */
byte peerInc[2];           /* Session.peerIncarnation (0: not known yet) */
#ifdef BUG_ADOPT_ANY_INCARNATION
byte quar[2];              /* the old Session.quarantined: a bit set of the incarnations replaced */
#define QUARANTINED(n, i) ((quar[n] & (1 << (i))) != 0)
#else
#define QUARANTINED(n, i) ((i) < peerInc[n])   /* every incarnation below the current one */
#endif
byte nextSeq[2];           /* Session.nextSeq */
byte una[2];               /* seq of the oldest entry of Session.outbound */
byte sent[2];              /* entries of outbound below this seq were transmitted */
byte delivered[2];         /* Session.delivered */
bool ackOwed[2];           /* Session.ackOwed */
mtype obT[2 * K];          /* Session.outbound: body of seq s at [n*K + s%K] */
byte obX[2 * K]; byte obY[2 * K]; byte obZ[2 * K];
byte eaSeq[2 * K];         /* Session.early: seq kept at [n*K + s%K], 0 when empty */
mtype eaT[2 * K];
byte eaX[2 * K]; byte eaY[2 * K]; byte eaZ[2 * K];

byte drops; byte dups; byte reorders;

/* Scratch, hidden from the state vector: only ever read within the atomic step that wrote it. */
hidden mtype fT; hidden byte fFrom, fTo, fSeq, fAck, fX, fY, fZ;  /* the frame received */
hidden mtype dT; hidden byte dX, dY, dZ;                           /* the body delivered */
hidden byte sSlot, tS, tSlot, aOld, rSlot; hidden int rFull;
hidden byte aAdv;

#define WSEQ(s) ((((s) - 1) % SEQMOD) + 1)
#define QUIET (empty(wire[0]) && empty(wire[1]))   /* nothing in flight either way */
#define IN_FLIGHT (nempty(wire[0]) || nempty(wire[1]))   /* !QUIET, which Promela does not allow */
#define SLOT(n, s) ((n) * K + ((s) % K))
#ifdef BUG_ACK_FROM_OLD_INCARNATION
#define STALE_ACCEPTED 1
#else
#define STALE_ACCEPTED 0
#endif

/* The cumulative ack this node sends: Session.delivered, or with BUG_ACK_EARLY also the
 * frames it keeps early (ack-means-delivered broken). */
#ifdef BUG_ACK_EARLY
#define ACK_OF(n) (delivered[n] + (eaSeq[SLOT(n, delivered[n] + 2)] == delivered[n] + 2 -> 2 : 0))
#else
#define ACK_OF(n) delivered[n]
#endif

inline emit(n, t, sq, x, y, z) {
    if
    :: nfull(wire[n]) -> wire[n]!t, inc[n], peerInc[n], sq, ACK_OF(n), x, y, z;
        printf("MSC: node %d sends %e from=%d to=%d seq=%d ack=%d x=%d y=%d z=%d\n", n, t, inc[n], peerInc[n], sq, ACK_OF(n), x, y, z)
    :: full(wire[n]) -> printf("MSC: node %d: wire full, %e lost\n", n, t)   /* the network lost it; retransmission repairs a sequenced one */
    fi;
    ackOwed[n] = false         /* every frame carries the cumulative ack */
}

inline emit_control(n, t) {
    emit(n, t, 0, 0, 0, 0)
}

inline transmit(n, s) {
    tSlot = SLOT(n, s);
    emit(n, obT[tSlot], WSEQ(s), obX[tSlot], obY[tSlot], obZ[tSlot])
}

/* Session.transmitUnsent */
inline transmit_unsent(n) {
    do
    :: sent[n] < nextSeq[n] -> transmit(n, sent[n]); sent[n]++
    :: else -> break
    od
}

/* Session.maybeHello, called on a frame from an unknown life of the peer, and on a send
 * before the handshake: the Java resends HELLO only if its backoff allows. The backoff, like
 * the RTO, is taken to exceed a round trip: so no HELLO while one of this node's is still
 * on the wire; else it may or may not go while frames are in flight, and must once both
 * wires are empty. */
inline maybe_hello(n) {
    if
    :: wire[n]??[eval(HELLO), _, _, _, _, _, _, _] -> skip
    :: else ->
        if
        :: emit_control(n, HELLO)
        :: IN_FLIGHT -> skip
        fi
    fi
}

/* Session.send: queue, and transmit when established. */
inline sess_send(n, t, x, y, z) {
    assert(nextSeq[n] - una[n] < K);   /* model bound: raise K if this fails */
    sSlot = SLOT(n, nextSeq[n]);
    obT[sSlot] = t; obX[sSlot] = x; obY[sSlot] = y; obZ[sSlot] = z;
    nextSeq[n]++;
    if
    :: sst[n] == NEW -> sst[n] = HANDSHAKING
    :: else -> skip
    fi;
    if
    :: sst[n] == ESTABLISHED -> transmit_unsent(n)
    :: else -> maybe_hello(n)
    fi
}

/* Session.acknowledged */
inline acknowledged(n, a) {
    aAdv = 0;
    do
    :: una[n] < sent[n] && una[n] <= a ->
        sSlot = SLOT(n, una[n]); obT[sSlot] = 0; obX[sSlot] = 0; obY[sSlot] = 0; obZ[sSlot] = 0;
        una[n]++; aAdv = 1
    :: else -> break
    od;
    if
    :: aAdv != 0 -> transmit_unsent(n)
    :: else -> skip
    fi
}

inline clear_session_data(n) {
    tS = 0;
    do
    :: tS < K ->
        obT[n * K + tS] = 0; obX[n * K + tS] = 0; obY[n * K + tS] = 0; obZ[n * K + tS] = 0;
        eaSeq[n * K + tS] = 0; eaT[n * K + tS] = 0; eaX[n * K + tS] = 0; eaY[n * K + tS] = 0;
        eaZ[n * K + tS] = 0; tS++
    :: else -> break
    od
}

/* Session.adopt: newInc is greater than peerInc[n] (with BUG_ADOPT_ANY_INCARNATION, only
 * other than it) */
inline adopt(n, newInc) {
    aOld = peerInc[n];
#ifdef BUG_ADOPT_ANY_INCARNATION
    if
    :: aOld != 0 -> quar[n] = quar[n] | (1 << aOld)
    :: else -> skip
    fi;
#endif
    peerInc[n] = newInc;
    sst[n] = HANDSHAKING;
    if
    :: aOld != 0 ->
        nextSeq[n] = 1; una[n] = 1; sent[n] = 1; delivered[n] = 0; ackOwed[n] = false;
        clear_session_data(n);
        on_peer_restarted(n)
    :: else -> skip
    fi;
    skip
}

inline deliver_slot(n, slot) {
    dT = eaT[slot]; dX = eaX[slot]; dY = eaY[slot]; dZ = eaZ[slot];
    eaSeq[slot] = 0; eaT[slot] = 0; eaX[slot] = 0; eaY[slot] = 0; eaZ[slot] = 0;
    delivered[n]++;
    printf("MSC: node %d delivers %e x=%d y=%d z=%d (seq %d)\n", n, dT, dX, dY, dZ, delivered[n]);
    on_delivered(n, dT, dX, dY, dZ)
}

/* Session.receiveSequenced; the wire seq is read back as the number nearest the next
 * expected one (serial-number arithmetic modulo SEQMOD). */
inline receive_sequenced(n) {
    rFull = (fSeq - 1 - delivered[n] + 4 * SEQMOD) % SEQMOD;
    if
    :: rFull >= SEQMOD / 2 -> rFull = rFull - SEQMOD
    :: else -> skip
    fi;
    rFull = delivered[n] + 1 + rFull;
    rSlot = SLOT(n, rFull);
    if
    :: rFull <= delivered[n] || eaSeq[rSlot] == rFull ->
#ifdef BUG_NO_DEDUP
        if
        :: rFull <= delivered[n] -> on_delivered(n, fT, fX, fY, fZ)
        :: else -> skip
        fi;
#endif
        ackOwed[n] = true          /* DUPLICATES_DROPPED; our ack may have been lost */
    :: rFull > delivered[n] + K -> skip   /* BEYOND_WINDOW */
    :: else ->
        ackOwed[n] = true;
        eaSeq[rSlot] = rFull; eaT[rSlot] = fT; eaX[rSlot] = fX; eaY[rSlot] = fY; eaZ[rSlot] = fZ;
        do
        :: eaSeq[SLOT(n, delivered[n] + 1)] == delivered[n] + 1 -> deliver_slot(n, SLOT(n, delivered[n] + 1))
        :: else -> break
        od
    fi;
    skip
}


/* Session.receive, then ProtocolNode.receive's flushAck. */
inline sess_receive(n) {
    wire[1 - n]?fT, fFrom, fTo, fSeq, fAck, fX, fY, fZ;
    printf("MSC: node %d takes %e from=%d to=%d seq=%d ack=%d x=%d y=%d z=%d\n", n, fT, fFrom, fTo, fSeq, fAck, fX, fY, fZ);
    if
    :: QUARANTINED(n, fFrom) -> skip                                 /* QUARANTINED */
    :: else ->
        if
        :: fT != HELLO && fTo != inc[n] && !STALE_ACCEPTED -> maybe_hello(n)   /* STALE_INCARNATION */
        :: fT != HELLO && fT != HELLO_ACK && (fTo == inc[n] || STALE_ACCEPTED) && fFrom != peerInc[n] ->
            maybe_hello(n)                                           /* UNKNOWN_INCARNATION */
        :: else ->
            if
            :: fFrom != peerInc[n] -> adopt(n, fFrom)
            :: else -> skip
            fi;
            if
            :: fTo == inc[n] && sst[n] != ESTABLISHED -> sst[n] = ESTABLISHED; transmit_unsent(n)
            :: else -> skip
            fi;
            if
            :: fTo == inc[n] || STALE_ACCEPTED -> acknowledged(n, fAck)
            :: else -> skip
            fi;
            if
            :: fT == HELLO -> emit_control(n, HELLO_ACK)
            :: fT == HELLO_ACK || fT == HEARTBEAT || fT == ACK -> skip
            :: else -> receive_sequenced(n)
            fi
        fi
    fi;
    if
    :: ackOwed[n] && sst[n] == ESTABLISHED -> emit_control(n, ACK)  /* Session.flushAck */
    :: else -> skip
    fi;
    skip
}

/*
 * Session.tick. The retransmission timeout (and HELLO's) fires only once both wires are
 * empty, everything in flight having been taken or lost: the RTO is longer than a round
 * trip. (Spurious retransmissions are covered by the network's duplicates.) A heartbeat
 * goes out when the wires are quiet and nothing waits for an ack (with HEARTBEATS only),
 * and not while the peer's retransmission or HELLO is due: the heartbeat interval is longer
 * than the RTO (else two idle-looking nodes could trade heartbeats for ever in front of a
 * retransmission that never finds the wires quiet).
 */
#define RESEND_DUE(m) ((sst[m] == ESTABLISHED && una[m] < sent[m]) || sst[m] == HANDSHAKING)
inline sess_tick(n) {
    atomic {
        if
#ifndef BUG_NO_RETRANSMIT
        :: sst[n] == ESTABLISHED && una[n] < sent[n] && QUIET ->
            tS = una[n];
            do
            :: tS < sent[n] -> transmit(n, tS); tS++
            :: else -> break
            od
#endif
        :: sst[n] == HANDSHAKING && QUIET -> emit_control(n, HELLO)
#ifdef HEARTBEATS
        :: sst[n] == ESTABLISHED && una[n] == sent[n] && QUIET && !RESEND_DUE(1 - n) ->
            emit_control(n, HEARTBEAT)
#endif
        fi
    }
}

/* Starts the session processes and the network. */
inline sess_start() {
    run Link(0); run Link(1); run Network()
}

/* Starts both sessions established (models without restarts): incarnations 1 and 2. */
inline sess_init_established() {
    inc[0] = 1; inc[1] = 2; peerInc[0] = 2; peerInc[1] = 1;
    sst[0] = ESTABLISHED; sst[1] = ESTABLISHED;
    nextSeq[0] = 1; nextSeq[1] = 1; una[0] = 1; una[1] = 1; sent[0] = 1; sent[1] = 1
}

/* A new incarnation newInc of node n (a new ProtocolNode: no session, no quarantine; the
 * peer's session and the wires are untouched). */
inline sess_restart(n, newInc) {
    assert(newInc > inc[n]);   /* Incarnations.after: a later start has a greater id */
    inc[n] = newInc; sst[n] = NEW; peerInc[n] = 0;
#ifdef BUG_ADOPT_ANY_INCARNATION
    quar[n] = 0;
#endif
    nextSeq[n] = 1; una[n] = 1; sent[n] = 1; delivered[n] = 0; ackOwed[n] = false;
    clear_session_data(n);
    printf("MSC: node %d restarts as incarnation %d\n", n, newInc)
}

/* The network: drops, duplicates and reorders frames on either wire, within budgets. */
inline net_fault(n) {
    atomic {
        if
        :: drops < MAXDROP && nempty(wire[n]) ->
            wire[n]?fT, fFrom, fTo, fSeq, fAck, fX, fY, fZ; drops++;
            printf("MSC: network drops %e seq=%d from node %d\n", fT, fSeq, n)
        :: dups < MAXDUP && nempty(wire[n]) && nfull(wire[n]) ->
            wire[n]?<fT, fFrom, fTo, fSeq, fAck, fX, fY, fZ>; wire[n]!fT, fFrom, fTo, fSeq, fAck, fX, fY, fZ; dups++;
            printf("MSC: network duplicates %e seq=%d from node %d\n", fT, fSeq, n)
        :: reorders < MAXREORDER && len(wire[n]) >= 2 ->
            wire[n]?fT, fFrom, fTo, fSeq, fAck, fX, fY, fZ; wire[n]!fT, fFrom, fTo, fSeq, fAck, fX, fY, fZ; reorders++;
            printf("MSC: network moves %e seq=%d from node %d behind the others\n", fT, fSeq, n)
        fi
    }
}

/* A node's session: frames in and timers, each step one atomic node call. */
proctype Link(byte n) {
end:
    do
    :: atomic { nempty(wire[1 - n]) -> sess_receive(n) }
    :: sess_tick(n)
    od
}

proctype Network() {
end:
    do
    :: net_fault(0)
    :: net_fault(1)
    od
}
