package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
/**
 * Real sockets: response compression ({@code compression = gzip}). Bodies sized, chunked (with trailers) and ended by
 * the backend's close arrive gzipped and decompress to exactly what the backend sent; every skip rule leaves the
 * response as it came; Vary and ETag are adjusted; every value is checked at start.
 */
class CompressionTest extends CompressionFixture {

    @Test
    void sizedChunkedAndUntilCloseBodiesArriveGzippedAndWhole() throws IOException {
        start(Map.of());
        for (String path : new String[] {"/len", "/chunked", "/close"}) {
            TestClient.Response r = get(path, GZIP);
            assertEquals(200, r.status(), path);
            assertEquals("gzip", r.header("content-encoding"), path);
            assertEquals("chunked", r.header("transfer-encoding"), path);
            assertNull(r.header("content-length"), path);
            assertEquals("Accept-Encoding", r.header("vary"), path);
            assertTrue(r.body().length < TEXT.length / 2, path + ": compressed to " + r.body().length);
            assertArrayEquals(TEXT, gunzip(r.body()), path + ": the body decompresses to what the backend sent");
        }
        assertEquals(3, counted(Counter.COMPRESSION_RESPONSES));
        assertTrue(ProxyHarness.await(() -> counted(Counter.COMPRESSION_BYTES_IN) == 3L * TEXT.length, 2_000));
        assertTrue(counted(Counter.COMPRESSION_BYTES_OUT) < counted(Counter.COMPRESSION_BYTES_IN) / 2);
    }

