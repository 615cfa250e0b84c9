package dev.rsp.core.http;

import static dev.rsp.core.http.CharClass.CR;
import static dev.rsp.core.http.CharClass.HTAB;
import static dev.rsp.core.http.CharClass.LF;
import static dev.rsp.core.http.CharClass.SP;
import static dev.rsp.core.http.CharClass.at;

import java.nio.ByteBuffer;

/**
 * The syntax of field lines, written once for request heads, response heads and chunked trailers:
 * {@code field-name ":" OWS field-value OWS CRLF}, ended by an empty line. Strict: CRLF only, no obs-fold, no
 * whitespace before the colon, no CTL but HTAB in values; obs-text is allowed in values. Meaning (Host,
 * Content-Length, ...) is not its business.
 *
 * <p>Incremental: it keeps its state between calls and never goes back over a line already passed; within a line,
 * only a value's trailing whitespace is read a second time (when its CR is found, to trim it) and the byte that
 * ends a run. It reports each complete line and then stops, so the caller can apply its rules before the next
 * line. One instance per parser, one thread.
 */
final class FieldLineScanner {
    /** Every byte up to {@code to} was valid; call again with more. */
    static final int NEED_MORE = 0;
    /** A field line ended; its offsets are in the fields below, {@link #next} is just after its CRLF. */
    static final int LINE = 1;
    /** The empty line ended the section; {@link #next} is just after it. */
    static final int END = 2;
    /** The byte at {@link #next} is refused, see {@link #defect}; {@code HEAD_TOO_LARGE} when at {@code stop}. */
    static final int ERROR = 3;

    private static final int LINE_START = 0;
    private static final int NAME = 1;
    private static final int BEFORE_VALUE = 2;
    private static final int VALUE = 3;
    private static final int LINE_LF = 4;
    private static final int END_LF = 5;

    private int state = LINE_START;

    int lineStart;
    int nameEnd;
    int valueStart;
    int valueEnd;
    int lineEnd;
    int next;
    Defect defect = Defect.BAD_FIELD_NAME;

    void reset() {
        state = LINE_START;
    }

    /**
     * Scans buf[from,to) from where the previous call stopped. {@code stop} bounds the section: examining the byte
     * at index {@code stop} is an error (HEAD_TOO_LARGE), so the caller learns of an oversized section at once.
     *
     * <p>Names and values are consumed by tight loops over one byte class each; the state machine only handles
     * the byte that ends a run. The outcome (event, offsets, defect, index of a refused byte) is the same as
     * examining the bytes one by one in order.
     */
    int scan(ByteBuffer buf, int from, int to, int stop) {
        int end = Math.min(to, stop);
        int i = from;
        while (i < end) {
            int b = at(buf, i);
            switch (state) {
                case LINE_START:
                    if (CharClass.tchar(b)) {
                        i = line(buf, i, end);
                        if (i < 0) {
                            return LINE;
                        }
                        continue;
                    }
                    if (b == CR) {
                        lineStart = i;
                        state = END_LF;
                        break;
                    }
                    return error(i, b == SP || b == HTAB ? Defect.OBS_FOLD
                            : b == LF ? Defect.BARE_LF
                            : b == ':' ? Defect.EMPTY_FIELD_NAME
                            : Defect.BAD_FIELD_NAME);
                case NAME:
                    if (b == ':') {
                        nameEnd = i;
                        state = BEFORE_VALUE;
                        break;
                    }
                    if (CharClass.tchar(b)) {
                        i = CharClass.skipTchars(buf, i + 1, end);
                        continue;
                    }
                    return error(i, b == SP || b == HTAB ? Defect.SPACE_BEFORE_COLON
                            : b == LF ? Defect.BARE_LF
                            : b == CR ? Defect.MISSING_COLON
                            : Defect.BAD_FIELD_NAME);
                case BEFORE_VALUE:
                    if (CharClass.fieldVchar(b)) {
                        valueStart = i;
                        state = VALUE;
                        i = CharClass.skipValueBytes(buf, i + 1, end);
                        continue;
                    }
                    if (b == CR) {
                        valueStart = i;
                        valueEnd = i;
                        state = LINE_LF;
                    } else if (b != SP && b != HTAB) {
                        return error(i, b == LF ? Defect.BARE_LF : Defect.BAD_FIELD_VALUE);
                    }
                    break;
                case VALUE:
                    if (b == CR) {
                        valueEnd = trimmedEnd(buf, valueStart, i);
                        state = LINE_LF;
                        break;
                    }
                    if (CharClass.valueByte(b)) {
                        i = CharClass.skipValueBytes(buf, i + 1, end);
                        continue;
                    }
                    return error(i, b == LF ? Defect.BARE_LF : Defect.BAD_FIELD_VALUE);
                case LINE_LF:
                    if (b != LF) {
                        return error(i, Defect.BARE_CR);
                    }
                    lineEnd = i + 1;
                    next = i + 1;
                    state = LINE_START;
                    return LINE;
                case END_LF:
                    if (b != LF) {
                        return error(i, Defect.BARE_CR);
                    }
                    next = i + 1;
                    state = LINE_START;
                    return END;
                default:
                    throw new IllegalStateException("state " + state);
            }
            i++;
        }
        if (i < to) {
            return error(i, Defect.HEAD_TOO_LARGE);
        }
        next = Math.max(from, to);
        return NEED_MORE;
    }

    /**
     * The usual field line in one pass, from its first byte (a tchar) at {@code i}: name, colon, OWS, a value that
     * starts with a field-vchar, CRLF, all before {@code end}. Returns -1 when that is what it found (offsets and
     * {@link #next} set, state LINE_START). Otherwise it stops at the first byte it does not expect, or at
     * {@code end}, and returns that index with the state the byte-by-byte machine would be in there, which then
     * takes over: no byte before that index is examined again, and every refusal comes from the machine.
     */
    private int line(ByteBuffer buf, int i, int end) {
        lineStart = i;
        int p = CharClass.skipTchars(buf, i + 1, end);
        if (p == end || at(buf, p) != ':') {
            state = NAME;
            return p;
        }
        nameEnd = p;
        p++;
        while (p < end && CharClass.ows(at(buf, p))) {
            p++;
        }
        if (p == end || !CharClass.fieldVchar(at(buf, p))) {
            state = BEFORE_VALUE;
            return p;
        }
        valueStart = p;
        p = CharClass.skipValueBytes(buf, p + 1, end);
        if (p + 1 >= end || at(buf, p) != CR || at(buf, p + 1) != LF) {
            state = VALUE;
            return p;
        }
        valueEnd = trimmedEnd(buf, valueStart, p);
        lineEnd = p + 2;
        next = p + 2;
        state = LINE_START;
        return -1;
    }

    /** End of a value that starts with a field-vchar at {@code start} and whose line has its CR at {@code cr}. */
    private static int trimmedEnd(ByteBuffer buf, int start, int cr) {
        int e = cr;
        while (e > start && CharClass.ows(at(buf, e - 1))) {
            e--;
        }
        return e;
    }

    private int error(int at, Defect found) {
        next = at;
        defect = found;
        return ERROR;
    }
}
