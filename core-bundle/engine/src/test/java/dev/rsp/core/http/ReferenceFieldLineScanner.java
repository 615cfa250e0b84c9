package dev.rsp.core.http;

import static dev.rsp.core.http.CharClass.CR;
import static dev.rsp.core.http.CharClass.HTAB;
import static dev.rsp.core.http.CharClass.LF;
import static dev.rsp.core.http.CharClass.SP;
import static dev.rsp.core.http.CharClass.at;

import java.nio.ByteBuffer;

/**
 * Test oracle: {@link FieldLineScanner} as it was before runs of bytes were scanned by tight loops (commit 103a6a7),
 * kept for {@link DifferentialParserTest}; not used by main code. Its original description follows.
 *
 * The syntax of field lines, written once for request heads, response heads and chunked trailers:
 * {@code field-name ":" OWS field-value OWS CRLF}, ended by an empty line. Strict: CRLF only, no obs-fold, no
 * whitespace before the colon, no CTL but HTAB in values; obs-text is allowed in values. Meaning (Host,
 * Content-Length, ...) is not its business.
 *
 * <p>Incremental: it keeps its state between calls and examines each byte once. It reports each complete line and
 * then stops, so the caller can apply its rules before the next line. One instance per parser, one thread.
 */
final class ReferenceFieldLineScanner {
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
     */
    int scan(ByteBuffer buf, int from, int to, int stop) {
        for (int i = from; i < to; i++) {
            if (i >= stop) {
                return error(i, Defect.HEAD_TOO_LARGE);
            }
            int b = at(buf, i);
            switch (state) {
                case LINE_START:
                    if (CharClass.tchar(b)) {
                        lineStart = i;
                        state = NAME;
                    } else if (b == CR) {
                        lineStart = i;
                        state = END_LF;
                    } else {
                        return error(i, b == SP || b == HTAB ? Defect.OBS_FOLD
                                : b == LF ? Defect.BARE_LF
                                : b == ':' ? Defect.EMPTY_FIELD_NAME
                                : Defect.BAD_FIELD_NAME);
                    }
                    break;
                case NAME:
                    if (b == ':') {
                        nameEnd = i;
                        state = BEFORE_VALUE;
                    } else if (!CharClass.tchar(b)) {
                        return error(i, b == SP || b == HTAB ? Defect.SPACE_BEFORE_COLON
                                : b == LF ? Defect.BARE_LF
                                : b == CR ? Defect.MISSING_COLON
                                : Defect.BAD_FIELD_NAME);
                    }
                    break;
                case BEFORE_VALUE:
                    if (CharClass.fieldVchar(b)) {
                        valueStart = i;
                        valueEnd = i + 1;
                        state = VALUE;
                    } else if (b == CR) {
                        valueStart = i;
                        valueEnd = i;
                        state = LINE_LF;
                    } else if (b != SP && b != HTAB) {
                        return error(i, b == LF ? Defect.BARE_LF : Defect.BAD_FIELD_VALUE);
                    }
                    break;
                case VALUE:
                    if (CharClass.fieldVchar(b)) {
                        valueEnd = i + 1;
                    } else if (b == CR) {
                        state = LINE_LF;
                    } else if (b != SP && b != HTAB) {
                        return error(i, b == LF ? Defect.BARE_LF : Defect.BAD_FIELD_VALUE);
                    }
                    break;
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
        }
        next = Math.max(from, to);
        return NEED_MORE;
    }

    private int error(int at, Defect found) {
        next = at;
        defect = found;
        return ERROR;
    }
}
