package dev.rsp.tls.hello;

import dev.rsp.tls.hello.Rejection.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Reads the TLS ClientHello at the start of a connection without consuming it, so that the connection can be routed
 * by SNI or ALPN and the same bytes replayed, unchanged, to a backend.
 *
 * <p>Contract. One parser per connection, used by one thread at a time. {@link #parse} is given a buffer whose
 * remaining bytes are everything received on the connection so far, starting with its first byte; each call must
 * present at least the bytes of the previous call (the same prefix, possibly more). The parser never changes the
 * buffer's position, limit or content, and remembers how far it got: records already checked are not read again
 * until the ClientHello is complete. A fresh parser given the whole buffer at once reaches the same result.
 *
 * <p>Bounds. Only complete TLS records (RFC 8446 5.1: content type 22, legacy_record_version 0x0301 to 0x0303,
 * length 1 to 2^14) are taken; a ClientHello may span any number of them. Every declared length is checked against
 * {@code maxBytes} (record headers included) as soon as it is seen, and nothing is allocated until the bytes have
 * arrived: the only allocation is one copy of the ClientHello body once it is complete. The parser has no clock:
 * the caller enforces the timeout ({@link #DEFAULT_TIMEOUT}) and counts {@link Reason#TIMEOUT} itself.
 *
 * <p>Outcome. {@link Status#NEED_MORE} until decided; then {@link Status#DONE} with {@link #hello()} or
 * {@link Status#REJECT} with {@link #rejection()}. Both are final: later calls return the same status.
 */
public final class ClientHelloParser {

    /** The default cap on the bytes inspected (ClientHello plus its record headers). */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024;
    /** The default time a client gets to send its complete ClientHello; enforced by the caller. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    static final int RECORD_HEADER = 5;
    static final int HANDSHAKE_HEADER = 4;
    static final int MAX_FRAGMENT = 1 << 14;
    /** legacy_version, random, empty session id, one cipher suite, one compression method. */
    static final int MIN_BODY = 2 + 32 + 1 + 2 + 2 + 1 + 1;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    /** An HTTP method longer than this is not taken for one. */
    private static final int MAX_METHOD = 24;

    /** Where the inspection stands. */
    public enum Status {
        /** Not decided yet: call again with more bytes. */
        NEED_MORE,
        /** A complete, well-formed ClientHello: see {@link #hello()}. */
        DONE,
        /** Not an acceptable ClientHello: close the connection; see {@link #rejection()}. */
        REJECT
    }

    private final int maxBytes;
    private Status status = Status.NEED_MORE;
    /** Offset (from the buffer's position) of the first record header not yet checked. */
    private int scanned;
    /** Handshake bytes carried by the records checked so far. */
    private int gathered;
    /** The first handshake bytes (type and 24-bit length), big-endian, as far as gathered. */
    private int handshakeHeader;
    /** Handshake header plus ClientHello body length, once the header is complete; -1 before. */
    private int needed = -1;
    /** After NEED_MORE: bytes from the connection start before the answer can change; see {@link #bytesWanted()}. */
    private int wanted;
    private ClientHello hello;
    private Rejection rejection;

    /**
     * @param maxBytes the cap on the bytes inspected, record headers included; at least 64
     *                 ({@link #DEFAULT_MAX_BYTES} is a good value)
     */
    public ClientHelloParser(int maxBytes) {
        if (maxBytes < 64) {
            throw new IllegalArgumentException("maxBytes must be at least 64, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Looks at the bytes received so far (see the class contract) and says whether the ClientHello is complete,
     * rejected, or needs more bytes. Never throws for any content; never modifies {@code received}.
     */
    public Status parse(ByteBuffer received) {
        if (status != Status.NEED_MORE) {
            return status;
        }
        int base = received.position();
        int available = received.remaining();
        if (scanned == 0 && available < 2) {
            wanted = available + 1;
        }
        if (scanned == 0 && available > 0) {
            if (u8(received, base) != CONTENT_HANDSHAKE) {
                return notTls(received);
            }
            if (available > 1 && u8(received, base + 1) != 3) {
                return reject(Reason.NOT_TLS, "first record is not TLS (version major byte " + u8(received, base + 1) + ")");
            }
        }
        while (available - scanned >= RECORD_HEADER) {
            int at = base + scanned;
            int type = u8(received, at);
            int version = u16(received, at + 1);
            int length = u16(received, at + 3);
            if (type != CONTENT_HANDSHAKE) {
                return reject(Reason.BAD_RECORD, "record of content type " + type + " before the ClientHello ended");
            }
            if (version < 0x0301 || version > 0x0303) {
                return reject(Reason.BAD_RECORD, String.format("record version 0x%04x", version));
            }
            if (length == 0 || length > MAX_FRAGMENT) {
                return reject(Reason.BAD_RECORD, "record length " + length);
            }
            if ((long) scanned + RECORD_HEADER + length > maxBytes) {
                return reject(Reason.TOO_LARGE, "records reach past the cap of " + maxBytes + " bytes");
            }
            if (available - scanned - RECORD_HEADER < length) {
                int rest = needed >= 0 ? needed - gathered - length : 0;
                wanted = scanned + RECORD_HEADER + length + (rest > 0 ? RECORD_HEADER + rest : 0);
                return Status.NEED_MORE;
            }
            for (int i = 0; i < length && gathered + i < HANDSHAKE_HEADER; i++) {
                handshakeHeader = handshakeHeader << 8 | u8(received, at + RECORD_HEADER + i);
            }
            gathered += length;
            scanned += RECORD_HEADER + length;
            if (needed < 0 && gathered >= HANDSHAKE_HEADER && !readHandshakeHeader()) {
                return status;
            }
            if (needed >= 0 && gathered >= needed) {
                return finish(received, base);
            }
        }
        if (scanned > 0 || available >= 2) {
            wanted = scanned + RECORD_HEADER + (needed >= 0 ? needed - gathered : 0);
        }
        return Status.NEED_MORE;
    }

    /**
     * After {@link #parse} returned {@link Status#NEED_MORE}: how many bytes from the start of the connection to wait
     * for before calling again, at most the cap given to the constructor. Before the first record header is complete,
     * the next byte; then the end of the record being received; once the ClientHello's length is known, the least
     * number of bytes its remaining records can take. A client sends at least this many bytes before it waits for the
     * server; one that stops earlier is misbehaving and meets the caller's timeout.
     */
    public int bytesWanted() {
        if (status != Status.NEED_MORE) {
            throw new IllegalStateException("nothing wanted: status is " + status);
        }
        return Math.min(wanted, maxBytes);
    }

    /** The ClientHello; only when {@link #parse} returned {@link Status#DONE}. */
    public ClientHello hello() {
        if (status != Status.DONE) {
            throw new IllegalStateException("no ClientHello: status is " + status);
        }
        return hello;
    }

    /** Why the bytes were rejected; only when {@link #parse} returned {@link Status#REJECT}. */
    public Rejection rejection() {
        if (status != Status.REJECT) {
            throw new IllegalStateException("not rejected: status is " + status);
        }
        return rejection;
    }

    /**
     * Whether the remaining bytes begin like an HTTP/1.x request line: an upper-case method token (at most 24
     * letters, {@code -} or {@code _}) followed by a space. Does not modify {@code bytes}.
     */
    public static boolean looksLikeHttp(ByteBuffer bytes) {
        return httpVerdict(bytes) == HttpVerdict.HTTP;
    }

    private enum HttpVerdict { HTTP, NOT_HTTP, UNDECIDED }

    private static HttpVerdict httpVerdict(ByteBuffer bytes) {
        int base = bytes.position();
        int n = Math.min(bytes.remaining(), MAX_METHOD + 1);
        for (int i = 0; i < n; i++) {
            int c = u8(bytes, base + i);
            if (c == ' ') {
                return i > 0 ? HttpVerdict.HTTP : HttpVerdict.NOT_HTTP;
            }
            if (!(c >= 'A' && c <= 'Z' || c == '-' || c == '_') || i == MAX_METHOD) {
                return HttpVerdict.NOT_HTTP;
            }
        }
        return HttpVerdict.UNDECIDED;
    }

    private Status notTls(ByteBuffer received) {
        switch (httpVerdict(received)) {
            case HTTP:
                return reject(Reason.PLAIN_HTTP, "an HTTP request on the TLS port");
            case UNDECIDED:
                wanted = received.remaining() + 1;
                return Status.NEED_MORE;
            default:
                return reject(Reason.NOT_TLS, "first byte " + u8(received, received.position()) + " is not a TLS handshake record");
        }
    }

    /** Checks the handshake type and length; false (and REJECT) when they are not acceptable. */
    private boolean readHandshakeHeader() {
        int type = handshakeHeader >>> 24;
        int bodyLength = handshakeHeader & 0xFFFFFF;
        if (type != CLIENT_HELLO) {
            reject(Reason.BAD_HANDSHAKE, "handshake message type " + type + " instead of ClientHello");
            return false;
        }
        if (bodyLength < MIN_BODY) {
            reject(Reason.BAD_HANDSHAKE, "ClientHello length " + bodyLength + " is below the minimum");
            return false;
        }
        if ((long) bodyLength + HANDSHAKE_HEADER + RECORD_HEADER > maxBytes) {
            reject(Reason.TOO_LARGE, "ClientHello of " + bodyLength + " bytes is over the cap of " + maxBytes);
            return false;
        }
        needed = HANDSHAKE_HEADER + bodyLength;
        return true;
    }

    /** All records carrying the ClientHello are here: copy its body out of them and decode it. */
    private Status finish(ByteBuffer received, int base) {
        byte[] body = new byte[needed - HANDSHAKE_HEADER];
        int handshakeOffset = 0;
        int at = base;
        int filled = 0;
        while (filled < body.length) {
            int length = u16(received, at + 3);
            for (int i = 0; i < length && filled < body.length; i++, handshakeOffset++) {
                if (handshakeOffset >= HANDSHAKE_HEADER) {
                    body[filled++] = received.get(at + RECORD_HEADER + i);
                }
            }
            at += RECORD_HEADER + length;
        }
        ClientHelloDecoder.Result result = ClientHelloDecoder.decode(body, scanned);
        if (result instanceof ClientHelloDecoder.Decoded decoded) {
            hello = decoded.hello();
            status = Status.DONE;
            return status;
        }
        Rejection r = ((ClientHelloDecoder.Malformed) result).rejection();
        return reject(r.reason(), r.detail());
    }

    private Status reject(Reason reason, String detail) {
        rejection = new Rejection(reason, detail);
        status = Status.REJECT;
        return status;
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xFF;
    }

    private static int u16(ByteBuffer b, int at) {
        return (b.get(at) & 0xFF) << 8 | b.get(at + 1) & 0xFF;
    }
}
