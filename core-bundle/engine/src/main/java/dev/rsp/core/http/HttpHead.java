package dev.rsp.core.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The parsed head of one HTTP/1.x request or response, as offsets into the buffer it was parsed from plus the
 * framing facts the proxy needs. Filled by {@link RequestHeadParser} or {@link ResponseHeadParser} and reused for
 * every message of one connection: it belongs to that connection's parser and is read on the same thread. Its
 * contents are complete only after the parser returned {@link ParseStatus#DONE}, and valid until the parser is
 * reset.
 *
 * <p>Every offset is an absolute index into the buffer that was parsed, so the head can be forwarded by copying
 * ranges. The methods taking a {@code ByteBuffer} must be given that same buffer with the head still in place.
 * Nothing here returns null: absent strings are {@code ""}, absent numbers {@code -1}.
 */
public final class HttpHead {
    /** Per field: line start (= name start), name end, value start, value end, line end (after CRLF). */
    private static final int SLOTS = 5;

    int headStart;
    int headEnd;
    int startLineEnd;
    String method = "";
    String target = "";
    int targetStart;
    int targetEnd;
    boolean absoluteForm;
    String authority = "";
    int versionMinor;
    int status;

    private int count;
    private int[] fields = new int[16 * SLOTS];
    /** Per field: {@link #FORWARDED}, {@link #HOP_BY_HOP} or {@link #FRAMING}. */
    private byte[] kinds = new byte[16];
    private static final byte FORWARDED = 0;
    private static final byte HOP_BY_HOP = 1;
    private static final byte FRAMING = 2;

    long contentLength = -1;
    boolean chunked;
    String transferCodings = "";
    boolean framingRewritten;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    String upgrade = "";
    boolean expectContinue;
    String host = "";

    /** Index of the first byte of the start line (after any skipped empty lines). */
    public int headStart() {
        return headStart;
    }

    /** Index just after the CRLF CRLF that ends the head: where the body, or the next message, starts. */
    public int headEnd() {
        return headEnd;
    }

    public int headLength() {
        return headEnd - headStart;
    }

    /** Index just after the CRLF of the request line or status line. */
    public int startLineEnd() {
        return startLineEnd;
    }

    /** The request method, a shared constant for the common ones; "" for a response. */
    public String method() {
        return method;
    }

    /** The target in origin-form ("/p?q", or "*" for OPTIONS), also for an absolute-form request; "" for a response. */
    public String target() {
        return target;
    }

    /** Index of the first byte of the request-target as sent. */
    public int targetStart() {
        return targetStart;
    }

    /** Index just after the last byte of the request-target as sent. */
    public int targetEnd() {
        return targetEnd;
    }

    /** Whether the request-target was sent in absolute-form ({@code http://host/p}). */
    public boolean absoluteForm() {
        return absoluteForm;
    }

    /** host[:port] of an absolute-form request-target; "" otherwise. */
    public String authority() {
        return authority;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int versionMinor() {
        return versionMinor;
    }

    /** The status code of a response; 0 for a request. */
    public int status() {
        return status;
    }

    public int headerCount() {
        return count;
    }

    public int nameStart(int i) {
        return slot(i, 0);
    }

    public int nameEnd(int i) {
        return slot(i, 1);
    }

    /** Start of the field value, leading whitespace excluded. */
    public int valueStart(int i) {
        return slot(i, 2);
    }

    /** End of the field value, trailing whitespace excluded. */
    public int valueEnd(int i) {
        return slot(i, 3);
    }

    /** Start of the whole field line. */
    public int lineStart(int i) {
        return slot(i, 0);
    }

    /** End of the whole field line, just after its CRLF. */
    public int lineEnd(int i) {
        return slot(i, 4);
    }

    /** Whether the name of field {@code i} equals {@code lowerCaseName} ignoring case; allocates nothing. */
    public boolean nameIs(ByteBuffer buf, int i, String lowerCaseName) {
        return CharClass.equalsLowerCase(buf, nameStart(i), nameEnd(i), lowerCaseName);
    }

    /** The value of the first field named {@code lowerCaseName}, trimmed, or "" when there is none. */
    public String firstValue(ByteBuffer buf, String lowerCaseName) {
        for (int i = 0; i < count; i++) {
            if (nameIs(buf, i, lowerCaseName)) {
                return value(buf, i);
            }
        }
        return "";
    }

    /** The value of field {@code i}, trimmed, bytes decoded as ISO-8859-1. */
    public String value(ByteBuffer buf, int i) {
        return CharClass.string(buf, valueStart(i), valueEnd(i));
    }

    /**
     * Whether field {@code i} must not be forwarded: Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
     * Upgrade, HTTP2-Settings, and the fields named by a Connection option. Host, Content-Length and Transfer-Encoding are never
     * flagged, even when a Connection option names them, because the proxy frames and routes by them.
     */
    public boolean hopByHop(int i) {
        Objects.checkIndex(i, count);
        return kinds[i] == HOP_BY_HOP;
    }

    /**
     * Whether field {@code i} is a Content-Length or Transfer-Encoding field that must not be forwarded as sent: a list
     * with empty members, repeated equal lengths or leading zeros that rsp accepted could be read differently by the
     * next recipient, so whoever forwards the message writes one normalised field from {@link #contentLength()} or
     * {@link #transferCodings()} instead (see {@link #rewritesFraming()}).
     */
    public boolean framing(int i) {
        Objects.checkIndex(i, count);
        return kinds[i] == FRAMING;
    }

    /**
     * Whether the framing fields must be written anew when the message is forwarded: they came in a list form (see
     * {@link #framing}). False for one canonical field, which is forwarded as sent.
     */
    public boolean rewritesFraming() {
        return framingRewritten;
    }

    /** Whether field {@code i} is forwarded as sent: neither {@link #hopByHop} nor {@link #framing}. */
    public boolean forwardedAsSent(int i) {
        Objects.checkIndex(i, count);
        return kinds[i] == FORWARDED;
    }

    /**
     * The body is forwarded re-encoded (compressed, its length unknown until the end): from now on the head says
     * chunked and has no Content-Length, so that the writers of the head and body frame it so. Call only on a head
     * whose body is about to be relayed, before its head is written; {@code buf} holds it.
     */
    public void reframeChunked(ByteBuffer buf) {
        for (int f = 0; f < count; f++) {
            if (nameIs(buf, f, "content-length") || nameIs(buf, f, "transfer-encoding")) {
                kinds[f] = FRAMING;
            }
        }
        contentLength = -1;
        chunked = true;
        transferCodings = "chunked";
        framingRewritten = true;
    }

    /** The Content-Length, or -1 when absent. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is framed by the chunked transfer coding. */
    public boolean chunked() {
        return chunked;
    }

    /**
     * The Transfer-Encoding codings in order, joined by ", ", without empty list members; "" when the message has no
     * Transfer-Encoding. For a request it can only be "chunked" (anything else is refused).
     */
    public String transferCodings() {
        return transferCodings;
    }

    /** Whether a Connection option is "close". */
    public boolean connectionClose() {
        return connectionClose;
    }

    /** Whether a Connection option is "keep-alive". */
    public boolean connectionKeepAlive() {
        return connectionKeepAlive;
    }

    /** Whether a Connection option is "upgrade". */
    public boolean connectionUpgrade() {
        return connectionUpgrade;
    }

    /** The Upgrade value (several fields joined by ", "), or "" when absent. */
    public String upgrade() {
        return upgrade;
    }

    /** Whether an HTTP/1.1 request carries "Expect: 100-continue". */
    public boolean expectContinue() {
        return expectContinue;
    }

    /**
     * The host the request is for: the authority of an absolute-form target (RFC 9112 3.2.2: it replaces Host), else
     * the Host value as sent, trimmed; "" for a response.
     */
    public String host() {
        return host;
    }

    /** Forgets the previous message; keeps the arrays for the next one. */
    public void reset() {
        headStart = 0;
        headEnd = 0;
        startLineEnd = 0;
        method = "";
        target = "";
        targetStart = 0;
        targetEnd = 0;
        absoluteForm = false;
        authority = "";
        versionMinor = 0;
        status = 0;
        count = 0;
        contentLength = -1;
        chunked = false;
        transferCodings = "";
        framingRewritten = false;
        connectionClose = false;
        connectionKeepAlive = false;
        connectionUpgrade = false;
        upgrade = "";
        expectContinue = false;
        host = "";
    }

    /** Records one field line; returns its index. The caller bounds the count. */
    int addField(int lineStart, int nameEnd, int valueStart, int valueEnd, int lineEnd) {
        if (count == kinds.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
            kinds = Arrays.copyOf(kinds, kinds.length * 2);
        }
        int base = count * SLOTS;
        fields[base] = lineStart;
        fields[base + 1] = nameEnd;
        fields[base + 2] = valueStart;
        fields[base + 3] = valueEnd;
        fields[base + 4] = lineEnd;
        kinds[count] = FORWARDED;
        return count++;
    }

    void markHopByHop(int i) {
        kinds[i] = HOP_BY_HOP;
    }

    void markFraming(int i) {
        kinds[i] = FRAMING;
    }

    private int slot(int i, int slot) {
        Objects.checkIndex(i, count);
        return fields[i * SLOTS + slot];
    }
}
