package dev.rsp.core.http;

import static dev.rsp.core.http.CharClass.CR;
import static dev.rsp.core.http.CharClass.LF;
import static dev.rsp.core.http.CharClass.at;

import java.nio.ByteBuffer;

/**
 * Finds where a chunked message body (RFC 9112 7.1) ends, without copying or decoding it, so the proxy can forward
 * the body bytes as they are. Strict: chunk-size lines, chunk extensions and trailer field lines are checked,
 * CRLF only, each size line bounded by {@code maxLineBytes} and the trailer section by {@code maxTrailerBytes}.
 *
 * <p>Each call scans the next bytes of the body, buf[from,to), which may lie in a different buffer than the
 * previous call's: the scanner keeps no index across calls. It examines the bytes of size lines and trailers once
 * each and skips chunk data in constant time, so the bytes may be split anywhere, down to one byte per call.
 *
 * <p>Thread confinement: one instance per connection direction, used by that connection's thread only; call
 * {@link #reset()} before the next body.
 */
public final class ChunkedScanner {
    public static final int DEFAULT_MAX_LINE_BYTES = 4096;
    public static final int DEFAULT_MAX_TRAILER_BYTES = 16384;
    private static final int MAX_SIZE_DIGITS = 16;

    private static final int SIZE_FIRST = 0;
    private static final int SIZE = 1;
    private static final int SIZE_BWS = 2;
    private static final int EXT_BEFORE_NAME = 3;
    private static final int EXT_NAME = 4;
    private static final int EXT_AFTER_NAME = 5;
    private static final int EXT_BEFORE_VALUE = 6;
    private static final int EXT_TOKEN = 7;
    private static final int EXT_QUOTED = 8;
    private static final int EXT_QUOTED_PAIR = 9;
    private static final int EXT_AFTER_VALUE = 10;
    private static final int SIZE_LF = 11;
    private static final int DATA = 12;
    private static final int DATA_CR = 13;
    private static final int DATA_LF = 14;
    private static final int TRAILERS = 15;
    private static final int DONE = 16;
    private static final int REJECTED = 17;

    private final int maxLineBytes;
    private final int maxTrailerBytes;
    private final FieldLineScanner trailers = new FieldLineScanner();
    private Rejection rejection = Defect.NOT_REJECTED;
    private Rejection backendRejection = Defect.NOT_REJECTED;
    private int state = SIZE_FIRST;
    private int lineBytes;
    private int sizeDigits;
    private long remaining;
    private int trailerBytes;
    private long bodyBytes;
    private int consumed;

    public ChunkedScanner(int maxLineBytes, int maxTrailerBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxTrailerBytes = maxTrailerBytes;
    }

    public ChunkedScanner() {
        this(DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_TRAILER_BYTES);
    }

    /**
     * Scans buf[from,to), the next bytes of the body. NEED_MORE: all of them belong to the body. DONE: the body
     * ends {@link #consumed()} bytes after {@code from}; later bytes belong to the next message. REJECT: see
     * {@link #rejection()}. Never changes the buffer.
     */
    public ParseStatus scan(ByteBuffer buf, int from, int to) {
        consumed = 0;
        if (state == DONE) {
            return ParseStatus.DONE;
        }
        if (state == REJECTED) {
            return ParseStatus.REJECT;
        }
        int i = from;
        while (i < to) {
            if (state == DATA) {
                int step = (int) Math.min(remaining, to - i);
                i += step;
                remaining -= step;
                bodyBytes += step;
                if (remaining == 0) {
                    state = DATA_CR;
                }
                continue;
            }
            if (state == TRAILERS) {
                return trailers(buf, from, i, to);
            }
            if (!lineByte(at(buf, i))) {
                consumed = i - from;
                return ParseStatus.REJECT;
            }
            i++;
        }
        consumed = to - from;
        return ParseStatus.NEED_MORE;
    }

    /** How many of the bytes given to the last {@link #scan} belong to the body. */
    public int consumed() {
        return consumed;
    }

    /** Why the body was refused (status 400, {@code reject.*}); meaningful after REJECT, never null. */
    public Rejection rejection() {
        return rejection;
    }

    /** The same refusal for a body a backend sent: status 502, counted as {@code backend.*}; never null. */
    public Rejection backendRejection() {
        return backendRejection;
    }

    /** Chunk data bytes seen so far in this body, framing excluded. */
    public long bodyBytes() {
        return bodyBytes;
    }

    /** Prepares for the next body. */
    public void reset() {
        state = SIZE_FIRST;
        rejection = Defect.NOT_REJECTED;
        backendRejection = Defect.NOT_REJECTED;
        lineBytes = 0;
        sizeDigits = 0;
        remaining = 0;
        trailerBytes = 0;
        bodyBytes = 0;
        consumed = 0;
        trailers.reset();
    }