    @Test
    void theBackendsTrailersFollowTheCompressedBody() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /chunked HTTP/1.1\r\nHost: x.example\r\nTE: trailers\r\n" + GZIP + "\r\n");
            while (!StubBackend.readLine(c.in).isEmpty()) {
                // the head
            }
            ChunkedInput body = new ChunkedInput(c.in);
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            body.transferTo(gz);
            assertArrayEquals(TEXT, gunzip(gz.toByteArray()));
            assertEquals("x-sum: 42", StubBackend.readLine(c.in), "the trailer section");
            assertEquals("", StubBackend.readLine(c.in));
        }
    }

    @Test
    void aClientThatDoesNotAcceptGzipGetsThePlainBodyWithVary() throws IOException {
        start(Map.of());
        for (String ae : new String[] {"", "Accept-Encoding: identity\r\n", "Accept-Encoding: gzip;q=0, br\r\n",
                "Accept-Encoding: *;q=0\r\n", "Accept-Encoding: br, *;q=0\r\n", "Accept-Encoding: gzip;q=x\r\n"}) {
            TestClient.Response r = get("/len", ae);
            assertNull(r.header("content-encoding"), ae);
            assertEquals(String.valueOf(TEXT.length), r.header("content-length"), ae);
            assertEquals("Accept-Encoding", r.header("vary"), ae);
            assertArrayEquals(TEXT, r.body(), ae);
        }
        assertEquals(6, counted(Counter.COMPRESSION_SKIPPED_CLIENT));
        for (String ae : new String[] {"Accept-Encoding: *\r\n", "Accept-Encoding: x-gzip\r\n",
                "Accept-Encoding: GZIP;Q=0.001\r\n", "Accept-Encoding: br;q=1, *;q=0.5\r\n"}) {
            assertEquals("gzip", get("/len", ae).header("content-encoding"), ae);
        }
    }

    @Test
    void http10ClientsGetThePlainBody() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send("GET /len HTTP/1.0\r\nHost: x.example\r\n" + GZIP + "\r\n").read(false);
            assertNull(r.header("content-encoding"));
            assertArrayEquals(TEXT, r.body());
        }
    }

    @Test
    void responsesThatMustNotOrNeedNotBeCompressedPassAsTheyCame() throws IOException {
        start(Map.of("compression.min.bytes", "1024"));
        Map<String, Counter> skips = Map.of("/small", Counter.COMPRESSION_SKIPPED_SMALL,
                "/encoded", Counter.COMPRESSION_SKIPPED_ENCODED, "/range", Counter.COMPRESSION_SKIPPED_RANGE,
                "/notransform", Counter.COMPRESSION_SKIPPED_NO_TRANSFORM);
        for (Map.Entry<String, Counter> e : skips.entrySet()) {
            TestClient.Response r = get(e.getKey(), GZIP);
            String path = e.getKey();
            assertTrue(r.header("content-encoding") == null || path.equals("/encoded"), path);
            assertNull(r.header("vary"), path + ": its form does not depend on Accept-Encoding");
            assertTrue(r.header("content-length") != null, path);
            assertEquals(1, counted(e.getValue()), path);
        }
        assertEquals("br", get("/encoded", GZIP).header("content-encoding"));
        TestClient.Response png = get("/png", GZIP);
        assertNull(png.header("content-encoding"));
        assertNull(png.header("vary"));
        for (String path : new String[] {"/204", "/304"}) {
            TestClient.Response r = get(path, GZIP);
            assertNull(r.header("content-encoding"), path);
        }
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send("HEAD /len HTTP/1.1\r\nHost: x.example\r\n" + GZIP + "\r\n").read(true);
            assertNull(r.header("content-encoding"), "HEAD");
            assertEquals(String.valueOf(TEXT.length), r.header("content-length"));
        }
        assertEquals(0, counted(Counter.COMPRESSION_RESPONSES));
    }

    @Test
    void aStrongEtagBecomesWeakAndAnExistingVaryIsKept() throws IOException {
        start(Map.of());
        TestClient.Response r = get("/etag", GZIP);
        assertEquals("gzip", r.header("content-encoding"));
        assertEquals("W/\"v1\"", r.header("etag"));
        assertEquals("Origin, Accept-Encoding", r.header("vary"));
        TestClient.Response weak = get("/weak", GZIP);
        assertEquals("W/\"v1\"", weak.header("etag"));
        assertEquals("accept-encoding", weak.header("vary"), "not named twice");
        assertArrayEquals("x".repeat(5000).getBytes(StandardCharsets.US_ASCII), gunzip(weak.body()));
    }

    @Test
    void offByDefaultAndOnlyForTheHostsNamed() throws IOException {
        start(this::handle, Map.of());
        assertNull(get("/len", GZIP).header("content-encoding"), "off by default");
        assertNull(get("/len", GZIP).header("vary"));
        proxy.close();
        proxy = new ProxyHarness(Map.of("compression", "gzip", "compression.hosts", "*.example.com"))
                .withStrategy().backend("a", a.port());
        assertEquals("gzip", get("/len", GZIP).header("content-encoding"), "www.example.com is named");
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send("GET /len HTTP/1.1\r\nHost: other.test\r\n" + GZIP + "\r\n").read(false);
            assertNull(r.header("content-encoding"), "other.test is not");
            assertNull(r.header("vary"));
        }
    }

    @Test
    void everyValueIsCheckedAtStart() {
        Map<String, String> bad = Map.of("compression", "br", "compression.types", "text, image/png;q=1",
                "compression.min.bytes", "-1", "compression.level", "10", "compression.hosts", "bad host",
                "compression.max.active", "0");
        ProxySettings.Parsed p = ProxySettings.from(dev.rsp.core.CoreConfigs.with(bad));
        assertTrue(p instanceof ProxySettings.Invalid, p.toString());
        String errors = String.join("\n", ((ProxySettings.Invalid) p).errors());
        for (String key : new String[] {"compression must be off or gzip, not 'br'", "compression.types: 'text'",
                "compression.types: 'image/png;q=1'", "compression.min.bytes", "compression.level", "compression.hosts",
                "compression.max.active"}) {
            assertTrue(errors.contains(key), key + " in\n" + errors);
        }
        ProxySettings.Parsed ok = ProxySettings.from(dev.rsp.core.CoreConfigs.with(Map.of("compression", "gzip",
                "compression.types", "text/*", "compression.level", "1")));
        CompressionSettings c = ((ProxySettings.Valid) ok).settings().compression();
        assertTrue(c.compressible("text/anything"));
        assertFalse(c.compressible("application/json"));
    }
}
