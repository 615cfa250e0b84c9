package dev.rsp.core.proxy;

import dev.rsp.core.http.ChunkedScanner;
import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.http.Rejection;
import dev.rsp.core.net.ByteSink;
import dev.rsp.core.net.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One direction of a proxied exchange: moves a message (an optional head we wrote, then the body bytes as framed)
 * from a {@link ByteSource}'s window to a {@link ByteSink}. The same class serves client to backend and backend to
 * client; today both ends are socket endpoints, and an HTTP/2 stream can be either end without a change here.
 *
 * <p>Backpressure lives here and only here: when the sink takes less than offered, the unwritten bytes stay where
 * they are (the head in {@code prefix}, the body in the source's window), the pipe asks for the sink's write
 * readiness and stops reading from the source; when the sink drains, reading resumes. So a direction never holds
 * more than one input buffer plus one head buffer, whatever the speeds of the two sides.
 *
 * <p>Ownership: the pipe owns nothing. The caller of {@link #start} keeps owning {@code prefix} (and may rewind it to
 * send it again on a retry); the source window belongs to the source endpoint. Loop thread only.
 */
final class Pipe {

    enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    enum Progress {
        /** The sink cannot take more now, or the pipe yielded to other connections; it waits for the sink's write readiness. */
        BLOCKED,
        /** Everything available was written; the pipe waits for the source's read readiness. */
        NEED_INPUT,
        /** The whole message was written. Bytes after it (a pipelined message) stay in the source window. */
        DONE,
        /** The body's framing is invalid (a bad chunk); see {@link #rejection()}. */
        REJECT,
        /** The source ended before the framing said the message was complete. */
        TRUNCATED,
        /** Reading the source failed; see {@link #failure()}. */
        SOURCE_FAILED,
        /** Writing the sink failed; see {@link #failure()}. */
        SINK_FAILED,
        /**
         * A chunked body's payload passed the limit set by {@link #limitPayload}; the bytes that passed it (and all
         * after them, the last chunk included) were not written.
         */
        OVER_LIMIT
    }

    /** Read/write rounds per call before yielding to other connections on the loop. */
    static final int ROUNDS_PER_PUMP = 16;

    /**
     * Body bytes per call before yielding, whatever the rounds: what 16 rounds of the default 16 KiB buffer move, so a
     * response read through a bulk buffer ({@code buffer.bulk.size}) takes no longer turns than before.
     */
    static final int BYTES_PER_PUMP = 256 * 1024;

    private final ChunkedScanner chunked;
    private final ByteBuffer[] pair = new ByteBuffer[2];
    private ByteSource source;
    private ByteSink sink;
    private ByteBuffer prefix;
    private Framing framing = Framing.NONE;
    private long remaining;
    private int sendable;
    private boolean framingDone;
    private boolean active;
    private long bodyBytes;
    /** The most chunk data the current message may carry; 0: no limit. */
    private long payloadLimit;
    private IOException failure;

    Pipe(ChunkedScanner chunked) {
        this.chunked = chunked;
    }

    /**
     * Starts a message.
     *
     * @param source  where body bytes come from; may be null when {@code framing} is NONE
     * @param sink    where bytes go
     * @param prefix  bytes to send first (a head), in read mode, or null; still owned by the caller
     * @param framing how the body ends
     * @param length  body length for LENGTH
     */
    void start(ByteSource source, ByteSink sink, ByteBuffer prefix, Framing framing, long length) {
        this.failure = null;
        this.source = source;
        this.sink = sink;
        this.prefix = prefix;
        this.framing = framing;
        this.remaining = framing == Framing.LENGTH ? length : 0;
        this.sendable = 0;
        this.framingDone = framing == Framing.NONE || (framing == Framing.LENGTH && length == 0);
        this.bodyBytes = 0;
        this.payloadLimit = 0;
        this.active = true;
        if (framing == Framing.CHUNKED) {
            chunked.reset();
        }
    }

    /** Switches a finished or running pipe to raw forwarding until the source closes (an upgraded connection). */
    void tunnel(ByteSource source, ByteSink sink) {
        start(source, sink, null, Framing.UNTIL_CLOSE, 0);
    }

    boolean active() {
        return active;
    }

    /** True while no byte of the current message (head or body) has been written to the sink. */
    boolean sentNothing() {
        return bodyBytes == 0 && (prefix == null || prefix.position() == 0);
    }

    /** Body bytes written by the current message. */
    long bodyBytes() {
        return bodyBytes;
    }

    Rejection rejection() {
        return chunked.rejection();
    }

    /** The I/O error behind SOURCE_FAILED or SINK_FAILED. */
    IOException failure() {
        return failure;
    }

    /**
     * Limits the chunk data of the current (chunked) message to {@code bytes} (0: none; call after {@link #start}): once
     * the scanned data passes it, nothing more is written, not even the scanned bytes before the excess, and
     * {@link #pump} answers OVER_LIMIT. The sink never gets a complete message over the limit, nor a byte of data
     * beyond it. A message with a length is checked against its limit before it starts, by its owner.
     */
    void limitPayload(long bytes) {
        payloadLimit = bytes;
    }

    /** Moves what it can; reports which side failed instead of throwing. */
    Progress pump() {
        long bytesBefore = bodyBytes;
        for (int round = 0; ; round++) {
            int body = frame();
            if (body < 0) {
                active = false;
                return Progress.REJECT;
            }
            if (payloadLimit > 0 && framing == Framing.CHUNKED && chunked.bodyBytes() > payloadLimit) {
                active = false;
                return Progress.OVER_LIMIT;
            }
            boolean all;
            try {
                all = writeOut(body);
            } catch (IOException e) {
                return failed(Progress.SINK_FAILED, e);
            }
            if (!all) {
                sink.wantWrite(true);
                if (source != null) {
                    source.wantRead(false);
                }
                return Progress.BLOCKED;
            }
            sink.wantWrite(false);
            if (framingDone && sendable == 0) {
                active = false;
                if (source != null && framing != Framing.NONE) {
                    // A message without a body never read its source, so its read interest is not the pipe's to
                    // drop: the client's stays on through a GET and costs no epoll_ctl per request.
                    source.wantRead(false);
                }
                return Progress.DONE;
            }
            if (source.inputShutdown()) {
                active = false;
                return framing == Framing.UNTIL_CLOSE ? Progress.DONE : Progress.TRUNCATED;
            }
            if (round == ROUNDS_PER_PUMP - 1 || bodyBytes - bytesBefore >= BYTES_PER_PUMP) {
                // Yield to other connections. The window is empty here, so whatever the source still has is
                // in its socket, which select reports again; reading now would strand bytes in the window.
                source.wantRead(true);
                return Progress.NEED_INPUT;
            }
            int n;
            try {
                n = source.read();
            } catch (IOException e) {
                return failed(Progress.SOURCE_FAILED, e);
            }
            if (n == 0) {
                source.wantRead(true);
                return Progress.NEED_INPUT;
            }
        }
    }

    /** Abandons the message. */
    void abort() {
        active = false;
    }

    /** Abandons the message and forgets its ends and prefix, so that a pipe kept for reuse holds on to nothing. */
    void clear() {
        active = false;
        source = null;
        sink = null;
        prefix = null;
        failure = null;
    }

    private Progress failed(Progress p, IOException e) {
        failure = e;
        active = false;
        return p;
    }

    /**
     * Finds how many bytes at the start of the source window belong to the body and may be sent now.
     *
     * @return that count, or -1 when the framing is invalid
     */
    private int frame() {
        int available = window();
        switch (framing) {
            case LENGTH:
                return (int) Math.min(available, remaining);
            case UNTIL_CLOSE:
                return available;
            case CHUNKED:
                if (!framingDone && available > sendable) {
                    ByteBuffer w = source.input();
                    ParseStatus s = chunked.scan(w, w.position() + sendable, w.limit());
                    if (s == ParseStatus.REJECT) {
                        return -1;
                    }
                    sendable += chunked.consumed();
                    framingDone = s == ParseStatus.DONE;
                }
                return sendable;
            default:
                return 0;
        }
    }

    private int window() {
        return source == null ? 0 : source.inputAvailable();
    }

    /** Writes the prefix and {@code body} window bytes; true when all of them went out. */
    private boolean writeOut(int body) throws IOException {
        boolean hasPrefix = prefix != null && prefix.hasRemaining();
        if (!hasPrefix && body == 0) {
            return true;
        }
        if (body == 0) {
            sink.write(prefix);
            return !prefix.hasRemaining();
        }
        ByteBuffer w = source.input();
        int start = w.position();
        int oldLimit = w.limit();
        w.limit(start + body);
        try {
            if (hasPrefix) {
                pair[0] = prefix;
                pair[1] = w;
                sink.write(pair);
            } else {
                sink.write(w);
            }
        } finally {
            w.limit(oldLimit);
            pair[0] = null;
            pair[1] = null;
        }
        int sent = w.position() - start;
        bodyBytes += sent;
        switch (framing) {
            case LENGTH -> {
                remaining -= sent;
                framingDone = remaining == 0;
            }
            case CHUNKED -> sendable -= sent;
            default -> { }
        }
        return sent == body && (prefix == null || !prefix.hasRemaining());
    }
}
