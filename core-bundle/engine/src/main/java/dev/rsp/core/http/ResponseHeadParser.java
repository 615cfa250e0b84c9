package dev.rsp.core.http;

import static dev.rsp.core.http.CharClass.CR;
import static dev.rsp.core.http.CharClass.LF;
import static dev.rsp.core.http.CharClass.SP;
import static dev.rsp.core.http.CharClass.at;

import java.nio.ByteBuffer;

/**
 * Parses an HTTP/1.1 response head from a backend (RFC 9112) strictly and incrementally, straight out of the
 * backend connection's read buffer, with the same buffer contract as {@link RequestHeadParser}: the head starts at
 * {@code buf.position()}, readable bytes end at {@code buf.limit()}, the buffer is never changed, bytes already
 * passed are not examined again (but for a status line that failed the one-pass check of its usual form, read
 * once more byte by byte), offsets are absolute, and moving the position between calls starts over.
 *
 * <p>Every refusal is a 502 counted as {@code backend.<reason>}. Whether a body follows depends on the request
 * too, see {@link #hasBody(String, int)}; the parser only reports the framing fields. The status-line limit is
 * {@link HeadLimits#maxRequestLine()}.
 *
 * <p>Thread confinement: one instance per backend connection, used by that connection's thread only; call
 * {@link #reset()} before the next response (including after a 1xx interim response).
 */
public final class ResponseHeadParser implements HeadParser {
    private static final String VERSION_PREFIX = "HTTP/";
    private static final int VERSION_LENGTH = 8;
    /** The version's first seven bytes as nearly every server sends them. */
    private static final String USUAL_VERSION = "HTTP/1.";
    private static final int STATUS_END = VERSION_LENGTH + 4;

    private static final int VERSION = 0;
    private static final int STATUS = 1;
    private static final int REASON = 2;
    private static final int STATUS_LINE_LF = 3;
    private static final int FIELDS = 4;
    private static final int DONE = 5;
    private static final int REJECTED = 6;

    private final HeadLimits limits;
    private final HttpHead head = new HttpHead();
    private final HeaderSection section;
    private Rejection rejection = Defect.NOT_REJECTED;
    private int state;
    private boolean started;
    private int pos;

    public ResponseHeadParser(HeadLimits limits) {
        this.limits = limits;
        this.section = new HeaderSection(false, limits);
    }

    /**
     * Whether a response to {@code requestMethod} with {@code status} has a body (RFC 9112 6.3): not for HEAD,
     * 1xx, 204, 304, nor a 2xx to CONNECT.
     */
    public static boolean hasBody(String requestMethod, int status) {
        if ("HEAD".equals(requestMethod) || status < 200 || status == 204 || status == 304) {
            return false;
        }
        return !("CONNECT".equals(requestMethod) && status < 300);
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
        if (!started || head.headStart != buf.position()) {
            reset();
            started = true;
            head.headStart = buf.position();
            pos = head.headStart;
        }
        int limit = buf.limit();
        if (state == VERSION && pos == head.headStart && usualStatusLine(buf, limit)) {
            state = FIELDS;
        }
        if (state < FIELDS && !statusLine(buf, limit)) {
            return state == REJECTED ? ParseStatus.REJECT : ParseStatus.NEED_MORE;
        }
        ParseStatus status = section.scan(buf, limit, head);
        if (status == ParseStatus.DONE) {
            state = DONE;
        } else if (status == ParseStatus.REJECT) {
            reject(section.defect);
        }
        return status;
    }

    /** The parsed head; complete after {@link ParseStatus#DONE}. The same instance for every response. */
    @Override
    public HttpHead head() {
        return head;
    }

    /** Why the head was refused (status 502); meaningful after {@link ParseStatus#REJECT}, never null. */
    @Override
    public Rejection rejection() {
        return rejection;
    }

    /** Prepares for the next response on the connection, whose head starts at the next {@code buf.position()}. */
    @Override
    public void reset() {
        head.reset();
        section.reset();
        rejection = Defect.NOT_REJECTED;
        state = VERSION;
        started = false;
    }

