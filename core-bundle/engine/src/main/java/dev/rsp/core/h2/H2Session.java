package dev.rsp.core.h2;

import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The server side of one HTTP/2 connection without its socket (RFC 9113): bytes in, stream events out to an
 * {@link H2SessionListener}, frames out into the caller's buffer. It keeps the connection's state (settings, stream
 * states, flow-control windows, field-block assembly, the abuse limits of {@link H2Limits}) and owes the client the
 * control frames it queued (bounded; see {@link #writeControl}). The connection glue reads from the socket into a
 * window and calls {@link #onInput}; it writes {@link #writeControl} first, then responses with
 * {@link #writeHeaders} and {@link #writeData}, into its output buffer and flushes it. What each received frame does
 * is in {@link InboundFrames}.
 *
 * <p>Connection errors end the session: a GOAWAY is queued, every active stream is reported reset, and
 * {@link #onInput} answers {@link Progress#CLOSE}. Stream errors reset one stream (RST_STREAM) and go on.
 *
 * <p>GOAWAY: {@link #goAway}{@code (true)} drains as §6.8 suggests: a GOAWAY naming 2^31-1 (NO_ERROR) and a PING;
 * when its ACK returns, every stream the client opened before it saw the first GOAWAY has arrived, and a second
 * GOAWAY names the last stream processed. Streams above it are ignored (their field blocks still decoded for the
 * HPACK table). {@code goAway(false)} sends the final GOAWAY at once. Either way the active streams finish;
 * {@link #finished()} says when the connection may close. Loop thread only.
 */
public final class H2Session implements H2Sender {

    /** What the caller does after {@link #onInput}. */
    public enum Progress {
        /** The window was used up (a partial frame header may be left in it): compact, read more, call again. */
        NEED_INPUT,
        /**
         * Reading stopped before a frame until queued control frames are written (a pending SETTINGS or PING ACK, a
         * queue at half its bound): {@link #writeControl}, flush, then call again with the same window.
         */
        BLOCKED,
        /** A connection error: write what {@link #writeControl} gives (the GOAWAY), then close. */
        CLOSE
    }

    /** The payload of the PING that times the graceful drain: "rspdrain". */
    static final long DRAIN_PING = 0x7273_7064_7261_696eL;

    enum GoAway { NONE, ANNOUNCED, SENT }

    final H2Limits limits;
    final HeaderBlockDecoder decoder;
    final H2SessionListener listener;
    private final Consumer<Counter> counters;
    private final FrameReader reader = new FrameReader(Settings.MIN_MAX_FRAME_SIZE, true);
    private final InboundFrames inbound = new InboundFrames(this);
    private final Settings local = new Settings();
    final Settings peer = new Settings();
    final StreamTable streams;
    private final ControlQueue control;
    final HeaderBlockAssembler block;
    final SendWindow connectionSend = new SendWindow(Settings.DEFAULT_WINDOW);
    final ReceiveWindow connectionReceive;
    /** A new stream's receive window: at least the protocol default until the client acknowledged our SETTINGS. */
    int streamReceiveWindow;
    boolean settingsAcknowledged;
    GoAway goAway = GoAway.NONE;
    int goAwayLastId;
    boolean failed;
    private ErrorCode failure = ErrorCode.NO_ERROR;
    /** A field block could not be decoded: the HPACK table is out of step, no later block can be read. */
    boolean decoderLost;
    int lastOpened;
    int streamsOpened;
    int newStreamsThisRead;
    /** The last {@link #onInput} stopped at BLOCKED: the next one continues the same read. */
    private boolean blocked;
    int prematureResets;
    private int glitches;

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
        this.counters = counters;
        this.streams = new StreamTable(limits.maxConcurrentStreams(), 8 * limits.maxConcurrentStreams());
        this.control = new ControlQueue(limits.maxQueuedControlFrames());
        this.block = new HeaderBlockAssembler(limits.maxHeaderBlockBytes());
        this.connectionReceive = new ReceiveWindow(limits.connectionWindow());
        this.streamReceiveWindow = Math.max(limits.initialStreamWindow(), Settings.DEFAULT_WINDOW);
        local.set(Settings.MAX_CONCURRENT_STREAMS, limits.maxConcurrentStreams()).set(Settings.ENABLE_PUSH, 0);
        if (limits.initialStreamWindow() != Settings.DEFAULT_WINDOW) {
            local.set(Settings.INITIAL_WINDOW_SIZE, limits.initialStreamWindow());
        }
        queue(ControlQueue.SETTINGS, 0, 0);
        if (limits.connectionWindow() > Settings.DEFAULT_WINDOW) {
            queue(ControlQueue.WINDOW_UPDATE, 0, limits.connectionWindow() - Settings.DEFAULT_WINDOW);
        }
    }

    // ---------------------------------------------------------------- input

    /**
     * Reads the frames in {@code window} (from the client preface on), calling the listener as they complete; advances
     * the window's position over what it used. Call once per socket read: the new-streams-per-read bound counts per
     * read, a call after BLOCKED continuing the read before it.
     */
    public Progress onInput(ByteBuffer window) {
        if (!blocked) {
            newStreamsThisRead = 0;
        }
        blocked = false;
        while (!failed) {
            if (reader.atFrameStart() && mustWriteFirst(window)) {
                if (window.hasRemaining()) {
                    count(Counter.H2_READ_PAUSED);
                }
                blocked = true;
                return Progress.BLOCKED;
            }
            FrameReader.Status s = reader.next(window, inbound);
            if (s == FrameReader.Status.ERROR && !failed) {
                fail(reader.error(), reader.frameTooLarge() ? Counter.H2_FRAME_TOO_LARGE : Counter.H2_CONNECTION_ERROR);
            } else if (s == FrameReader.Status.NEED_MORE && !failed) {
                return Progress.NEED_INPUT;
            }
        }
        return Progress.CLOSE;
    }

    /** At most one SETTINGS ACK and one PING ACK owed at a time; and no reading on while the queue is half full. */
    private boolean mustWriteFirst(ByteBuffer window) {
        if (control.size() >= Math.max(1, limits.maxQueuedControlFrames() / 2)) {
            return true;
        }
        int next = reader.peek(window);
        if (next < 0 || (next & Flags.ACK) != 0) {
            return false;
        }
        int type = next >>> 8;
        return type == FrameType.SETTINGS && control.holds(ControlQueue.SETTINGS_ACK)
                || type == FrameType.PING && control.holds(ControlQueue.PING_ACK);
    }

    /** True while a field block has begun and not ended (the glue's header timeout runs meanwhile). */
    public boolean headerBlockInProgress() {
        return block.inProgress();
    }

    /**
     * Request body bytes delivered by {@code onData} were consumed by the backend side, or dropped (also after the
     * stream ended): gives the client credit back when the policy of {@link ReceiveWindow} says so.
     */
    public void consumed(H2Stream stream, int bytes) {
        if (failed || bytes <= 0) {
            return;
        }
        credit(connectionReceive.consumed(bytes), 0);
        if (stream.state().peerMaySend()) {
            credit(stream.receive.consumed(bytes), stream.id());
        }
    }

    // ---------------------------------------------------------------- output

    @Override
    public boolean hasControlOutput() {
        return control.size() > 0;
    }

    /** Writes the queued control frames that fit into {@code out}, in order; true when none is left. */
    @Override
    public boolean writeControl(ByteBuffer out) {
        return control.writeTo(out, local);
    }

    /** DATA bytes the stream may send now: the smaller of its window and the connection's, at least 0. */
    @Override
    public int sendable(H2Stream stream) {
        return (int) Math.max(0, Math.min(stream.send.window(), connectionSend.window()));
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
        if (!FrameWriter.headers(out, stream.id(), fieldBlock, endStream, peer.maxFrameSize())) {
            return false;
        }
        stream.responseStarted = true;
        if (endStream) {
            localEnd(stream);
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
        while (out.remaining() >= FrameType.HEADER_LENGTH) {
            int room = Math.min(out.remaining() - FrameType.HEADER_LENGTH, peer.maxFrameSize());
            int n = Math.min(Math.min(src.remaining(), sendable(stream)), room);
            boolean end = endStream && n == src.remaining();
            if (n == 0 && !end) {
                break;
            }
            FrameWriter.data(out, stream.id(), src, n, end);
            stream.send.spend(n);
            connectionSend.spend(n);
            taken += n;
            if (end) {
                localEnd(stream);
                break;
            }
        }
        return taken;
    }

    /** The glue resets a stream (a broken backend, an early response with the request still coming: NO_ERROR). */
    public void reset(H2Stream stream, ErrorCode code) {
        if (!failed && stream.state() != StreamState.CLOSED) {
            resetStream(stream, code);
        }
    }

    /** Starts (graceful) or completes the drain; see the class comment. Idempotent. */
    public void goAway(boolean graceful) {
        if (failed || goAway == GoAway.SENT) {
            return;
        }
        if (graceful && goAway == GoAway.NONE) {
            goAway = GoAway.ANNOUNCED;
            queue(ControlQueue.GOAWAY, Integer.MAX_VALUE, ErrorCode.NO_ERROR.code());
            queue(ControlQueue.PING, 0, DRAIN_PING);
        } else {
            finalGoAway();
        }
    }

    /** The final GOAWAY is queued (or the session failed) and no stream is active: close once output is flushed. */
    public boolean finished() {
        return (failed || goAway == GoAway.SENT) && streams.size() == 0;
    }

    /** The connection error that ended the session; NO_ERROR while it has not. */
    public ErrorCode failure() {
        return failure;
    }

    public int activeStreams() {
        return streams.size();
    }

    /** The active stream {@code id}, or null (tests; the glue keeps what the listener gave it). */
    H2Stream stream(int id) {
        return streams.get(id);
    }

    /** The client's settings as they stand. */
    @Override
    public Settings peerSettings() {
        return peer;
    }

    // ---------------------------------------------------------------- shared with InboundFrames

    void finalGoAway() {
        goAway = GoAway.SENT;
        goAwayLastId = lastOpened;
        queue(ControlQueue.GOAWAY, lastOpened, ErrorCode.NO_ERROR.code());
    }

    /** What an identifier without an active stream is; streams above a final GOAWAY's last one are ignored. */
    StreamTable.Idle idle(int id) {
        StreamTable.Idle kind = streams.classify(id);
        boolean ignored = kind != StreamTable.Idle.INVALID && kind != StreamTable.Idle.NEW && goAway == GoAway.SENT
                && id > goAwayLastId;
        return ignored ? StreamTable.Idle.IGNORED : kind;
    }

    /**
     * A connection error (§5.4.1): GOAWAY naming the last stream opened, every active stream the listener knows
     * reported reset.
     */
    void fail(ErrorCode code, Counter counter) {
        if (failed) {
            return;
        }
        failed = true;
        failure = code;
        count(counter);
        goAway = GoAway.SENT;
        goAwayLastId = lastOpened;
        control.add(ControlQueue.GOAWAY, lastOpened, code.code());
        for (int i = 0; i < streams.capacity(); i++) {
            H2Stream s = streams.at(i);
            if (s != null) {
                s.state(StreamState.CLOSED);
                if (s.announced) {
                    listener.onReset(s, code, false);
                }
            }
        }
        streams.clear();
    }

    /** A stream error (§5.4.2) of the client's making: RST_STREAM, counted, the listener told. */
    void streamError(H2Stream stream, ErrorCode code) {
        count(Counter.H2_STREAM_ERROR);
        resetStream(stream, code);
        if (stream.announced) {
            listener.onReset(stream, code, false);
        }
    }

    /** Resets a stream that has no active stream object (idle or closed): RST_STREAM only. */
    void resetId(int id, ErrorCode code) {
        queue(ControlQueue.RST_STREAM, id, code.code());
        streams.rememberClosed(id, true);
    }

    private void resetStream(H2Stream stream, ErrorCode code) {
        stream.state(StreamState.CLOSED);
        streams.remove(stream);
        resetId(stream.id(), code);
    }

    void remoteEnd(H2Stream stream) {
        stream.state(stream.state().remoteEnded());
        closedNormally(stream);
    }

    private void localEnd(H2Stream stream) {
        stream.state(stream.state().localEnded());
        closedNormally(stream);
    }

    /** A stream closed by END_STREAM both ways or by the client's RST_STREAM leaves the table, remembered as closed. */
    void closedNormally(H2Stream stream) {
        if (stream.state() == StreamState.CLOSED) {
            streams.remove(stream);
            streams.rememberClosed(stream.id(), false);
        }
    }

    void credit(int increment, int streamId) {
        if (increment > 0) {
            queue(ControlQueue.WINDOW_UPDATE, streamId, increment);
        }
    }

    void queue(byte kind, int id, long value) {
        if (!control.add(kind, id, value)) {
            fail(ErrorCode.ENHANCE_YOUR_CALM, Counter.H2_CONTROL_QUEUE_FULL);
        }
    }

    /** A frame that does nothing useful; too many end the connection. */
    void glitch() {
        if (++glitches > limits.maxGlitches()) {
            fail(ErrorCode.ENHANCE_YOUR_CALM, Counter.H2_GLITCHES);
        }
    }

    void count(Counter c) {
        counters.accept(c);
    }

    private void requireSending(H2Stream stream) {
        if (failed || !stream.state().weMaySend()) {
            throw new IllegalStateException("cannot send on " + stream);
        }
    }
}
