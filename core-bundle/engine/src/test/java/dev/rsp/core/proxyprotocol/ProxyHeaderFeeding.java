package dev.rsp.core.proxyprotocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.http.ParseStatus;
import java.nio.ByteBuffer;

/** Feeds bytes to a parser whole and byte by byte (checking both agree) inside a window with guard bytes after it. */
final class ProxyHeaderFeeding {
    private ProxyHeaderFeeding() {
    }

    static ParseStatus whole(ProxyHeaderParser p, byte[] bytes) {
        return p.parse(window(bytes, bytes.length));
    }

    /**
     * Parses {@code bytes} in one call and again one byte at a time; asserts the outcomes are the same, that NEED_MORE
     * always asks for more than is there, and that the buffer's position and limit are untouched. Returns the parser
     * that saw the whole input.
     */
    static ProxyHeaderParser both(ProxyHeaderMode mode, byte[] bytes) {
        ProxyHeaderParser whole = new ProxyHeaderParser(mode, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        ParseStatus expected = whole(whole, bytes);
        ProxyHeaderParser step = new ProxyHeaderParser(mode, ProxyHeaderParser.DEFAULT_MAX_V2_LENGTH);
        ByteBuffer buf = window(bytes, 0);
        ParseStatus s = ParseStatus.NEED_MORE;
        for (int n = 0; n <= bytes.length && s == ParseStatus.NEED_MORE; n++) {
            buf.limit(3 + n);
            s = step.parse(buf);
            assertEquals(3, buf.position());
            assertEquals(3 + n, buf.limit());
            if (s == ParseStatus.NEED_MORE) {
                assertTrue(step.needed() > n, "needed " + step.needed() + " with " + n + " bytes");
            }
        }
        assertEquals(expected, s);
        assertEquals(whole.rejection(), step.rejection());
        assertEquals(whole.header(), step.header());
        return whole;
    }

    /** The bytes at offset 3 of a larger buffer, limit after {@code visible} of them; guard bytes elsewhere. */
    static ByteBuffer window(byte[] bytes, int visible) {
        ByteBuffer buf = ByteBuffer.allocate(bytes.length + 8);
        buf.put(new byte[] {'G', 'E', 'T'}).put(bytes).put("\r\n\r\nX".getBytes());
        buf.position(3).limit(3 + visible);
        return buf;
    }
}
