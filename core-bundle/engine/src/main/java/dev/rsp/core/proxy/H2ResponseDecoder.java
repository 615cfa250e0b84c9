package dev.rsp.core.proxy;

import dev.rsp.core.h2.HeaderBlockDecoder;
import dev.rsp.core.h2.hpack.DecodeStatus;
import dev.rsp.core.h2.hpack.FieldChecks;
import dev.rsp.core.h2.hpack.FieldSink;
import dev.rsp.core.h2.hpack.HpackDecoder;
import dev.rsp.core.h2.hpack.HpackLimits;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * HPACK in, for one HTTP/2 backend connection: every field block the backend sends is decoded here in order (blocks of
 * streams rsp gave up too, so the dynamic table stays in step). A kept block becomes what the exchange reads from an
 * HTTP/1.1 backend: a response head as HTTP/1.1 bytes ({@link #head}), its framing added (a length the backend gave,
 * else chunked), or trailer fields ({@link #trailers}). Which of the two a block is, the first field says (a head
 * starts with {@code :status}); the session says which it expected, and {@link #malformed} compares. A block that breaks RFC 9113 8.3 (no or a repeated
 * {@code :status}, a pseudo-header after a field or one a response may not carry, an invalid name or value, a
 * connection-specific field) is malformed ({@link #malformed}); the stream is then reset and its exchange answers 502.
 * Values with CR, LF or NUL never reach the HTTP/1.1 text (they are malformed): nothing can split the head. Loop
 * thread only.
 */
final class H2ResponseDecoder implements HeaderBlockDecoder, FieldSink {

    private static final FieldSink DISCARD = (n, nl, v, vl, s) -> { };
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);

    private final HpackDecoder hpack;
    /** The head being written: "HTTP/1.1 NNN reason\r\n" and one line per field; the framing and CRLF come last. */
    private final ByteBuffer head;
    private final List<String[]> trailerFields = new ArrayList<>();
    private int status;
    private boolean fieldsBegan;
    private boolean hasLength;
    private String malformed;
    /** The block's first field was not a pseudo-header: trailers (or a head without :status). */
    private boolean trailerBlock;
    private boolean first;

    /** @param maxHeadBytes the largest response head rsp accepts ({@code limits.head.bytes}) */
    H2ResponseDecoder(HpackLimits limits, int maxHeadBytes) {
        this.hpack = new HpackDecoder(limits);
        this.head = ByteBuffer.allocate(maxHeadBytes);
    }

    @Override
    public Outcome decode(ByteBuffer block, boolean keep) {
        head.clear();
        trailerFields.clear();
        status = 0;
        fieldsBegan = false;
        hasLength = false;
        malformed = null;
        trailerBlock = false;
        first = true;
        DecodeStatus s = hpack.decode(block, keep ? this : DISCARD);
        return switch (s) {
            case DONE -> keep && !trailerBlock && status >= 100 && status < 200 ? Outcome.INFORMATIONAL : Outcome.DECODED;
            case HEADER_LIST_TOO_LARGE -> Outcome.TOO_LARGE;
            default -> Outcome.COMPRESSION_ERROR;
        };
    }

    @Override
    public void field(byte[] name, int nameLength, byte[] value, int valueLength, boolean sensitive) {
        if (malformed != null) {
            return;
        }
        if (!FieldChecks.validName(name, nameLength) || !FieldChecks.validValue(value, valueLength)) {
            malformed = "invalid field name or value";
            return;
        }
        boolean pseudo = FieldChecks.pseudoHeader(name, nameLength);
        if (first) {
            first = false;
            trailerBlock = !pseudo;
        }
        if (pseudo) {
            pseudo(name, nameLength, value, valueLength);
            return;
        }
        if (trailerBlock) {
            trailerFields.add(new String[] {ascii(name, nameLength), ascii(value, valueLength)});
            return;
        }
        if (status == 0) {
            malformed = "a field before :status";
            return;
        }
        fieldsBegan = true;
        if (connectionSpecific(name, nameLength)) {
            malformed = "connection-specific field " + ascii(name, nameLength);
            return;
        }
        hasLength |= same(name, nameLength, CONTENT_LENGTH);
        try {
            head.put(name, 0, nameLength).put((byte) ':').put((byte) ' ').put(value, 0, valueLength)
                    .put((byte) '\r').put((byte) '\n');
        } catch (BufferOverflowException e) {
            malformed = "response head too large";
        }
    }

    private void pseudo(byte[] name, int nameLength, byte[] value, int valueLength) {
        if (trailerBlock) {
            malformed = "a pseudo-header in trailers";
        } else if (!ascii(name, nameLength).equals(":status")) {
            malformed = "pseudo-header " + ascii(name, nameLength) + " in a response";
        } else if (status != 0 || fieldsBegan) {
            malformed = fieldsBegan ? ":status after a field" : ":status twice";
        } else if (valueLength != 3 || !digit(value[0]) || !digit(value[1]) || !digit(value[2]) || value[0] == '0') {
            malformed = ":status " + ascii(value, valueLength) + " is not a status code";
        } else {
            status = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
            if (status == 101) {
                malformed = "101 in HTTP/2";
                return;
            }
            HeadWriter.ascii(head, "HTTP/1.1 ");
            head.put(value, 0, 3).put((byte) ' ');
            HeadWriter.ascii(head, reason(status));
            head.put((byte) '\r').put((byte) '\n');
        }
    }

    /** Why the last kept block is malformed as what the session expected ({@code trailers} or a head), or null. */
    String malformed(boolean trailers) {
        if (malformed != null) {
            return malformed;
        }
        if (trailers) {
            return status != 0 ? "a pseudo-header in trailers" : null;
        }
        return status == 0 ? "no :status" : null;
    }

    /** The status of the last kept head. */
    int status() {
        return status;
    }

    /** True when the last kept head had a Content-Length: the body is sent as it is, not chunked. */
    boolean sized() {
        return hasLength;
    }

    /**
     * The last kept head as HTTP/1.1 bytes (read mode), its framing added where the backend gave no length: chunked
     * when a body follows ({@code chunked}), a length of 0 when the head ended the stream ({@code empty}: a gRPC
     * "Trailers-Only" answer, which then reaches an HTTP/2 client as one HEADERS with END_STREAM); null when that does
     * not fit.
     */
    ByteBuffer head(boolean chunked, boolean empty) {
        try {
            if (chunked) {
                HeadWriter.ascii(head, "transfer-encoding: chunked\r\n");
            } else if (empty && !hasLength && status != 204 && status != 304 && status >= 200) {
                HeadWriter.ascii(head, "content-length: 0\r\n");
            }
            head.put((byte) '\r').put((byte) '\n');
        } catch (BufferOverflowException e) {
            return null;
        }
        return head.flip();
    }

    /** The last kept trailers ({name, value}); valid until the next block. */
    List<String[]> trailers() {
        return List.copyOf(trailerFields);
    }

    private static boolean connectionSpecific(byte[] n, int len) {
        byte c = n[0];
        if (len < 7 || len > 17 || c != 'c' && c != 'k' && c != 'p' && c != 't' && c != 'u') {
            return false;
        }
        String s = ascii(n, len);
        return switch (s) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> true;
            default -> false;
        };
    }

    private static boolean same(byte[] a, int len, byte[] b) {
        if (len != b.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static String ascii(byte[] b, int len) {
        return new String(b, 0, len, StandardCharsets.ISO_8859_1);
    }

    /** A reason phrase for the HTTP/1.1 status line (HTTP/2 carries none; empty is allowed, the common ones read better). */
    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> Replies.reason(status).equals("Error") ? "" : Replies.reason(status);
        };
    }
}
