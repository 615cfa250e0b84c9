package dev.rsp.core.proxy;

import dev.rsp.core.http.ChunkDecoder;
import dev.rsp.core.http.ChunkedScanner;
import dev.rsp.core.http.ParseStatus;
import dev.rsp.core.net.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A backend's response body as its content, without its framing: the data of a sized body up to its length, of a
 * chunked body without chunk lines (validated by a {@link ChunkedScanner} first, as the pipe would; its trailers kept),
 * or of a body that ends when the backend closes. For a stage that transforms the content ({@link GzipSource}).
 *
 * <p>Ownership and backpressure: the data stays in the source's window; {@link #next} hands out a view of the next
 * piece, which the caller consumes completely and reports with {@link #took} before asking again. The source is read
 * only from {@link #next}, so the window never holds more than the source's one buffer. Loop thread only.
 */
final class BodyPieces {

    enum Next {
        /** {@link #piece()} holds data. */
        DATA,
        /** Nothing now; the source's socket has to say it is readable. */
        NONE,
        /** The body is complete. */
        END,
        /** The source closed before the framing said the body was complete. */
        TRUNCATED
    }

    /** A backend's chunked body that is not valid; the response breaks (counted as {@code backend.bad_chunk}). */
    static final class BadChunk extends IOException {
        BadChunk(String reason) {
            super(reason);
        }
    }

    private final ByteSource source;
    private final Pipe.Framing framing;
    private final ChunkedScanner scanner;
    private final ChunkDecoder chunks = new ChunkDecoder();
    /** Bytes of a sized body not yet handed out. */
    private long remaining;
    /** Bytes at the start of the window that the scanner accepted and the decoder has not consumed. */
    private int validated;
    private boolean scanned;
    private ByteBuffer piece;
    private int pieceLength;

    /** {@code framing} LENGTH, CHUNKED or UNTIL_CLOSE; {@code length} for LENGTH. */
    BodyPieces(ByteSource source, Pipe.Framing framing, long length, ChunkedScanner scanner) {
        this.source = source;
        this.framing = framing;
        this.remaining = framing == Pipe.Framing.LENGTH ? length : 0;
        this.scanner = scanner;
        scanner.reset();
    }

    /** Finds the next piece of data, reading the source when its window has none. */
    Next next() throws IOException {
        while (true) {
            int available = source.inputAvailable();
            switch (framing) {
                case LENGTH -> {
                    if (remaining == 0) {
                        return Next.END;
                    }
                    if (available > 0) {
                        return slice((int) Math.min(available, remaining));
                    }
                }
                case UNTIL_CLOSE -> {
                    if (available > 0) {
                        return slice(available);
                    }
                }
                default -> {
                    if (chunks.done()) {
                        return Next.END;
                    }
                    Next n = nextChunkData(available);
                    if (n != null) {
                        return n;
                    }
                }
            }
            if (source.inputShutdown()) {
                return framing == Pipe.Framing.UNTIL_CLOSE ? Next.END : Next.TRUNCATED;
            }
            if (source.read() == 0) {
                return Next.NONE;
            }
        }
    }

    /** Validates what is new in the window, then takes chunk framing off; null when the window has no data yet. */
    private Next nextChunkData(int available) throws IOException {
        ByteBuffer w = available > 0 ? source.input() : null;
        if (!scanned && available > validated) {
            ParseStatus s = scanner.scan(w, w.position() + validated, w.limit());
            if (s == ParseStatus.REJECT) {
                throw new BadChunk(scanner.backendRejection().reason());
            }
            validated += scanner.consumed();
            scanned = s == ParseStatus.DONE;
        }
        while (validated > 0) {
            int oldLimit = w.limit();
            int start = w.position();
            w.limit(start + validated);
            int n = chunks.advance(w);
            w.limit(oldLimit);
            validated -= w.position() - start;
            if (n > 0) {
                return slice(n);
            }
            if (chunks.done()) {
                return Next.END;
            }
        }
        return null;
    }

    private Next slice(int n) {
        ByteBuffer w = source.input();
        piece = w.duplicate();
        piece.limit(w.position() + n);
        pieceLength = n;
        return Next.DATA;
    }

    /** The piece {@link #next} found: a view of the source's window, to be consumed before {@link #took}. */
    ByteBuffer piece() {
        return piece;
    }

    /** The caller consumed the whole piece: the window moves past it. */
    void took() {
        int n = pieceLength;
        ByteBuffer w = source.input();
        w.position(w.position() + n);
        switch (framing) {
            case LENGTH -> remaining -= n;
            case CHUNKED -> {
                chunks.took(n);
                validated -= n;
            }
            default -> { }
        }
        piece = null;
    }

    /** True while a piece is handed out and not yet taken. */
    boolean holding() {
        return piece != null;
    }

    /**
     * Whether {@link #next} can make progress without the source's socket saying it is readable: data or framing in
     * the window, or the body's end known. False after NONE, so that asking again does not spin.
     */
    boolean progressWithoutSocket() {
        if (piece != null || validated > 0 || source.inputShutdown()) {
            return true;
        }
        return switch (framing) {
            case LENGTH -> remaining == 0 || source.inputAvailable() > 0;
            case UNTIL_CLOSE -> source.inputAvailable() > 0;
            default -> chunks.done();
        };
    }

    /** The trailer fields of a chunked body ({name, value}, names lower case), complete once {@link #next} said END. */
    List<String[]> trailers() {
        return chunks.trailers();
    }
}
