package dev.parley.protocol;

/** What the two sides of the operation layer need from their node: sessions and settings. */
interface Links {

    /** Sends a body reliably and in order to {@code peer}, opening a session if there is none. */
    void send(String peer, Frame.Body body, long nowNs);

    /** @return the session with {@code peer}, opened if there is none */
    Session session(String peer, long nowNs);

    ProtocolConfig config();

    Counters counters();

    /** @return true when {@code bug} is switched on (verification only) */
    boolean bug(SeededBug bug);
}
