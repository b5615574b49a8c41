package dev.parley.protocol;

/**
 * The frame types and their one-byte codes on the wire. Codes are fixed forever within a
 * wire version; a new type takes a new code. Any thread may use this enum.
 */
public enum FrameType {
    HELLO(1, false),
    HELLO_ACK(2, false),
    HEARTBEAT(3, false),
    ACK(4, false),
    LOOKUP(10, true),
    LOOKUP_REPLY(11, true),
    OPEN_END(12, true),
    OFFER(20, true),
    PROPOSE(21, true),
    DELIVER(22, true),
    ACCEPT(23, true),
    DECLINE(24, true),
    TAKEN(25, true),
    WITHDRAW(26, true),
    WITHDRAWN(27, true),
    TERMINATED(28, true),
    ABORTED(29, true),
    POISON(30, true),
    RETIRE(31, true),
    APPLIED(32, true),
    RELEASE(33, true),
    CREDIT(34, true),
    STORE(35, true),
    REVOKE(36, true),
    REVOKED(37, true);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final boolean sequenced;

    FrameType(int code, boolean sequenced) {
        this.code = code;
        this.sequenced = sequenced;
    }

    /** @return the byte that stands for this type on the wire */
    public int code() {
        return code;
    }

    /**
     * @return true for the types the reliable layer numbers, retransmits and delivers in
     *     order exactly once; false for the session's own frames (handshake, heartbeat, ack)
     */
    public boolean sequenced() {
        return sequenced;
    }

    /** @return the type of a code, or null for an unknown code */
    static FrameType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
