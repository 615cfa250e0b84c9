package dev.rsp.core.h2;

/**
 * One stream of an {@link H2Session} or an {@link H2ClientSession}, from the HEADERS that opened it (on the client side:
 * from {@link H2ClientSession#open}) until it closes: its state, its two flow-control windows and an attachment for
 * the connection glue (the stream's exchange), so that the glue keeps no map of its own. Created and changed by the
 * session only; the glue reads it and attaches. Loop thread only.
 */
public final class H2Stream {

    private final int id;
    private StreamState state;
    final SendWindow send;
    final ReceiveWindow receive;
    /**
     * Server side: a response HEADERS (interim ones included) was written, so a reset by the client no longer counts as
     * premature. Always false on the client side.
     */
    boolean responseStarted;
    /**
     * The listener knows the stream (its head was delivered, or answered 431; on the client side from its opening): it
     * hears of its reset.
     */
    boolean announced;
    /** Client side: the final (not 1xx) response head arrived; DATA may follow, and a HEADERS must be trailers. */
    boolean finalHead;
    private Object attachment;

    H2Stream(int id, int sendWindow, int receiveWindow) {
        this.id = id;
        this.state = StreamState.IDLE;
        this.send = new SendWindow(sendWindow);
        this.receive = new ReceiveWindow(receiveWindow);
    }

    public int id() {
        return id;
    }

    public StreamState state() {
        return state;
    }

    void state(StreamState s) {
        state = s;
    }

    /** What may be sent on this stream by its own window (the connection's applies too: see the session). */
    public long sendWindow() {
        return send.window();
    }

    public boolean responseStarted() {
        return responseStarted;
    }

    public Object attachment() {
        return attachment;
    }

    public void attach(Object o) {
        attachment = o;
    }

    @Override
    public String toString() {
        return "stream " + id + " " + state;
    }
}
