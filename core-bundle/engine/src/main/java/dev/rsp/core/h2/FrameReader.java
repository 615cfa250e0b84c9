package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * Parses HTTP/2 frames (RFC 9113 §4, §6) incrementally from a window of received bytes and hands them to a
 * {@link FrameListener}. The window ({@code position} to {@code limit}, big-endian as ByteBuffers are by default) may
 * end anywhere, even inside a frame header: the reader consumes (advances {@code position} over) what it could use and
 * leaves the rest, at most 8 bytes (of a frame header or a fixed part), for the next call after the caller has read
 * more behind it. DATA and field-block payloads are streamed through in pieces, never copied and never required to
 * fit the window, so any window of 9 bytes or more works with any frame size up to the advertised maximum.
 *
 * <p>Framing errors are connection errors (§5.4.1): the reader stops for good, {@link #error()} and {@link #reason()}
 * say why. Checked here: the client preface (server role) and a SETTINGS frame first (§3.4); lengths over our
 * MAX_FRAME_SIZE (FRAME_SIZE_ERROR, §4.2); the fixed lengths of PING (8), SETTINGS (a multiple of 6, an empty ACK),
 * WINDOW_UPDATE and RST_STREAM (4), GOAWAY (8 or more) and PRIORITY (5, a stream error); padding no shorter than
 * the payload (PROTOCOL_ERROR); stream 0 for DATA, HEADERS, PRIORITY, RST_STREAM and CONTINUATION, and a stream other
 * than 0 for SETTINGS, PING and GOAWAY (PROTOCOL_ERROR); CONTINUATION only right after a HEADERS or CONTINUATION
 * without END_HEADERS, on the same stream, with nothing in between (PROTOCOL_ERROR, §6.10); PUSH_PROMISE, which rsp
 * never allows (ENABLE_PUSH 0, §8.4); SETTINGS values (§6.5.2). Not thread-safe; one per connection.
 */
public final class FrameReader {

    /** What a call to {@link #next} did. */
    public enum Status {
        /** A frame (or the preface) was completed; the window may hold more: call again. */
        FRAME,
        /** The window is used up as far as it can be (a partial header or fixed part may be left): read more. */
        NEED_MORE,
        /** A connection error; see {@link #error()}. Nothing more is read. */
        ERROR
    }

    private enum Stage { PREFACE, HEADER, FIXED, SETTINGS, BODY, SKIP, ERROR }

    private final Settings received = new Settings();
    private int maxFrameSize;
    private Stage stage;
    private boolean settingsFirst = true;
    private int prefaceMatched;
    /** The stream whose field block awaits CONTINUATION frames, 0 when none. */
    private int continuationStream;

    private int length;
    private int type;
    private int flags;
    private int streamId;
    /** Payload bytes of the current frame not consumed yet. */
    private int remaining;
    /** FIXED: bytes needed before the frame's first callback. */
    private int need;
    /** BODY: data or fragment bytes not delivered yet (the padding follows them). */
    private int bodyRemaining;
    /** DATA: pad length byte and padding, counted with the frame's first piece. */
    private int padAccounted;
    private ErrorCode error = ErrorCode.NO_ERROR;
    private String reason = "";
    private boolean frameTooLarge;

    /**
     * @param maxFrameSize the SETTINGS_MAX_FRAME_SIZE this endpoint advertises (16384 until raised)
     * @param server       true on the server side: the client preface comes first
     */
    public FrameReader(int maxFrameSize, boolean server) {
        this.maxFrameSize = maxFrameSize;
        this.stage = server ? Stage.PREFACE : Stage.HEADER;
    }

    /** Changes the largest payload accepted (after advertising it). */
    public void maxFrameSize(int size) {
        this.maxFrameSize = size;
    }

    public ErrorCode error() {
        return error;
    }

    /** Why the reader stopped, for logs; empty while it has not. */
    public String reason() {
        return reason;
    }

    /** True when the error was a frame longer than our MAX_FRAME_SIZE (counted on its own). */
    public boolean frameTooLarge() {
        return frameTooLarge;
    }

    /** True between frames (a new frame header is next), where a caller may decide not to read on. */
    public boolean atFrameStart() {
        return stage == Stage.HEADER;
    }

    /**
     * The type and flags of the frame whose header starts the window, as {@code type << 8 | flags}, without consuming
     * anything; -1 when not {@link #atFrameStart()} or fewer than 9 bytes are there.
     */
    public int peek(ByteBuffer in) {
        if (stage != Stage.HEADER || in.remaining() < FrameType.HEADER_LENGTH) {
            return -1;
        }
        int p = in.position();
        return (in.get(p + 3) & 0xff) << 8 | in.get(p + 4) & 0xff;
    }

    /** Reads frames until the window is used up or an error: returns the bytes consumed. */
    public int read(ByteBuffer in, FrameListener l) {
        int start = in.position();
        while (next(in, l) == Status.FRAME) {
            // on to the next frame
        }
        return in.position() - start;
    }

    /** Reads at most up to the end of the current frame, delivering what the window holds of it. */
    public Status next(ByteBuffer in, FrameListener l) {
        return switch (stage) {
            case PREFACE -> preface(in);
            case HEADER -> header(in, l);
            case FIXED -> fixed(in, l);
            case SETTINGS -> settings(in, l);
            case BODY -> body(in, l);
            case SKIP -> skip(in);
            case ERROR -> Status.ERROR;
        };
    }

    private Status preface(ByteBuffer in) {
        while (in.hasRemaining() && prefaceMatched < Preface.LENGTH) {
            if (in.get(in.position()) != Preface.BYTES[prefaceMatched]) {
                return fail(ErrorCode.PROTOCOL_ERROR, "not the HTTP/2 client preface");
            }
            in.position(in.position() + 1);
            prefaceMatched++;
        }
        if (prefaceMatched < Preface.LENGTH) {
            return Status.NEED_MORE;
        }
        stage = Stage.HEADER;
        return Status.FRAME;
    }

    private Status header(ByteBuffer in, FrameListener l) {
        if (in.remaining() < FrameType.HEADER_LENGTH) {
            return Status.NEED_MORE;
        }
        int p = in.position();
        length = (in.get(p) & 0xff) << 16 | (in.get(p + 1) & 0xff) << 8 | in.get(p + 2) & 0xff;
        type = in.get(p + 3) & 0xff;
        flags = in.get(p + 4) & 0xff;
        streamId = int31(in, p + 5);
        in.position(p + FrameType.HEADER_LENGTH);
        remaining = length;
        if (length > maxFrameSize) {
            frameTooLarge = true;
            return fail(ErrorCode.FRAME_SIZE_ERROR, "frame longer than SETTINGS_MAX_FRAME_SIZE");
        }
        if (continuationStream != 0 && (type != FrameType.CONTINUATION || streamId != continuationStream)) {
            return fail(ErrorCode.PROTOCOL_ERROR, "field block interrupted before END_HEADERS");
        }
        if (settingsFirst) {
            if (type != FrameType.SETTINGS || has(Flags.ACK)) {
                return fail(ErrorCode.PROTOCOL_ERROR, "the first frame is not SETTINGS");
            }
            settingsFirst = false;
        }
        return begin(in, l);
    }

    /** Checks the header of a frame by type and sets up reading its payload. */
    private Status begin(ByteBuffer in, FrameListener l) {
        boolean onStream = streamId != 0;
        switch (type) {
            case FrameType.DATA -> {
                need = has(Flags.PADDED) ? 1 : 0;
                if (length < need) {
                    return fail(ErrorCode.FRAME_SIZE_ERROR, "DATA too short for its pad length");
                }
                return onStream ? fixed(in, l) : fail(ErrorCode.PROTOCOL_ERROR, "DATA on stream 0");
            }
            case FrameType.HEADERS -> {
                need = (has(Flags.PADDED) ? 1 : 0) + (has(Flags.PRIORITY) ? 5 : 0);
                if (length < need) {
                    return fail(ErrorCode.FRAME_SIZE_ERROR, "HEADERS too short for its padding and priority");
                }
                return onStream ? fixed(in, l) : fail(ErrorCode.PROTOCOL_ERROR, "HEADERS on stream 0");
            }
            case FrameType.CONTINUATION -> {
                if (continuationStream == 0) {
                    return fail(ErrorCode.PROTOCOL_ERROR, "CONTINUATION without a field block in progress");
                }
                need = 0;
                return fixed(in, l);
            }
            case FrameType.PRIORITY -> {
                if (!onStream) {
                    return fail(ErrorCode.PROTOCOL_ERROR, "PRIORITY on stream 0");
                }
                if (length != 5) {
                    l.onStreamError(streamId, ErrorCode.FRAME_SIZE_ERROR);
                    return skip(in);
                }
                return fixed(in, l, 5);
            }
            case FrameType.RST_STREAM -> {
                if (!onStream) {
                    return fail(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on stream 0");
                }
                return length == 4 ? fixed(in, l, 4) : fail(ErrorCode.FRAME_SIZE_ERROR, "RST_STREAM length not 4");
            }
            case FrameType.SETTINGS -> {
                if (onStream) {
                    return fail(ErrorCode.PROTOCOL_ERROR, "SETTINGS on a stream");
                }
                if (has(Flags.ACK)) {
                    if (length != 0) {
                        return fail(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ACK with a payload");
                    }
                    l.onSettingsAck();
                    return frameDone();
                }
                if (length % 6 != 0) {
                    return fail(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS length not a multiple of 6");
                }
                received.clear();
                stage = Stage.SETTINGS;
                return settings(in, l);
            }
            case FrameType.PUSH_PROMISE -> {
                return fail(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE with push disabled");
            }
            case FrameType.PING -> {
                if (onStream) {
                    return fail(ErrorCode.PROTOCOL_ERROR, "PING on a stream");
                }
                return length == 8 ? fixed(in, l, 8) : fail(ErrorCode.FRAME_SIZE_ERROR, "PING length not 8");
            }
            case FrameType.GOAWAY -> {
                if (onStream) {
                    return fail(ErrorCode.PROTOCOL_ERROR, "GOAWAY on a stream");
                }
                return length >= 8 ? fixed(in, l, 8) : fail(ErrorCode.FRAME_SIZE_ERROR, "GOAWAY shorter than 8");
            }
            case FrameType.WINDOW_UPDATE -> {
                return length == 4 ? fixed(in, l, 4) : fail(ErrorCode.FRAME_SIZE_ERROR, "WINDOW_UPDATE length not 4");
            }
            default -> {
                l.onUnknown(type, streamId, length);
                return skip(in);
            }
        }
    }

    private Status fixed(ByteBuffer in, FrameListener l, int n) {
        need = n;
        return fixed(in, l);
    }

    /** Reads the fixed part of a frame ({@link #need} bytes) once the window holds it, and delivers it. */
    private Status fixed(ByteBuffer in, FrameListener l) {
        if (in.remaining() < need) {
            stage = Stage.FIXED;
            return Status.NEED_MORE;
        }
        int p = in.position();
        in.position(p + need);
        remaining -= need;
        switch (type) {
            case FrameType.DATA, FrameType.HEADERS -> {
                int pad = has(Flags.PADDED) ? in.get(p) & 0xff : 0;
                if (pad > remaining) {
                    return fail(ErrorCode.PROTOCOL_ERROR, "padding as long as the payload");
                }
                bodyRemaining = remaining - pad;
                if (type == FrameType.DATA) {
                    padAccounted = need + pad;
                } else {
                    boolean endHeaders = has(Flags.END_HEADERS);
                    continuationStream = endHeaders ? 0 : streamId;
                    l.onHeaders(streamId, has(Flags.END_STREAM), endHeaders, bodyRemaining);
                }
                stage = Stage.BODY;
                return body(in, l);
            }
            case FrameType.CONTINUATION -> {
                boolean endHeaders = has(Flags.END_HEADERS);
                continuationStream = endHeaders ? 0 : streamId;
                bodyRemaining = remaining;
                l.onContinuation(streamId, endHeaders, bodyRemaining);
                stage = Stage.BODY;
                return body(in, l);
            }
            case FrameType.PRIORITY -> l.onPriority(streamId);
            case FrameType.RST_STREAM -> l.onRstStream(streamId, in.getInt(p));
            case FrameType.PING -> l.onPing(in.getLong(p), has(Flags.ACK));
            case FrameType.WINDOW_UPDATE -> l.onWindowUpdate(streamId, int31(in, p));
            case FrameType.GOAWAY -> {
                l.onGoAway(int31(in, p), in.getInt(p + 4));
                return skip(in);
            }
            default -> throw new IllegalStateException("no fixed part for " + FrameType.name(type));
        }
        return frameDone();
    }

    private Status settings(ByteBuffer in, FrameListener l) {
        while (remaining > 0 && in.remaining() >= 6) {
            int p = in.position();
            int id = (in.get(p) & 0xff) << 8 | in.get(p + 1) & 0xff;
            long value = in.getInt(p + 2) & 0xFFFF_FFFFL;
            in.position(p + 6);
            remaining -= 6;
            ErrorCode e = Settings.check(id, value);
            if (e != ErrorCode.NO_ERROR) {
                return fail(e, "invalid SETTINGS value");
            }
            received.set(id, value);
        }
        if (remaining > 0) {
            return Status.NEED_MORE;
        }
        l.onSettings(received);
        return frameDone();
    }

    /** Delivers what the window holds of the data or fragment, as one piece; then skips the padding. */
    private Status body(ByteBuffer in, FrameListener l) {
        int n = Math.min(in.remaining(), bodyRemaining);
        if (n == 0 && bodyRemaining > 0) {
            return Status.NEED_MORE;
        }
        boolean last = n == bodyRemaining;
        int start = in.position();
        int limit = in.limit();
        in.limit(start + n);
        try {
            if (type == FrameType.DATA) {
                l.onData(streamId, in, last && has(Flags.END_STREAM), n + padAccounted);
                padAccounted = 0;
            } else {
                l.onHeaderFragment(streamId, in, last);
            }
        } finally {
            in.limit(limit);
            in.position(start + n);
        }
        bodyRemaining -= n;
        remaining -= n;
        if (!last) {
            return Status.NEED_MORE;
        }
        return skip(in);
    }

    /** Skips the rest of the frame's payload (padding, GOAWAY debug data, an unknown or bad frame). */
    private Status skip(ByteBuffer in) {
        int n = Math.min(in.remaining(), remaining);
        in.position(in.position() + n);
        remaining -= n;
        if (remaining > 0) {
            stage = Stage.SKIP;
            return Status.NEED_MORE;
        }
        return frameDone();
    }

    private Status frameDone() {
        stage = Stage.HEADER;
        return Status.FRAME;
    }

    private Status fail(ErrorCode code, String why) {
        stage = Stage.ERROR;
        error = code;
        reason = why;
        return Status.ERROR;
    }

    private boolean has(int flag) {
        return (flags & flag) != 0;
    }

    private static int int31(ByteBuffer in, int p) {
        return in.getInt(p) & 0x7fff_ffff;
    }
}
