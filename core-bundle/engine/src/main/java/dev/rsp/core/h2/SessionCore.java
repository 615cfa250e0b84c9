package dev.rsp.core.h2;

import dev.rsp.core.proxy.Counter;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * What both sides of an HTTP/2 connection keep and do alike (RFC 9113): the read loop with its pauses for owed ACKs,
 * the control frames owed and this side's SETTINGS, the peer's settings, the connection's flow-control windows and the
 * streams' initial ones, the active streams and how they close, field-block assembly, glitches, and the end of the
 * connection on an error. {@link H2Session} (server) and {@link H2ClientSession} (client) each own one and add the
 * rules of their role: who opens streams, what a HEADERS frame is, GOAWAY. Loop thread only.
 */
final class SessionCore {

    final ConnectionLimits limits;
    final SessionCounters counted;
    private final Consumer<Counter> counters;
    private final H2ConnectionListener listener;
    private final FrameReader reader;
    /** The SETTINGS this side advertises; each side completes it before {@link #queueOpening}. */
    final Settings local = new Settings();
    final Settings peer = new Settings();
    final StreamTable streams;
    private final ControlQueue control;
    final HeaderBlockAssembler block;
    final SendWindow connectionSend = new SendWindow(Settings.DEFAULT_WINDOW);
    final ReceiveWindow connectionReceive;
    /** A new stream's receive window: at least the protocol default until the peer acknowledged our SETTINGS. */
    int streamReceiveWindow;
    private boolean settingsAcknowledged;
    boolean failed;
    private ErrorCode failure = ErrorCode.NO_ERROR;
    /** The highest peer-initiated stream processed, named by a GOAWAY on failure (always 0 on the client side). */
    int lastPeerStream;
    /** A field block could not be decoded: the HPACK table is out of step, no later block can be read. */
    boolean decoderLost;
    /** The last {@link #read} stopped at BLOCKED: the next one continues the same read. */
    private boolean blocked;
    private int glitches;

    /** @param server true on the server side: the client preface comes first in the input */
    SessionCore(ConnectionLimits limits, boolean server, H2ConnectionListener listener, SessionCounters counted,
            Consumer<Counter> counters) {
        this.limits = limits;
        this.counted = counted;
        this.counters = counters;
        this.listener = listener;
        this.reader = new FrameReader(Settings.MIN_MAX_FRAME_SIZE, server);
        this.streams = new StreamTable(limits.maxConcurrentStreams(), 8 * limits.maxConcurrentStreams());
        this.control = new ControlQueue(limits.maxQueuedControlFrames());
        this.block = new HeaderBlockAssembler(limits.maxHeaderBlockBytes());
        this.connectionReceive = new ReceiveWindow(limits.connectionWindow());
        this.streamReceiveWindow = Math.max(limits.initialStreamWindow(), Settings.DEFAULT_WINDOW);
        local.set(Settings.ENABLE_PUSH, 0);
        if (limits.initialStreamWindow() != Settings.DEFAULT_WINDOW) {
            local.set(Settings.INITIAL_WINDOW_SIZE, limits.initialStreamWindow());
        }
    }

    /** Queues our SETTINGS ({@link #local} as it stands) and the connection window's WINDOW_UPDATE. */
    void queueOpening() {
        queue(ControlQueue.SETTINGS, 0, 0);
        if (limits.connectionWindow() > Settings.DEFAULT_WINDOW) {
            queue(ControlQueue.WINDOW_UPDATE, 0, limits.connectionWindow() - Settings.DEFAULT_WINDOW);
        }
    }

    // ---------------------------------------------------------------- input

    /** True when the last {@link #read} stopped at BLOCKED: the next call goes on with the same socket read. */
    boolean resumesBlockedRead() {
        return blocked;
    }

