package dev.rsp.core.h2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client connection preface (RFC 9113 §3.4), and the test a plain listener runs on a connection's first bytes to
 * tell HTTP/2 with prior knowledge (h2c) from HTTP/1.1 on the same port. No HTTP/1 method starts with {@code PRI *},
 * so the first bytes decide: once they stop matching, the connection is HTTP/1; while they match but are fewer than
 * 24, more are needed (an HTTP/1 request line {@code PRI * HTTP/2.0} is what the preface looks like to HTTP/1,
 * which is why the preface was chosen so).
 */
public final class Preface {

    /** {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}. */
    static final byte[] BYTES = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int LENGTH = 24;

    /** What a connection's first bytes say. */
    public enum Match {
        /** All 24 bytes of the preface are there: the connection speaks HTTP/2. */
        PREFACE,
        /** The bytes so far (possibly none) are a prefix of the preface: read more before deciding. */
        PREFIX,
        /** The bytes differ from the preface: not HTTP/2 with prior knowledge. */
        OTHER
    }

    private Preface() {
    }

    /** Looks at {@code window}'s bytes from position to limit, without moving it. */
    public static Match match(ByteBuffer window) {
        int p = window.position();
        int n = Math.min(window.remaining(), LENGTH);
        for (int i = 0; i < n; i++) {
            if (window.get(p + i) != BYTES[i]) {
                return Match.OTHER;
            }
        }
        return n == LENGTH ? Match.PREFACE : Match.PREFIX;
    }

    /** Writes the preface into {@code out}, whole, or nothing (false) when it lacks room. */
    static boolean write(ByteBuffer out) {
        if (out.remaining() < LENGTH) {
            return false;
        }
        out.put(BYTES);
        return true;
    }

    /** The preface in a new buffer ready to read, for tests. */
    public static ByteBuffer bytes() {
        return ByteBuffer.wrap(BYTES.clone());
    }
}
