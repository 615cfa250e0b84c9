package dev.rsp.core.h2;

import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client side of one HTTP/2 connection without its socket (RFC 9113): rsp towards a backend that speaks h2c, one
 * stream per proxied exchange. Bytes in, stream events out to an {@link H2ClientListener}, frames out into the caller's
 * buffer. The connection's state is a {@link SessionCore}, as on the server side; this class adds the client's rules:
 * it opens the streams (odd identifiers, in order), the peer pushes nothing (ENABLE_PUSH 0), HEADERS are response heads
 * or trailers, and a GOAWAY refuses the streams above its last one. What each received frame does is in
 * {@link ClientInboundFrames}.
 *
 * <p>How the glue drives it: write {@link #writeControl} first (the preface, our SETTINGS, the connection window) and
 * after every {@link #onInput}. For a request: {@link #canOpen}, {@link #open}, {@link #writeHeaders} at once (streams
 * go on the wire in the order they were opened), then the body with {@link #writeData} as {@link #sendable} allows,
 * waiting for {@code onSendWindowOpened}/{@code onSendWindowsOpened} when it is 0. Response bytes delivered by
 * {@code onData} go back through {@link #consumed}. Close the socket once {@link #finished()} and the output is
 * flushed, or at {@link SessionProgress#CLOSE}.
 *
 * <p>Connection errors end the session: GOAWAY (last stream 0: the server opens no streams here) is queued, every
 * active stream is reported reset, and {@link #onInput} answers {@link SessionProgress#CLOSE}. Stream errors reset one
 * stream (RST_STREAM) and go on. Loop thread only.
 */
public final class H2ClientSession implements H2Sender {


    /** MAX_CONCURRENT_STREAMS assumed until the server's SETTINGS say otherwise (RFC 9113 §6.5.2 suggests 100). */
    static final int CONCURRENCY_BEFORE_SETTINGS = 100;

    final H2ClientLimits limits;
    final HeaderBlockDecoder decoder;
    final H2ClientListener listener;
    final SessionCore core;
    private final ClientInboundFrames inbound;
    /** The identifier {@link #open} gives next; past 2^31-1 (negative) none is left. */
    private int nextStreamId = 1;
    /** The highest stream whose first HEADERS was written: a lower idle one can no longer be (§5.1.1). */
    private int lastStarted;
    boolean peerSettingsReceived;
    boolean goAwaySent;
    boolean goAwayReceived;
    /** The lowest last stream of the GOAWAYs received. */
    int goAwayLastId = Integer.MAX_VALUE;

    /**
     * Queues the client preface, our SETTINGS (ENABLE_PUSH 0, INITIAL_WINDOW_SIZE when not the default) and the
     * connection window's WINDOW_UPDATE: the glue writes them ({@link #writeControl}) before anything else.
     *
     * @param decoder  decodes every response field block in order (the glue's, around its HPACK decoder)
     * @param counters where limit hits and errors are counted ({@code ProxyCounters::count}), on {@code h2.backend.*}
     */
    public H2ClientSession(H2ClientLimits limits, HeaderBlockDecoder decoder, H2ClientListener listener,
            Consumer<Counter> counters) {
        this.limits = limits;
        this.decoder = decoder;
        this.listener = listener;
        this.core = new SessionCore(limits, false, listener, SessionCounters.CLIENT, counters);
        this.inbound = new ClientInboundFrames(this);
        core.queue(ControlQueue.PREFACE, 0, 0);
        core.queueOpening();
    }

    // ---------------------------------------------------------------- input

    /**
     * Reads the frames in {@code window} (from the server's SETTINGS on), calling the listener as they complete;
     * advances the window's position over what it used.
     */
    public SessionProgress onInput(ByteBuffer window) {
        return core.read(window, inbound);
    }

    /** True while a response field block has begun and not ended (a timer of the glue's may run meanwhile). */
    public boolean headerBlockInProgress() {
        return core.block.inProgress();
    }

    /**
     * Response body bytes delivered by {@code onData} were consumed by the client side, or dropped: WINDOW_UPDATEs for
     * the stream and the connection are queued once half of a window was consumed ({@link ReceiveWindow}). Bytes of a
     * stream already closed or reset still give the connection its credit back.
     */
    public void consumed(H2Stream stream, int bytes) {
        core.consumed(stream, bytes);
    }

    // ---------------------------------------------------------------- streams

    /**
     * True when a new stream may be opened now: the session has not failed, no GOAWAY was sent or received, stream
     * identifiers are left, and fewer streams are active (opened ones not yet sent included) than both our
     * {@code maxConcurrentStreams} and the server's MAX_CONCURRENT_STREAMS (100 until its SETTINGS arrive).
     */
    public boolean canOpen() {
        long peerLimit = peerSettingsReceived ? core.peer.maxConcurrentStreams() : CONCURRENCY_BEFORE_SETTINGS;
        return !core.failed && !goAwaySent && !goAwayReceived && nextStreamId > 0
                && core.streams.size() < Math.min(peerLimit, limits.maxConcurrentStreams());
    }

    /**
     * A new stream with the next odd identifier, IDLE until {@link #writeHeaders} writes its request head, which the
     * glue does next: a stream whose head is written after a later-opened one's can no longer be started. Counts as
     * active from now on.
     *
     * @throws IllegalStateException when {@link #canOpen()} is false
     */
    public H2Stream open() {
        if (!canOpen()) {
            throw new IllegalStateException("cannot open a stream now");
        }
        int id = nextStreamId;
        nextStreamId += 2;
        H2Stream stream = new H2Stream(id, core.peer.initialWindowSize(), core.streamReceiveWindow);
        stream.announced = true;
        core.streams.add(stream);
        core.streams.used(id);
        return stream;
    }

    /**
     * Writes a field block (HPACK-encoded by the glue, consumed from {@code fieldBlock}) as HEADERS and CONTINUATION
     * frames within the server's MAX_FRAME_SIZE: the request head of an IDLE stream (which opens it; {@code endStream}
     * when there is no body), or trailers ({@code endStream} true). False, with nothing written, when {@code out}
     * lacks room for the whole block.
     *
     * @throws IllegalStateException when the stream can no longer send, or an idle stream was overtaken by a later
     *                               one (see {@link #open}), or trailers without {@code endStream}
     */
    @Override
    public boolean writeHeaders(H2Stream stream, ByteBuffer fieldBlock, boolean endStream, ByteBuffer out) {
        boolean head = stream.state() == StreamState.IDLE;
        if (core.failed || !head && !stream.state().weMaySend()) {
            throw new IllegalStateException("cannot send on " + stream);
        }
        if (head && stream.id() < lastStarted) {
            throw new IllegalStateException(stream + " overtaken by stream " + lastStarted);
        }
        if (!head && !endStream) {
            throw new IllegalStateException("trailers must end " + stream);
        }
        if (!FrameWriter.headers(out, stream.id(), fieldBlock, endStream, core.peer.maxFrameSize())) {
            return false;
        }
        if (head) {
            stream.state(StreamState.OPEN);
            lastStarted = stream.id();
        }
        if (endStream) {
            core.localEnd(stream);
        }
        return true;
    }

    /** DATA bytes the stream may send in one frame now: its window, the connection's, the server's MAX_FRAME_SIZE. */
    @Override
    public int sendable(H2Stream stream) {
        return Math.min(core.sendable(stream), core.peer.maxFrameSize());
    }

    /**
     * Writes one DATA frame of {@code src}'s next bytes: as many as {@link #sendable} and the room in {@code out}
     * allow. With {@code endStream}, the frame ends the stream if it takes all of {@code src} (an empty frame when
     * {@code src} is empty); the stream's state tells whether that happened (no longer {@code weMaySend()}).
     *
     * @return the bytes of {@code src} taken (0 also for an empty frame that ended the stream)
     * @throws IllegalStateException when the stream's head was not written or it can no longer send
     */
    @Override
    public int writeData(H2Stream stream, ByteBuffer src, boolean endStream, ByteBuffer out) {
        if (core.failed || stream.state() == StreamState.IDLE || !stream.state().weMaySend()) {
            throw new IllegalStateException("cannot send DATA on " + stream);
        }
        return Math.max(0, core.dataFrame(stream, src, endStream, out));
    }

    /**
     * The glue gives up a stream (the client went away, a malformed response: PROTOCOL_ERROR, a response no longer
     * wanted: CANCEL): RST_STREAM is queued and the stream closed, without an {@code onReset}. A stream whose head was
     * not written yet is only forgotten (RST_STREAM on an idle stream would be the server's PROTOCOL_ERROR).
     */
    public void reset(H2Stream stream, ErrorCode code) {
        if (core.failed || stream.state() == StreamState.CLOSED) {
            return;
        }
        if (stream.state() == StreamState.IDLE) {
            forget(stream);
        } else {
            core.reset(stream, code);
        }
    }

    /**
     * A graceful end: GOAWAY (NO_ERROR, last stream 0: the server opened none) is queued, {@link #canOpen} turns false
     * and the active streams finish; {@link #finished} says when. Idempotent.
     */
    public void goAway() {
        if (core.failed || goAwaySent) {
            return;
        }
        goAwaySent = true;
        core.queue(ControlQueue.GOAWAY, 0, ErrorCode.NO_ERROR.code());
    }

    /** A GOAWAY was sent or received (or the session failed) and no stream is active: close once output is flushed. */
    public boolean finished() {
        return (core.failed || goAwaySent || goAwayReceived) && core.streams.size() == 0;
    }

    public int activeStreams() {
        return core.streams.size();
    }

    // ---------------------------------------------------------------- output and state

    @Override
    public boolean hasControlOutput() {
        return core.hasControlOutput();
    }

    /** Writes the queued control frames that fit into {@code out}, in order; true when none is left. */
    @Override
    public boolean writeControl(ByteBuffer out) {
        return core.writeControl(out);
    }

    /** The connection error that ended the session; NO_ERROR while it has not. */
    public ErrorCode failure() {
        return core.failure();
    }

    /** The server's settings as they stand (RFC defaults until its SETTINGS arrive). */
    @Override
    public Settings peerSettings() {
        return core.peer;
    }

    /** The active stream {@code id}, or null (tests). */
    H2Stream stream(int id) {
        return core.streams.get(id);
    }

    /** Tests: makes {@code id} the next stream identifier, to reach the end of the identifiers. */
    void nextStreamId(int id) {
        nextStreamId = id;
    }

    // ---------------------------------------------------------------- shared with ClientInboundFrames

    /**
     * The server's GOAWAY: told first, then every stream above its last stream, and every stream not sent yet, is
     * closed and reported REFUSED_STREAM by the peer (not processed: retryable). Later frames on them are ignored.
     */
    void goAwayReceived(int lastStreamId, ErrorCode code) {
        goAwayReceived = true;
        goAwayLastId = Math.min(goAwayLastId, lastStreamId);
        listener.onGoAway(lastStreamId, code);
        List<H2Stream> refused = new ArrayList<>();
        for (int i = 0; i < core.streams.capacity(); i++) {
            H2Stream s = core.streams.at(i);
            if (s != null && (s.id() > goAwayLastId || s.state() == StreamState.IDLE)) {
                refused.add(s);
            }
        }
        for (H2Stream s : refused) {
            if (!core.failed && s.state() != StreamState.CLOSED) {
                forget(s);
                core.count(Counter.H2_BACKEND_REFUSED_STREAM);
                listener.onReset(s, ErrorCode.REFUSED_STREAM, true);
            }
        }
    }

    /** Closes a stream without RST_STREAM, remembered as reset by us so that frames still on their way are ignored. */
    private void forget(H2Stream stream) {
        stream.state(StreamState.CLOSED);
        core.streams.remove(stream);
        core.streams.rememberClosed(stream.id(), true);
    }
}
