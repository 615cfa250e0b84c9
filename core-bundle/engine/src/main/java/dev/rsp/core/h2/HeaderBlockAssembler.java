package dev.rsp.core.h2;

import java.nio.ByteBuffer;

/**
 * Gathers one field block from the fragments of a HEADERS frame and its CONTINUATION frames, against the byte limit
 * ({@link ConnectionLimits#maxHeaderBlockBytes}). A block that arrives whole in one piece (one HEADERS frame with END_HEADERS,
 * all in the read window: the usual case) is handed on in place, not copied; otherwise the pieces are copied into a
 * buffer of the limit's size, taken on first need and kept for the connection. Past the limit the rest of the block is
 * counted but not kept ({@link #overflowed()}). Loop thread only.
 */
final class HeaderBlockAssembler {

    /** What the block is for, decided when its HEADERS frame arrives. */
    enum Target {
        /** A stream's head: a new stream's request on the server side, a response head (1xx or final) on the client's. */
        HEAD,
        /** The trailers of an active stream. */
        TRAILERS,
        /** A block of a refused, ignored or reset stream: decoded for the HPACK table only. */
        DISCARD
    }

    /** A block longer than this many times the limit ends the connection at once. */
    static final int FLOOD_FACTOR = 4;

    private final int limit;
    private ByteBuffer buffer;
    private final ByteBuffer empty = ByteBuffer.allocate(0);
    private ByteBuffer completed = empty;
    private boolean inProgress;
    private Target target;
    private H2Stream stream;
    private boolean endStream;
    private long declared;
    private boolean endsWithFrame;

    HeaderBlockAssembler(int limit) {
        this.limit = limit;
    }

    /** A HEADERS frame began a block ({@code stream} null for DISCARD without a stream). */
    void begin(Target target, H2Stream stream, boolean endStream) {
        this.inProgress = true;
        this.target = target;
        this.stream = stream;
        this.endStream = endStream;
        this.declared = 0;
        if (buffer != null) {
            buffer.clear();
        }
    }

    boolean inProgress() {
        return inProgress;
    }

    Target target() {
        return target;
    }

    H2Stream stream() {
        return stream;
    }

    boolean endStream() {
        return endStream;
    }

    /** The block is too large to keep: over the limit. */
    boolean overflowed() {
        return declared > limit;
    }

    /**
     * A frame of the block announces {@code length} fragment bytes; {@code endHeaders} when it is the block's last.
     * False when the block passes {@link #FLOOD_FACTOR} times the limit.
     */
    boolean declare(int length, boolean endHeaders) {
        declared += length;
        endsWithFrame = endHeaders;
        return declared <= (long) FLOOD_FACTOR * limit;
    }

    /**
     * A piece of the current frame's fragment; {@code last} completes the frame. True when this piece completes the
     * block: {@link #completed()} then gives it. The piece is kept (copied) unless it is the whole block or the block
     * overflowed.
     */
    boolean add(ByteBuffer piece, boolean last) {
        boolean complete = last && endsWithFrame;
        if (complete && declared == piece.remaining() && (buffer == null || buffer.position() == 0)) {
            inProgress = false;
            completed = piece;
            return true;
        }
        if (!overflowed()) {
            if (buffer == null) {
                buffer = ByteBuffer.allocate(limit);
            }
            buffer.put(piece);
        }
        if (complete) {
            inProgress = false;
            completed = overflowed() ? empty : buffer.flip();
        }
        return complete;
    }

    /**
     * The block {@link #add} completed, position to limit: the last piece itself when it was the whole block, else the
     * gathered copy (empty for an overflowed block). Valid until the next piece.
     */
    ByteBuffer completed() {
        return completed;
    }
}
