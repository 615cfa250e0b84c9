package dev.rsp.core.http;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Takes the chunked framing off a body that a {@link ChunkedScanner} has already accepted, for a client protocol that
 * frames data itself (HTTP/2: DATA frames, and the trailer section as a trailing HEADERS). Lenient by design: the
 * bytes were validated before they reach it, so it only finds sizes, data and trailer lines.
 *
 * <p>Use: call {@link #advance} on the bytes at hand; it consumes framing bytes and stops before chunk data, returning
 * how many data bytes follow at the buffer's position (at most what the buffer holds). The caller takes some or all of
 * them and reports how many with {@link #took}, so data can be sent in pieces as the peer's flow-control window
 * allows. Trailer fields are collected and available once {@link #done()}. One instance per response, loop thread
 * only; {@link #reset} before the next body.
 */
public final class ChunkDecoder {

    private enum State { SIZE, SIZE_EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, DONE }

    private final StringBuilder line = new StringBuilder();
    private final List<String[]> trailers = new ArrayList<>();
    private State state = State.SIZE;
    private long remaining;

    public void reset() {
        state = State.SIZE;
        remaining = 0;
        line.setLength(0);
        trailers.clear();
    }

    /** True once the last chunk and the trailer section have passed. */
    public boolean done() {
        return state == State.DONE;
    }

    /** The trailer fields ({name, value}, names lower-cased), complete once {@link #done()}. */
    public List<String[]> trailers() {
        return trailers;
    }

    /**
     * Consumes framing bytes from {@code src} up to the next chunk data, the end of the body or the end of {@code src}.
     *
     * @return how many chunk data bytes start at {@code src.position()} now (0 when none are at hand)
     */
    public int advance(ByteBuffer src) {
        while (src.hasRemaining()) {
            if (state == State.DATA) {
                return (int) Math.min(remaining, src.remaining());
            }
            if (state == State.DONE) {
                return 0;
            }
            step(src.get());
        }
        return 0;
    }

    /** The caller took {@code n} data bytes (it advanced {@code src} by them). */
    public void took(int n) {
        remaining -= n;
        if (remaining == 0) {
            state = State.DATA_CR;
        }
    }

    private void step(byte b) {
        switch (state) {
            case SIZE -> {
                if (b == ';' || b == ' ' || b == '\t') {
                    state = State.SIZE_EXT;
                } else if (b == '\r') {
                    state = State.SIZE_LF;
                } else {
                    remaining = remaining * 16 + Character.digit(b, 16);
                }
            }
            case SIZE_EXT -> {
                if (b == '\r') {
                    state = State.SIZE_LF;
                }
            }
            case SIZE_LF -> state = remaining == 0 ? State.TRAILER : State.DATA;
            case DATA_CR -> state = State.DATA_LF;
            case DATA_LF -> {
                state = State.SIZE;
                remaining = 0;
            }
            case TRAILER -> {
                if (b == '\r') {
                    state = State.TRAILER_LF;
                } else {
                    line.append((char) (b & 0xff));
                }
            }
            case TRAILER_LF -> {
                if (line.length() == 0) {
                    state = State.DONE;
                } else {
                    addTrailer();
                    state = State.TRAILER;
                }
            }
            default -> { }
        }
    }

    private void addTrailer() {
        String l = line.toString();
        line.setLength(0);
        int colon = l.indexOf(':');
        if (colon > 0) {
            String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            trailers.add(new String[] {name, l.substring(colon + 1).trim()});
        }
    }
}