    /**
     * Before the first byte is examined: when the whole status line has arrived, is "HTTP/1.0" or "HTTP/1.1", SP,
     * a status of 100 to 599, SP, a reason of field-vchar and OWS, CRLF, and is within both limits, takes it in
     * one pass (true; head filled up to {@code startLineEnd}). Otherwise returns false having changed nothing,
     * and {@link #statusLine} examines every byte with its checks, as always.
     */
    private boolean usualStatusLine(ByteBuffer buf, int limit) {
        int start = head.headStart;
        int reason = start + STATUS_END + 1;
        if (reason >= limit || at(buf, start + VERSION_LENGTH) != SP || at(buf, start + STATUS_END) != SP) {
            return false;
        }
        for (int k = 0; k < VERSION_LENGTH - 1; k++) {
            if (at(buf, start + k) != USUAL_VERSION.charAt(k)) {
                return false;
            }
        }
        int minor = at(buf, start + VERSION_LENGTH - 1) - '0';
        int status = 0;
        for (int p = start + VERSION_LENGTH + 1; p < start + STATUS_END; p++) {
            int d = at(buf, p) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            status = status * 10 + d;
        }
        if (minor < 0 || minor > 1 || status < 100 || status > 599) {
            return false;
        }
        long bound = (long) start + Math.min(limits.maxRequestLine(), limits.maxHeadBytes() - 1);
        int cr = CharClass.skipValueBytes(buf, reason, (int) Math.min(limit, bound));
        if (cr + 1 >= limit || cr - start > limits.maxRequestLine() || cr + 1 - start >= limits.maxHeadBytes()
                || at(buf, cr) != CR || at(buf, cr + 1) != LF) {
            return false;
        }
        head.versionMinor = minor;
        head.status = status;
        pos = cr + 2;
        head.startLineEnd = pos;
        section.next = pos;
        return true;
    }

    /** status-line = HTTP-version SP 3DIGIT SP reason-phrase CRLF; true once it is complete. */
    private boolean statusLine(ByteBuffer buf, int limit) {
        for (; pos < limit; pos++) {
            int b = at(buf, pos);
            int k = pos - head.headStart;
            if (state != STATUS_LINE_LF && b != CR && k >= limits.maxRequestLine()) {
                return reject(Defect.STATUS_LINE_TOO_LONG);
            }
            if (k >= limits.maxHeadBytes()) {
                return reject(Defect.HEAD_TOO_LARGE);
            }
            if (b == LF && state != STATUS_LINE_LF) {
                return reject(Defect.BARE_LF);
            }
            switch (state) {
                case VERSION:
                    if (!versionByte(buf, b, k)) {
                        return false;
                    }
                    break;
                case STATUS:
                    if (!statusByte(buf, b, k)) {
                        return false;
                    }
                    break;
                case REASON:
                    if (b == CR) {
                        state = STATUS_LINE_LF;
                    } else if (!CharClass.fieldVchar(b) && !CharClass.ows(b)) {
                        return reject(Defect.BAD_STATUS_LINE);
                    }
                    break;
                case STATUS_LINE_LF:
                    if (b != LF) {
                        return reject(Defect.BARE_CR);
                    }
                    pos++;
                    head.startLineEnd = pos;
                    section.next = pos;
                    state = FIELDS;
                    return true;
                default:
                    throw new IllegalStateException("state " + state);
            }
        }
        return false;
    }

    private boolean versionByte(ByteBuffer buf, int b, int k) {
        if (k == VERSION_LENGTH) {
            if (b != SP) {
                return reject(Defect.BAD_VERSION);
            }
            int major = at(buf, pos - 3) - '0';
            int minor = at(buf, pos - 1) - '0';
            if (major != 1 || minor > 1) {
                return reject(Defect.VERSION_NOT_SUPPORTED);
            }
            head.versionMinor = minor;
            state = STATUS;
            return true;
        }
        boolean expected = k < VERSION_PREFIX.length() ? b == VERSION_PREFIX.charAt(k)
                : k == 6 ? b == '.'
                : CharClass.digit(b);
        if (!expected) {
            return reject(k == 0 ? Defect.NOT_HTTP : Defect.BAD_VERSION);
        }
        return true;
    }

    /** Three digits, then SP before the reason or, tolerated, CR right away for an empty reason. */
    private boolean statusByte(ByteBuffer buf, int b, int k) {
        if (k < STATUS_END) {
            if (!CharClass.digit(b)) {
                return reject(Defect.BAD_STATUS_LINE);
            }
            head.status = head.status * 10 + (b - '0');
            return true;
        }
        if (b != SP && b != CR) {
            return reject(Defect.BAD_STATUS_LINE);
        }
        if (head.status < 100 || head.status > 599) {
            return reject(Defect.BAD_STATUS);
        }
        state = b == CR ? STATUS_LINE_LF : REASON;
        return true;
    }

    private boolean reject(Defect defect) {
        rejection = defect.fromBackend();
        state = REJECTED;
        return false;
    }
}