    /** Reads the frames in {@code window} into {@code frames}; see {@link SessionProgress}. */
    SessionProgress read(ByteBuffer window, FrameListener frames) {
        blocked = false;
        while (!failed) {
            if (reader.atFrameStart() && mustWriteFirst(window)) {
                if (window.hasRemaining()) {
                    count(counted.readPaused());
                }
                blocked = true;
                return SessionProgress.BLOCKED;
            }
            FrameReader.Status s = reader.next(window, frames);
            if (s == FrameReader.Status.ERROR && !failed) {
                fail(reader.error(), reader.frameTooLarge() ? counted.frameTooLarge() : counted.connectionError());
            } else if (s == FrameReader.Status.NEED_MORE && !failed) {
                return SessionProgress.NEED_INPUT;
            }
        }
        return SessionProgress.CLOSE;
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

    // ---------------------------------------------------------------- connection-level frames

    /** The peer's SETTINGS: applied (stream send windows moved by an INITIAL_WINDOW_SIZE change), acknowledged. */
    void settings(Settings received) {
        long delta = received.has(Settings.INITIAL_WINDOW_SIZE)
                ? received.initialWindowSize() - (long) peer.initialWindowSize() : 0;
        peer.merge(received);
        if (delta != 0) {
            for (int i = 0; i < streams.capacity(); i++) {
                H2Stream stream = streams.at(i);
                if (stream != null && !stream.send.adjust(delta)) {
                    connectionError(ErrorCode.FLOW_CONTROL_ERROR);
                    return;
                }
            }
        }
        queue(ControlQueue.SETTINGS_ACK, 0, 0);
        if (failed) {
            return;
        }
        listener.onPeerSettings(peer);
        if (delta > 0) {
            listener.onSendWindowsOpened();
        }
    }

    /** Our SETTINGS took effect: the streams' receive windows shrink to what we advertised, if it is smaller. */
    void settingsAcknowledged() {
        if (settingsAcknowledged) {
            return;
        }
        settingsAcknowledged = true;
        int initial = limits.initialStreamWindow();
        if (initial != streamReceiveWindow) {
            streamReceiveWindow = initial;
            for (int i = 0; i < streams.capacity(); i++) {
                H2Stream stream = streams.at(i);
                if (stream != null) {
                    stream.receive.resize(initial);
                }
            }
        }
    }

    /** A PING is answered; a PING ACK is the side's to judge. */
    void ping(long opaque) {
        queue(ControlQueue.PING_ACK, 0, opaque);
    }

    void connectionWindowUpdate(int increment) {
        ErrorCode e = connectionSend.grow(increment);
        if (e != ErrorCode.NO_ERROR) {
            connectionError(e);
        } else {
            listener.onSendWindowsOpened();
        }
    }

    void streamWindowUpdate(H2Stream stream, int increment) {
        ErrorCode e = stream.send.grow(increment);
        if (e != ErrorCode.NO_ERROR) {
            streamError(stream, e);
        } else {
            listener.onSendWindowOpened(stream);
        }
    }

    /** A WINDOW_UPDATE on a closed stream is ignored; one of 0 there is a glitch (nothing else bounds a flood). */
    void closedStreamWindowUpdate(int increment) {
        if (increment == 0) {
            glitch();
        }
    }

    /** A HEADERS or CONTINUATION frame announces {@code length} bytes of the block in progress. */
    void declare(int length, boolean endHeaders) {
        if (!block.declare(length, endHeaders)) {
            fail(ErrorCode.ENHANCE_YOUR_CALM, counted.headerFlood());
        } else if (length == 0 && !endHeaders) {
            glitch();
        }
    }

    // ---------------------------------------------------------------- DATA

    /** DATA counts against the connection window first, whatever its stream; false after a FLOW_CONTROL_ERROR. */
    boolean receive(int flowControlled) {
        if (!connectionReceive.receive(flowControlled)) {
            connectionError(ErrorCode.FLOW_CONTROL_ERROR);
            return false;
        }
        return true;
    }

    /**
     * DATA on an active stream the side accepts DATA on: checked against the stream's state and window (stream errors
     * STREAM_CLOSED, FLOW_CONTROL_ERROR), then delivered; padding is credited back at once.
     */
    void data(H2Stream stream, ByteBuffer data, boolean endStream, int flowControlled) {
        if (!stream.state().peerMaySend() || !stream.receive.receive(flowControlled)) {
            dropData(stream, flowControlled,
                    stream.state().peerMaySend() ? ErrorCode.FLOW_CONTROL_ERROR : ErrorCode.STREAM_CLOSED);
            return;
        }
        int padding = flowControlled - data.remaining();
        if (padding > 0) {
            consumed(stream, padding);
            if (failed) {
                return;
            }
        }
        if (!data.hasRemaining() && !endStream) {
            glitch();
            if (failed) {
                return;
            }
        }
        if (endStream) {
            remoteEnd(stream);
        }
        listener.onData(stream, data, endStream);
    }

    /** DATA the stream may not have: a stream error, the bytes credited back to the connection at once. */
    void dropData(H2Stream stream, int flowControlled, ErrorCode code) {
        ignoreData(flowControlled);
        streamError(stream, code);
    }

    /** DATA of a stream this side reset: ignored, its bytes credited back to the connection at once. */
    void ignoreData(int flowControlled) {
        credit(connectionReceive.consumed(flowControlled), 0);
    }

    /** The glue consumed (or dropped) {@code bytes} delivered by {@code onData}; credit per {@link ReceiveWindow}. */
    void consumed(H2Stream stream, int bytes) {
        if (failed || bytes <= 0) {
            return;
        }
        credit(connectionReceive.consumed(bytes), 0);
        if (stream.state().peerMaySend()) {
            credit(stream.receive.consumed(bytes), stream.id());
        }
    }

    // ---------------------------------------------------------------- output

    boolean hasControlOutput() {
        return control.size() > 0;
    }

    boolean writeControl(ByteBuffer out) {
        return control.writeTo(out, local);
    }

    /** DATA bytes the stream may send now: the smaller of its window and the connection's, at least 0. */
    int sendable(H2Stream stream) {
        return (int) Math.max(0, Math.min(stream.send.window(), connectionSend.window()));
    }

    /**
     * Writes one DATA frame of {@code src}'s next bytes, within the windows, the peer's MAX_FRAME_SIZE and the room in
     * {@code out}; with {@code endStream} it ends the stream when it takes the last byte (an empty frame when
     * {@code src} is empty). Returns the bytes taken, -1 when no frame was written (nothing sendable and no end to
     * send, or no room for a frame header). The caller checked that the stream may send.
     */
    int dataFrame(H2Stream stream, ByteBuffer src, boolean endStream, ByteBuffer out) {
        if (out.remaining() < FrameType.HEADER_LENGTH) {
            return -1;
        }
        int room = Math.min(out.remaining() - FrameType.HEADER_LENGTH, peer.maxFrameSize());
        int n = Math.min(Math.min(src.remaining(), sendable(stream)), room);
        boolean end = endStream && n == src.remaining();
        if (n == 0 && !end) {
            return -1;
        }
        FrameWriter.data(out, stream.id(), src, n, end);
        stream.send.spend(n);
        connectionSend.spend(n);
        if (end) {
            localEnd(stream);
        }
        return n;
    }

    // ---------------------------------------------------------------- stream ends

    /** This side resets an active stream: RST_STREAM, closed, remembered as reset by us (late frames ignored). */
    void reset(H2Stream stream, ErrorCode code) {
        stream.state(StreamState.CLOSED);
        streams.remove(stream);
        resetId(stream.id(), code);
    }

    /** Resets an identifier that has no active stream (idle or closed): RST_STREAM only. */
    void resetId(int id, ErrorCode code) {
        queue(ControlQueue.RST_STREAM, id, code.code());
        streams.rememberClosed(id, true);
    }

    /** A stream error (§5.4.2) of the peer's making: RST_STREAM, counted, the listener told. */
    void streamError(H2Stream stream, ErrorCode code) {
        count(counted.streamError());
        reset(stream, code);
        if (stream.announced) {
            listener.onReset(stream, code, false);
        }
    }

    /** The peer's RST_STREAM on an active stream: closed, the listener told. */
    void resetByPeer(H2Stream stream, ErrorCode code) {
        stream.state(StreamState.CLOSED);
        closedNormally(stream);
        listener.onReset(stream, code, true);
    }

    /** The peer's trailers (with END_STREAM) were decoded. */
    void trailers(H2Stream stream) {
        remoteEnd(stream);
        listener.onTrailers(stream);
    }

    void remoteEnd(H2Stream stream) {
        stream.state(stream.state().remoteEnded());
        closedNormally(stream);
    }

    void localEnd(H2Stream stream) {
        stream.state(stream.state().localEnded());
        closedNormally(stream);
    }

    /** A stream closed by END_STREAM both ways or by the peer's RST_STREAM leaves the table, remembered as closed. */
    void closedNormally(H2Stream stream) {
        if (stream.state() == StreamState.CLOSED) {
            streams.remove(stream);
            streams.rememberClosed(stream.id(), false);
        }
    }

    // ---------------------------------------------------------------- connection ends

    ErrorCode failure() {
        return failure;
    }

    void connectionError(ErrorCode code) {
        fail(code, counted.connectionError());
    }

    /**
     * A connection error (§5.4.1): GOAWAY naming {@link #lastPeerStream}, every active stream the listener knows
     * reported reset. Later frames are ignored.
     */
    void fail(ErrorCode code, Counter counter) {
        if (failed) {
            return;
        }
        failed = true;
        failure = code;
        count(counter);
        control.add(ControlQueue.GOAWAY, lastPeerStream, code.code());
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

    void credit(int increment, int streamId) {
        if (increment > 0) {
            queue(ControlQueue.WINDOW_UPDATE, streamId, increment);
        }
    }

    void queue(byte kind, int id, long value) {
        if (!control.add(kind, id, value)) {
            fail(ErrorCode.ENHANCE_YOUR_CALM, counted.controlQueueFull());
        }
    }

    /** A frame that does nothing useful; too many end the connection. */
    void glitch() {
        if (++glitches > limits.maxGlitches()) {
            fail(ErrorCode.ENHANCE_YOUR_CALM, counted.glitches());
        }
    }

    void count(Counter c) {
        counters.accept(c);
    }
}
