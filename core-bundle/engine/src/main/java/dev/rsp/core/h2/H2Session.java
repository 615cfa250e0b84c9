package dev.rsp.core.h2;

import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The server side of one HTTP/2 connection without its socket (RFC 9113): bytes in, stream events out to an
 * {@link H2SessionListener}, frames out into the caller's buffer. It keeps the connection's state (settings, stream
 * states, flow-control windows, field-block assembly: a {@link SessionCore}, as the client side does) with the abuse
 * limits of {@link H2Limits}, and owes the client the control frames it queued (bounded; see {@link #writeControl}). The connection glue reads from the socket into a
 * window and calls {@link #onInput}; it writes {@link #writeControl} first, then responses with
 * {@link #writeHeaders} and {@link #writeData}, into its output buffer and flushes it. What each received frame does
 * is in {@link InboundFrames}.
 *
 * <p>Connection errors end the session: a GOAWAY is queued, every active stream is reported reset, and
 * {@link #onInput} answers {@link SessionProgress#CLOSE}. Stream errors reset one stream (RST_STREAM) and go on.
 *
 * <p>GOAWAY: {@link #goAway}{@code (true)} drains as §6.8 suggests: a GOAWAY naming 2^31-1 (NO_ERROR) and a PING;
 * when its ACK returns, every stream the client opened before it saw the first GOAWAY has arrived, and a second
 * GOAWAY names the last stream processed. Streams above it are ignored (their field blocks still decoded for the
 * HPACK table). {@code goAway(false)} sends the final GOAWAY at once. Either way the active streams finish;
 * {@link #finished()} says when the connection may close. Loop thread only.
 */
public final class H2Session implements H2Sender {


    /** The payload of the PING that times the graceful drain: "rspdrain". */
    static final long DRAIN_PING = 0x7273_7064_7261_696eL;

    enum GoAway { NONE, ANNOUNCED, SENT }

    final H2Limits limits;
    final HeaderBlockDecoder decoder;
    final H2SessionListener listener;
    /** The connection's state and the frames both sides handle alike; this class adds the server's rules. */
    final SessionCore core;
    private final InboundFrames inbound;
    GoAway goAway = GoAway.NONE;
    int goAwayLastId;
    int streamsOpened;
    int newStreamsThisRead;
    int prematureResets;

    /**
     * Queues rsp's SETTINGS (MAX_CONCURRENT_STREAMS, ENABLE_PUSH 0, INITIAL_WINDOW_SIZE when not the default) and the
     * connection window's WINDOW_UPDATE: the glue writes them ({@link #writeControl}) before anything else.
     *
     * @param counters where limit hits and errors are counted ({@code ProxyCounters::count})
     */
    public H2Session(H2Limits limits, HeaderBlockDecoder decoder, H2SessionListener listener, Consumer<Counter> counters) {
        this.limits = limits;
        this.decoder = decoder;
        this.listener = listener;
        this.core = new SessionCore(limits, true, listener, SessionCounters.SERVER, counters);
        this.inbound = new InboundFrames(this);
        core.local.set(Settings.MAX_CONCURRENT_STREAMS, limits.maxConcurrentStreams());
        core.queueOpening();
    }

    // ---------------------------------------------------------------- input

    /**
     * Reads the frames in {@code window} (from the client preface on), calling the listener as they complete; advances
     * the window's position over what it used. Call once per socket read: the new-streams-per-read bound counts per
     * read, a call after BLOCKED continuing the read before it.
     */
    public SessionProgress onInput(ByteBuffer window) {
        if (!core.resumesBlockedRead()) {
            newStreamsThisRead = 0;
        }
        return core.read(window, inbound);
    }

    /** True while a field block has begun and not ended (the glue's header timeout runs meanwhile). */
    public boolean headerBlockInProgress() {
        return core.block.inProgress();
    }

    /**
     * Request body bytes delivered by {@code onData} were consumed by the backend side, or dropped (also after the
     * stream ended): gives the client credit back when the policy of {@link ReceiveWindow} says so.
     */
    public void consumed(H2Stream stream, int bytes) {
        core.consumed(stream, bytes);
    }

    // ---------------------------------------------------------------- output

    @Override
    public boolean hasControlOutput() {
        return core.hasControlOutput();
    }

    /** Writes the queued control frames that fit into {@code out}, in order; true when none is left. */
    @Override
    public boolean writeControl(ByteBuffer out) {
        return core.writeControl(out);
    }

    /** DATA bytes the stream may send now: the smaller of its window and the connection's, at least 0. */
    @Override
    public int sendable(H2Stream stream) {
        return core.sendable(stream);
    }

    /**
     * Writes a response field block (HPACK-encoded by the glue, consumed from {@code fieldBlock}) as HEADERS and
     * CONTINUATION frames within the client's MAX_FRAME_SIZE: the response head, an interim 1xx head, or trailers
     * ({@code endStream}). False, with nothing written, when {@code out} lacks room.
     *
     * @throws IllegalStateException when the stream can no longer send (the glue was told by {@code onReset})
     */
    @Override
    public boolean writeHeaders(H2Stream stream, ByteBuffer fieldBlock, boolean endStream, ByteBuffer out) {
        requireSending(stream);
        if (!FrameWriter.headers(out, stream.id(), fieldBlock, endStream, core.peer.maxFrameSize())) {
            return false;
        }
        stream.responseStarted = true;
        if (endStream) {
            core.localEnd(stream);
        }
        return true;
    }

    /**
     * Writes what it can of {@code src} as DATA frames: within the flow-control windows, the client's MAX_FRAME_SIZE
     * and the room in {@code out}. With {@code endStream}, the frame that takes the last byte of {@code src} (an
     * empty frame when {@code src} is empty) ends the stream; the stream's state tells whether that happened.
     *
     * @return the bytes of {@code src} taken
     * @throws IllegalStateException when the stream can no longer send
     */
    @Override
    public int writeData(H2Stream stream, ByteBuffer src, boolean endStream, ByteBuffer out) {
        requireSending(stream);
        int taken = 0;
        for (int n; stream.state().weMaySend() && (n = core.dataFrame(stream, src, endStream, out)) >= 0; ) {
            taken += n;
        }
        return taken;
    }

    /** The glue resets a stream (a broken backend, an early response with the request still coming: NO_ERROR). */
    public void reset(H2Stream stream, ErrorCode code) {
        if (!core.failed && stream.state() != StreamState.CLOSED) {
            core.reset(stream, code);
        }
    }

    /** Starts (graceful) or completes the drain; see the class comment. Idempotent. */
    public void goAway(boolean graceful) {
        if (core.failed || goAway == GoAway.SENT) {
            return;
        }
        if (graceful && goAway == GoAway.NONE) {
            goAway = GoAway.ANNOUNCED;
            core.queue(ControlQueue.GOAWAY, Integer.MAX_VALUE, ErrorCode.NO_ERROR.code());
            core.queue(ControlQueue.PING, 0, DRAIN_PING);
        } else {
            finalGoAway();
        }
    }

    /** The final GOAWAY is queued (or the session failed) and no stream is active: close once output is flushed. */
    public boolean finished() {
        return (core.failed || goAway == GoAway.SENT) && core.streams.size() == 0;
    }

    /** The connection error that ended the session; NO_ERROR while it has not. */
    public ErrorCode failure() {
        return core.failure();
    }

    public int activeStreams() {
        return core.streams.size();
    }

    /** The active stream {@code id}, or null (tests; the glue keeps what the listener gave it). */
    H2Stream stream(int id) {
        return core.streams.get(id);
    }

    /** The client's settings as they stand. */
    @Override
    public Settings peerSettings() {
        return core.peer;
    }

    // ---------------------------------------------------------------- shared with InboundFrames

    void finalGoAway() {
        goAway = GoAway.SENT;
        goAwayLastId = core.lastPeerStream;
        core.queue(ControlQueue.GOAWAY, goAwayLastId, ErrorCode.NO_ERROR.code());
    }

    /** What an identifier without an active stream is; streams above a final GOAWAY's last one are ignored. */
    StreamTable.Idle idle(int id) {
        StreamTable.Idle kind = core.streams.classify(id);
        boolean ignored = kind != StreamTable.Idle.INVALID && kind != StreamTable.Idle.NEW && goAway == GoAway.SENT
                && id > goAwayLastId;
        return ignored ? StreamTable.Idle.IGNORED : kind;
    }

    private void requireSending(H2Stream stream) {
        if (core.failed || !stream.state().weMaySend()) {
            throw new IllegalStateException("cannot send on " + stream);
        }
    }
}