    /** One byte of a chunk-size line or of the CRLF after chunk data; false when refused. */
    private boolean lineByte(int b) {
        if (state < SIZE_LF) {
            if (b != CR && lineBytes == maxLineBytes) {
                return reject(Defect.CHUNK_EXT_TOO_LONG);
            }
            lineBytes++;
            if (b == LF) {
                return reject(Defect.BARE_LF);
            }
        }
        switch (state) {
            case SIZE_FIRST:
            case SIZE:
                return sizeByte(b);
            case SIZE_BWS:
                return b == ';' ? to(EXT_BEFORE_NAME) : CharClass.ows(b) || reject(Defect.BAD_CHUNK_SIZE);
            case EXT_BEFORE_NAME:
                return CharClass.tchar(b) ? to(EXT_NAME) : CharClass.ows(b) || reject(Defect.BAD_CHUNK_EXT);
            case EXT_NAME:
                return CharClass.tchar(b) || extDelimiter(b, EXT_AFTER_NAME, true);
            case EXT_AFTER_NAME:
                return extDelimiter(b, EXT_AFTER_NAME, true);
            case EXT_BEFORE_VALUE:
                return b == '"' ? to(EXT_QUOTED) : CharClass.tchar(b) ? to(EXT_TOKEN)
                        : CharClass.ows(b) || reject(Defect.BAD_CHUNK_EXT);
            case EXT_TOKEN:
                return CharClass.tchar(b) || extDelimiter(b, EXT_AFTER_VALUE, false);
            case EXT_QUOTED:
                if (b == '"') {
                    return to(EXT_AFTER_VALUE);
                }
                if (b == '\\') {
                    return to(EXT_QUOTED_PAIR);
                }
                return CharClass.fieldVchar(b) || CharClass.ows(b) || reject(Defect.BAD_CHUNK_EXT);
            case EXT_QUOTED_PAIR:
                return (CharClass.fieldVchar(b) || CharClass.ows(b)) ? to(EXT_QUOTED) : reject(Defect.BAD_CHUNK_EXT);
            case EXT_AFTER_VALUE:
                return extDelimiter(b, EXT_AFTER_VALUE, false);
            case SIZE_LF:
                if (b != LF) {
                    return reject(Defect.BARE_CR);
                }
                lineBytes = 0;
                if (remaining == 0) {
                    trailers.reset();
                    return to(TRAILERS);
                }
                return to(DATA);
            case DATA_CR:
                return b == CR ? to(DATA_LF) : reject(Defect.BAD_CHUNK);
            case DATA_LF:
                sizeDigits = 0;
                return b == LF ? to(SIZE_FIRST) : reject(Defect.BAD_CHUNK);
            default:
                throw new IllegalStateException("state " + state);
        }
    }

    /** chunk-size = 1*HEXDIG, at most 16 digits, fitting a positive long. */
    private boolean sizeByte(int b) {
        int digit = CharClass.hexValue(b);
        if (digit >= 0) {
            if (++sizeDigits > MAX_SIZE_DIGITS || remaining > (Long.MAX_VALUE >> 4)) {
                return reject(Defect.BAD_CHUNK_SIZE);
            }
            remaining = remaining << 4 | digit;
            return to(SIZE);
        }
        if (state == SIZE_FIRST) {
            return reject(Defect.BAD_CHUNK_SIZE);
        }
        if (b == CR) {
            return to(SIZE_LF);
        }
        if (b == ';') {
            return to(EXT_BEFORE_NAME);
        }
        return CharClass.ows(b) ? to(SIZE_BWS) : reject(Defect.BAD_CHUNK_SIZE);
    }

    /** After an extension name or value: BWS, ";" for the next extension, "=" after a name, or CR. */
    private boolean extDelimiter(int b, int whitespaceState, boolean valueMayFollow) {
        if (b == CR) {
            return to(SIZE_LF);
        }
        if (b == ';') {
            return to(EXT_BEFORE_NAME);
        }
        if (b == '=' && valueMayFollow) {
            return to(EXT_BEFORE_VALUE);
        }
        return CharClass.ows(b) ? to(whitespaceState) : reject(Defect.BAD_CHUNK_EXT);
    }

    private ParseStatus trailers(ByteBuffer buf, int from, int start, int to) {
        int i = start;
        while (true) {
            int stop = (int) Math.min((long) i + (maxTrailerBytes - trailerBytes), Integer.MAX_VALUE);
            int event = trailers.scan(buf, i, to, stop);
            trailerBytes += trailers.next - i;
            i = trailers.next;
            switch (event) {
                case FieldLineScanner.NEED_MORE:
                    consumed = to - from;
                    return ParseStatus.NEED_MORE;
                case FieldLineScanner.LINE:
                    break;
                case FieldLineScanner.END:
                    state = DONE;
                    consumed = i - from;
                    return ParseStatus.DONE;
                default:
                    reject(trailers.defect == Defect.HEAD_TOO_LARGE ? Defect.TRAILERS_TOO_LARGE : trailers.defect);
                    consumed = i - from;
                    return ParseStatus.REJECT;
            }
        }
    }

    private boolean to(int next) {
        state = next;
        return true;
    }

    private boolean reject(Defect defect) {
        rejection = defect.fromClient();
        backendRejection = defect.fromBackend();
        state = REJECTED;
        return false;
    }
}
