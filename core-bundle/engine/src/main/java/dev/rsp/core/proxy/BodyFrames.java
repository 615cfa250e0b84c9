package dev.rsp.core.proxy;

import dev.rsp.core.http.ChunkDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An HTTP/1.1 message body as the DATA frames of one HTTP/2 stream: a sized body as it is (its last frame ends the
 * stream), a chunked one without its framing ({@link ChunkDecoder}; its trailers kept for a trailing HEADERS), none
 * at all for a message without a body. Serves a response to a client ({@link H2Downstream}) and a request to a
 * backend ({@link H2BackendStream}). Loop thread only.
 */
final class BodyFrames {

    /** Writes one piece as DATA within the windows; returns the bytes taken (0 when blocked, -1 when the stream ended). */
    interface Data {
        int write(ByteBuffer piece, boolean endStream);
    }

    /** Made for the first chunked message (most bodies are sized or absent), then reset for each. */
    private ChunkDecoder chunks;
    private boolean none;
    private boolean chunked;
    /** Bytes of a sized body still to send (-1: not sized). */
    private long left = -1;

    /** A new message: {@code none} without a body, else chunked or sized ({@code length}, -1 when not sized). */
    void start(boolean none, boolean chunked, long length) {
        this.none = none;
        this.chunked = !none && chunked;
        this.left = none || chunked ? -1 : length;
        if (this.chunked) {
            if (chunks == null) {
                chunks = new ChunkDecoder();
            }
            chunks.reset();
        }
    }

    boolean none() {
        return none;
    }

    boolean chunked() {
        return chunked;
    }

    /** True once a chunked body's last chunk and trailers went through. */
    boolean chunkedDone() {
        return chunked && chunks.done();
    }

    /** The trailers of a chunked body ({name, value}, names lower-case), once {@link #chunkedDone}. */
    List<String[]> trailers() {
        return chunked ? chunks.trailers() : List.of();
    }

    /** Writes body bytes from {@code b}; true when all of them went (or were dropped, for a message without a body). */
    boolean write(ByteBuffer b, Data out) {
        if (none) {
            b.position(b.limit());
            return true;
        }
        if (!chunked) {
            int before = b.remaining();
            boolean last = left >= 0 && before >= left;
            out.write(b, last);
            if (left >= 0) {
                left -= before - b.remaining();
            }
            return !b.hasRemaining();
        }
        while (b.hasRemaining() && !chunks.done()) {
            int n = chunks.advance(b);
            if (n == 0) {
                continue;
            }
            ByteBuffer piece = b.duplicate();
            piece.limit(b.position() + n);
            int m = out.write(piece, false);
            b.position(b.position() + Math.max(m, 0));
            chunks.took(Math.max(m, 0));
            if (m < n) {
                return false;
            }
        }
        return true;
    }
}
