package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class H2RequestTest {

    private static H2Request request(String... fields) {
        H2Request r = new H2Request(new InetSocketAddress("127.0.0.1", 4000), Optional.empty(), new FieldStrings());
        for (int i = 0; i < fields.length; i += 2) {
            byte[] n = fields[i].getBytes(StandardCharsets.ISO_8859_1);
            byte[] v = fields[i + 1].getBytes(StandardCharsets.ISO_8859_1);
            r.field(n, n.length, v, v.length, false);
        }
        return r;
    }

    private static String backendHead(H2Request r) {
        ByteBuffer out = ByteBuffer.allocate(4096);
        assertTrue(HeadWriter.request(r, new HeadWriter.Forwarding("10.0.0.1", true, "", false, false), out));
        return StandardCharsets.ISO_8859_1.decode(out).toString();
    }

    @Test
    void aGetBecomesTheSameHttp11RequestStrategiesAndBackendsSee() {
        H2Request r = request(":method", "GET", ":scheme", "https", ":authority", "Example.COM:8443", ":path", "/a/b?x=1",
                "cookie", "a=1", "accept", "*/*", "cookie", "b=2", "te", "trailers");
        assertNull(r.complete(true));
        r.host("example.com");
        assertEquals("GET", r.method());
        assertEquals("/a/b", r.path());
        assertEquals("x=1", r.query());
        assertEquals(Optional.of("Example.COM:8443"), r.header("Host"));
        assertEquals(Optional.of("a=1; b=2"), r.header("cookie"));
        String head = backendHead(r);
        assertTrue(head.startsWith("GET /a/b?x=1 HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\naccept: */*\r\n"), head);
        assertTrue(head.contains("\r\ncookie: a=1; b=2\r\n"), head);
        assertTrue(head.contains("\r\nHost: Example.COM:8443\r\n"), head);
        assertTrue(head.contains("X-Forwarded-Proto: https"), head);
        assertFalse(head.toLowerCase().contains("te:"), head);
        assertFalse(head.contains("Transfer-Encoding"), head);
        assertFalse(head.contains("Content-Length"), head);
    }

    @Test
    void aBodyWithoutLengthIsChunkedTowardTheBackendAndALengthIsKept() {
        H2Request chunked = request(":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/");
        assertNull(chunked.complete(false));
        assertTrue(chunked.chunked());
        assertTrue(backendHead(chunked).contains("Transfer-Encoding: chunked\r\n"));
        H2Request sized = request(":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/",
                "content-length", "5");
        assertNull(sized.complete(false));
        assertFalse(sized.chunked());
        assertEquals(5, sized.declaredLength());
        assertTrue(backendHead(sized).contains("Content-Length: 5\r\n"));
    }

    @Test
    void malformedRequestsSayWhy() {
        assertNotNull(request(":method", "GET", "Accept", "x").complete(true), "uppercase name");
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "connection", "close").complete(true));
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "upgrade", "h2c").complete(true));
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "transfer-encoding", "chunked")
                .complete(true));
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "te", "gzip").complete(true));
        assertNotNull(request(":method", "GET", "accept", "x", ":path", "/").complete(true), "pseudo after regular");
        assertNotNull(request(":method", "GET", ":method", "GET", ":scheme", "http", ":path", "/").complete(true));
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", ":status", "200").complete(true));
        assertNotNull(request(":scheme", "http", ":path", "/").complete(true), "no method");
        assertNotNull(request(":method", "GET", ":scheme", "http").complete(true), "no path");
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "content-length", "x").complete(false));
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "content-length", "3").complete(true),
                "a length without a body");
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "content-length", "3",
                "content-length", "4").complete(false));
        assertNotNull(request(":method", "GET", ":scheme", "http", ":path", "/", "x", "a\r\nb").complete(true));
    }

    @Test
    void hostFallsBackToTheHostFieldAndConnectIsRecognised() {
        H2Request r = request(":method", "GET", ":scheme", "http", ":path", "/", "host", "b.example");
        assertNull(r.complete(true));
        assertFalse(r.hostMissing());
        assertEquals("b.example", r.forwardedHost());
        H2Request none = request(":method", "GET", ":scheme", "http", ":path", "/");
        assertNull(none.complete(true));
        assertTrue(none.hostMissing());
        H2Request connect = request(":method", "CONNECT", ":authority", "x:443");
        assertNull(connect.complete(false));
        assertTrue(connect.isConnect());
    }
}
