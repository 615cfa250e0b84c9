package dev.rsp.core.http;

import static dev.rsp.core.http.CharClass.CR;
import static dev.rsp.core.http.CharClass.LF;
import static dev.rsp.core.http.CharClass.SP;
import static dev.rsp.core.http.CharClass.at;

import java.nio.ByteBuffer;

/**
 * Parses an HTTP/1.1 request head (RFC 9112) strictly and incrementally, straight out of the connection's read
 * buffer. The head starts at {@code buf.position()}; the readable bytes end at {@code buf.limit()}. Each call
 * examines only the bytes that arrived since the previous one and never changes the buffer's position, limit or
 * content. Between calls for one head the engine must leave the bytes already given where they are; if it moves
 * the position, parsing starts over at the new position.
 *
 * <p>Every refusal is reported as soon as the offending byte (or the byte over a limit) has arrived, with a
 * specific {@link Rejection}; whatever way the bytes are split across calls, the outcome is the same.
 *
 * <p>Thread confinement: one instance per client connection, used by that connection's thread only. After
 * {@link ParseStatus#DONE}, {@link #head()} describes the request and {@code head().headEnd()} is where the body
 * or the next request starts; call {@link #reset()} before parsing the next request.
 */
public final class RequestHeadParser implements HeadParser {
    private static final int MAX_EMPTY_LINES = 4;
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"};
    private static final String VERSION_PREFIX = "HTTP/";
    private static final int VERSION_LENGTH = 8;
    /** The version's first seven bytes as nearly every client sends them. */
    private static final String USUAL_VERSION = "HTTP/1.";

    private static final int LEADING = 0;
    private static final int LEADING_LF = 1;
    private static final int METHOD = 2;
    private static final int TARGET = 3;
    private static final int VERSION = 4;
    private static final int REQUEST_LINE_LF = 5;
    private static final int FIELDS = 6;
    private static final int DONE = 7;
    private static final int REJECTED = 8;

    private final HeadLimits limits;
    private final HttpHead head = new HttpHead();
    private final HeaderSection section;
    private final TargetForm targetForm = new TargetForm();
    private Rejection rejection = Defect.NOT_REJECTED;
    private int state;
    private boolean started;
    private int origin;
    private int pos;
    private int emptyLines;
    private int versionStart;

    public RequestHeadParser(HeadLimits limits) {
        this.limits = limits;
        this.section = new HeaderSection(true, limits);
    }

    /** Continues parsing the head at {@code buf.position()} with the bytes up to {@code buf.limit()}. */
    @Override
    public ParseStatus parse(ByteBuffer buf) {
        if (state == DONE) {
            return ParseStatus.DONE;
        }
        if (state == REJECTED) {
            return ParseStatus.REJECT;
        }
        if (!started || origin != buf.position()) {
            reset();
            started = true;
            origin = buf.position();
            pos = origin;
            head.headStart = origin;
        }
        int limit = buf.limit();
        if (state < FIELDS && !requestLine(buf, limit)) {
            return state == REJECTED ? ParseStatus.REJECT : ParseStatus.NEED_MORE;
        }
        return fieldLines(buf, limit);
    }

    /** The limits this parser enforces. */
    public HeadLimits limits() {
        return limits;
    }

    /** The parsed head; complete after {@link ParseStatus#DONE}. The same instance for every request. */
    @Override
    public HttpHead head() {
        return head;
    }

    /** Why the head was refused; meaningful after {@link ParseStatus#REJECT}, never null. */
    @Override
    public Rejection rejection() {
        return rejection;
    }

    /** Prepares for the next request on the connection, whose head starts at the next {@code buf.position()}. */
    @Override
    public void reset() {
        head.reset();
        section.reset();
        rejection = Defect.NOT_REJECTED;
        state = LEADING;
        started = false;
        emptyLines = 0;
    }

