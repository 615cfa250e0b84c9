package dev.rsp.core.proxy;

import dev.rsp.core.h2.hpack.HpackEncoder;
import dev.rsp.core.http.HttpHead;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Heads for HTTP/2 peers in two steps: responses for clients, requests for HTTP/2 backends. First a head is written as plain lines into a buffer the exchange
 * owns ({@link #response}, {@link #reply}, {@link #trailers}): the status (empty for trailers) on the first line,
 * then one {@code name:value} line per field, names lower-cased, without the fields HTTP/2 forbids. Then, at the
 * moment it goes into the connection's output, it is HPACK-encoded ({@link #encode}). Encoding only then keeps the
 * blocks in the order the client decodes them, which the HPACK dynamic table requires, however the streams'
 * writes interleave. Static; loop thread only.
 */
final class H2Heads {

    private H2Heads() {
    }

    /**
     * The backend's response head {@code h} (in {@code src}) as lines: fields forwarded as sent, none of the
     * connection-specific ones (RFC 9113 8.2.2), the length when the body has one (never Transfer-Encoding).
     *
     * @return false when it does not fit {@code out}
     */
    static boolean response(ByteBuffer src, HttpHead h, ResponseEdits edits, ByteBuffer out) {
        out.clear();
        try {
            status(out, h.status());
            for (int i = 0; i < h.headerCount(); i++) {
                if (h.forwardedAsSent(i) && !h.nameIs(src, i, "content-length") && !h.nameIs(src, i, "transfer-encoding")
                        && !connectionSpecific(src, h, i) && !(edits != null && edits.drops(src, h, i))) {
                    lowerCaseName(src, h, i, out);
                    if (edits != null && edits.rewrites(src, h, i)) {
                        edits.writeValue(src, h, i, out);
                    } else {
                        HeadWriter.copy(src, h.valueStart(i), h.valueEnd(i), out);
                    }
                    out.put((byte) '\n');
                }
            }
            if (!h.chunked() && h.contentLength() >= 0) {
                HeadWriter.ascii(out, "content-length:");
                HeadWriter.decimal(out, h.contentLength());
                out.put((byte) '\n');
            }
            if (edits != null) {
                edits.writeFields(out, true);
            }
        } catch (BufferOverflowException e) {
            return false;
        }
        out.flip();
        return true;
    }

    /**
     * The request head for an HTTP/2 backend as lines, from the HTTP/1.1 head rsp wrote for it ({@code h} in
     * {@code src}, see {@link HeadWriter#request}): the pseudo-headers first (":scheme" the backend connection's,
     * {@code https} over TLS and {@code http} in cleartext; the client's scheme is in X-Forwarded-Proto), "te: trailers"
     * (rsp, the recipient of the
     * response, takes trailers on every stream, and gRPC servers require the field), then its fields without Host (it
     * is ":authority") and without the connection-specific ones (RFC 9113 8.2.2; a chunked body goes as DATA frames,
     * its length unknown).
     *
     * @return false when it does not fit {@code out}
     */
    static boolean request(ByteBuffer src, HttpHead h, boolean tls, ByteBuffer out) {
        out.clear();
        try {
            out.put((byte) '\n');
            HeadWriter.ascii(out, ":method:");
            HeadWriter.ascii(out, h.method());
            HeadWriter.ascii(out, tls ? "\n:scheme:https\n:authority:" : "\n:scheme:http\n:authority:");
            HeadWriter.ascii(out, h.host() == null ? "" : h.host());
            HeadWriter.ascii(out, "\n:path:");
            HeadWriter.copy(src, h.targetStart(), h.targetEnd(), out);
            HeadWriter.ascii(out, "\nte:trailers\n");
            for (int i = 0; i < h.headerCount(); i++) {
                if (h.nameIs(src, i, "host") || h.nameIs(src, i, "transfer-encoding") || h.chunked() && h.nameIs(src, i, "content-length")
                        || connectionSpecific(src, h, i)) {
                    continue;
                }
                lowerCaseName(src, h, i, out);
                HeadWriter.copy(src, h.valueStart(i), h.valueEnd(i), out);
                out.put((byte) '\n');
            }
        } catch (BufferOverflowException e) {
            return false;
        }
        out.flip();
        return true;
    }

    private static void lowerCaseName(ByteBuffer src, HttpHead h, int i, ByteBuffer out) {
        for (int p = h.nameStart(i); p < h.nameEnd(i); p++) {
            byte b = src.get(p);
            out.put(b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b);
        }
        out.put((byte) ':');
    }

    private static boolean connectionSpecific(ByteBuffer src, HttpHead h, int i) {
        return h.nameIs(src, i, "connection") || h.nameIs(src, i, "keep-alive") || h.nameIs(src, i, "proxy-connection")
                || h.nameIs(src, i, "upgrade") || h.nameIs(src, i, "te");
    }

    /** One of rsp's own answers: status, type and length, and {@code retry-after} when {@code retryAfterSeconds > 0}. */
    static void reply(int status, String contentType, int length, long retryAfterSeconds, ByteBuffer out) {
        reply(status, contentType, length, retryAfterSeconds, "", out);
    }

    /** {@link #reply(int, String, int, long, ByteBuffer)} with {@code location} when not "" (a redirect). */
    static void reply(int status, String contentType, int length, long retryAfterSeconds, String location, ByteBuffer out) {
        out.clear();
        status(out, status);
        HeadWriter.ascii(out, "content-type:" + contentType + "\ncontent-length:" + length + "\n"
                + (Replies.retryAfter(status, retryAfterSeconds) > 0
                        ? "retry-after:" + Replies.retryAfter(status, retryAfterSeconds) + "\n" : "")
                + (location.isEmpty() ? "" : "location:" + location + "\n"));
        out.flip();
    }

    /** Trailer fields ({name, value}, names lower-case) as lines. */
    static boolean trailers(List<String[]> fields, ByteBuffer out) {
        out.clear();
        try {
            out.put((byte) '\n');
            for (String[] f : fields) {
                HeadWriter.ascii(out, f[0] + ":" + f[1] + "\n");
            }
        } catch (BufferOverflowException e) {
            return false;
        }
        out.flip();
        return true;
    }

    private static void status(ByteBuffer out, int status) {
        HeadWriter.decimal(out, status);
        out.put((byte) '\n');
    }

    /** The status of a head written here (-1 for trailers). */
    static int status(ByteBuffer lines) {
        int p = lines.position();
        if (lines.get(p) == '\n') {
            return -1;
        }
        return (lines.get(p) - '0') * 100 + (lines.get(p + 1) - '0') * 10 + (lines.get(p + 2) - '0');
    }

    /** The most bytes {@link #encode} can write for {@code lines}, frame headers not counted. */
    static int bound(ByteBuffer lines) {
        int total = 16 + HpackEncoder.maxFieldLength(7, 3);
        int end = lines.limit();
        int p = next(lines, lines.position(), end) + 1;
        while (p < end) {
            int nl = next(lines, p, end);
            total += HpackEncoder.maxFieldLength(nl - p, 0);
            p = nl + 1;
        }
        return total;
    }

    /** HPACK-encodes {@code lines} (not consumed) into {@code block}; false when {@code block} is too small. */
    static boolean encode(ByteBuffer lines, HpackEncoder encoder, ByteBuffer block) {
        int end = lines.limit();
        int p = lines.position();
        int nl = next(lines, p, end);
        if (!encoder.startBlock(block) || nl > p && !encoder.status(block, status(lines))) {
            return false;
        }
        p = nl + 1;
        while (p < end) {
            nl = next(lines, p, end);
            int colon = p + 1; // a name is never empty: a pseudo-header's own ':' is not the separator
            while (lines.get(colon) != ':') {
                colon++;
            }
            if (!encoder.field(block, lines, p, colon, colon + 1, nl)) {
                return false;
            }
            p = nl + 1;
        }
        return true;
    }

    private static int next(ByteBuffer b, int from, int end) {
        int i = from;
        while (i < end && b.get(i) != '\n') {
            i++;
        }
        return i;
    }
}