    /** Runs the request-line states; true once the request line is complete. */
    private boolean requestLine(ByteBuffer buf, int limit) {
        for (; pos < limit; pos++) {
            int b = at(buf, pos);
            if (state >= METHOD) {
                if (state <= VERSION && b != CR && pos - head.headStart >= limits.maxRequestLine()) {
                    return reject(Defect.URI_TOO_LONG);
                }
                if (pos - head.headStart >= limits.maxHeadBytes()) {
                    return reject(Defect.HEAD_TOO_LARGE);
                }
            }
            switch (state) {
                case LEADING:
                    if (b == CR) {
                        if (emptyLines == MAX_EMPTY_LINES) {
                            return reject(Defect.TOO_MANY_EMPTY_LINES);
                        }
                        state = LEADING_LF;
                    } else if (CharClass.tchar(b)) {
                        head.headStart = pos;
                        state = METHOD;
                    } else {
                        return reject(b == LF ? Defect.BARE_LF : Defect.NOT_HTTP);
                    }
                    break;
                case LEADING_LF:
                    if (b != LF) {
                        return reject(Defect.BARE_CR);
                    }
                    emptyLines++;
                    state = LEADING;
                    break;
                case METHOD:
                    if (b == SP) {
                        if (!method(buf, pos)) {
                            return false;
                        }
                        head.targetStart = pos + 1;
                        state = TARGET;
                    } else if (CharClass.tchar(b)) {
                        pos = CharClass.skipTchars(buf, pos + 1, uncheckedEnd(limit)) - 1;
                    } else {
                        return reject(b == LF ? Defect.BARE_LF : b == CR ? Defect.BAD_REQUEST_LINE : Defect.BAD_METHOD);
                    }
                    break;
                case TARGET:
                    if (b == SP) {
                        if (pos == head.targetStart) {
                            return reject(Defect.BAD_REQUEST_LINE);
                        }
                        head.targetEnd = pos;
                        if (!targetForm.classify(buf, head)) {
                            return reject(targetForm.defect());
                        }
                        versionStart = pos + 1;
                        state = VERSION;
                    } else if (CharClass.targetByte(b)) {
                        pos = CharClass.skipTargetBytes(buf, pos + 1, uncheckedEnd(limit)) - 1;
                    } else {
                        return reject(b == LF ? Defect.BARE_LF : b == CR ? Defect.MISSING_VERSION : Defect.BAD_TARGET);
                    }
                    break;
                case VERSION:
                    if (pos == versionStart && usualVersion(buf, limit)) {
                        return true;
                    }
                    if (!versionByte(buf, b)) {
                        return false;
                    }
                    break;
                case REQUEST_LINE_LF:
                    if (b != LF) {
                        return reject(Defect.BARE_CR);
                    }
                    head.startLineEnd = pos + 1;
                    pos++;
                    section.next = pos;
                    state = FIELDS;
                    return true;
                default:
                    throw new IllegalStateException("state " + state);
            }
        }
        return false;
    }

    /**
     * Where a run of method or target bytes may be skipped without the per-byte limit checks: below both the
     * request-line and the head limit, counted from the head's start, and below {@code limit}. The byte there, if
     * any, goes through the checks as usual.
     */
    private int uncheckedEnd(int limit) {
        long bound = (long) head.headStart + Math.min(limits.maxRequestLine(), limits.maxHeadBytes());
        return (int) Math.min(limit, bound);
    }

    /**
     * At the version's first byte: "HTTP/1.1" or "HTTP/1.0" and CRLF, all arrived and within both limits, end the
     * request line at once (state FIELDS, true). Anything else returns false having changed nothing, and the
     * bytes go through {@link #versionByte} and the per-byte limit checks as usual.
     */
    private boolean usualVersion(ByteBuffer buf, int limit) {
        int lineFeed = pos + VERSION_LENGTH + 1;
        if (lineFeed >= limit
                || pos + VERSION_LENGTH - 1 - head.headStart >= limits.maxRequestLine()
                || lineFeed - head.headStart >= limits.maxHeadBytes()) {
            return false;
        }
        for (int k = 0; k < VERSION_LENGTH - 1; k++) {
            if (at(buf, pos + k) != USUAL_VERSION.charAt(k)) {
                return false;
            }
        }
        int minor = at(buf, pos + VERSION_LENGTH - 1) - '0';
        if (minor < 0 || minor > 1 || at(buf, lineFeed - 1) != CR || at(buf, lineFeed) != LF) {
            return false;
        }
        head.versionMinor = minor;
        pos = lineFeed + 1;
        head.startLineEnd = pos;
        section.next = pos;
        state = FIELDS;
        return true;
    }

    /** HTTP-version = "HTTP/" DIGIT "." DIGIT, then CR; only 1.0 and 1.1 are served. */
    private boolean versionByte(ByteBuffer buf, int b) {
        int k = pos - versionStart;
        if (k == VERSION_LENGTH) {
            if (b != CR) {
                return reject(b == LF ? Defect.BARE_LF : Defect.BAD_VERSION);
            }
            int major = at(buf, versionStart + 5) - '0';
            int minor = at(buf, versionStart + 7) - '0';
            if (major != 1 || minor > 1) {
                return reject(Defect.VERSION_NOT_SUPPORTED);
            }
            head.versionMinor = minor;
            state = REQUEST_LINE_LF;
            return true;
        }
        boolean expected = k < VERSION_PREFIX.length() ? b == VERSION_PREFIX.charAt(k)
                : k == 6 ? b == '.'
                : CharClass.digit(b);
        return expected || reject(b == LF ? Defect.BARE_LF : Defect.BAD_VERSION);
    }

    /** Names the method ending at {@code end}; CONNECT is refused as soon as it is known. */
    private boolean method(ByteBuffer buf, int end) {
        int start = head.headStart;
        for (String known : METHODS) {
            if (sameBytes(buf, start, end, known)) {
                head.method = known;
                return true;
            }
        }
        if (sameBytes(buf, start, end, "CONNECT")) {
            return reject(Defect.CONNECT_UNSUPPORTED);
        }
        head.method = CharClass.string(buf, start, end);
        return true;
    }

    private static boolean sameBytes(ByteBuffer buf, int start, int end, String ascii) {
        if (end - start != ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (at(buf, start + i) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private ParseStatus fieldLines(ByteBuffer buf, int limit) {
        ParseStatus status = section.scan(buf, limit, head);
        if (status == ParseStatus.DONE) {
            state = DONE;
        } else if (status == ParseStatus.REJECT) {
            reject(section.defect);
        }
        return status;
    }

    private boolean reject(Defect defect) {
        rejection = defect.fromClient();
        state = REJECTED;
        return false;
    }

}
