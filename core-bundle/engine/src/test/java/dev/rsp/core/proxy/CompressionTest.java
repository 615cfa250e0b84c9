package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: response compression ({@code compression = gzip}). Bodies sized, chunked (with trailers) and ended by
 * the backend's close arrive gzipped and decompress to exactly what the backend sent; every skip rule leaves the
 * response as it came; Vary and ETag are adjusted; a slow client pauses the backend; every path gives the deflater back.
 */
class CompressionTest extends StubProxyFixture {

    static final byte[] TEXT = text(7, 300_000);
    /** Backend bytes written by the /big handler. */
    final AtomicLong bigWritten = new AtomicLong();

    @AfterEach
    void noDeflaterLeft() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        assertTrue(ProxyHarness.await(() -> GzipSource.live() == 0, 5_000), "every deflater ended: " + GzipSource.live());
    }

    /** Seeded text: words from a small vocabulary, compressible about as HTML is. */
    static byte[] text(long seed, int size) {
        String[] words = {"<div class=\"item\">", "</div>\n", "proxy", "the", "response", "compression", "rsp", "gzip",
            "<span>", "</span>", "backend", "client", "{\"id\":", "\"name\":", "},", "0123", "4567", "89"};
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(size + 32);
        while (b.length() < size) {
            b.append(words[r.nextInt(words.length)]).append(r.nextInt(1000)).append(' ');
        }
        return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    boolean handle(StubBackend.Request r, InputStream in, OutputStream out) throws IOException {
        String path = r.target();
        String type = "Content-Type: text/html; charset=utf-8";
        switch (path) {
            case "/len" -> StubBackend.respond(out, 200, new String(TEXT, StandardCharsets.US_ASCII), type);
            case "/chunked" -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                        + "Trailer: x-sum\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int at = 0; at < TEXT.length; at += 7000) {
                    int n = Math.min(7000, TEXT.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(TEXT, at, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\nx-sum: 42\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            case "/close" -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(TEXT);
                out.flush();
                return false;
            }
            case "/png" -> StubBackend.respond(out, 200, "x".repeat(5000), "Content-Type: image/png");
            case "/small" -> StubBackend.respond(out, 200, "x".repeat(100), type);
            case "/encoded" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "Content-Encoding: br");
            case "/range" -> StubBackend.respond(out, 206, "x".repeat(5000), type, "Content-Range: bytes 0-4999/9000");
            case "/notransform" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "Cache-Control: public, no-transform");
            case "/etag" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "ETag: \"v1\"", "Vary: Origin");
            case "/weak" -> StubBackend.respond(out, 200, "x".repeat(5000), type, "ETag: W/\"v1\"", "Vary: accept-encoding");
            case "/204" -> StubBackend.respond(out, 204, "", type);
            case "/304" -> {
                out.write("HTTP/1.1 304 Not Modified\r\nContent-Type: text/html\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            case "/cut" -> {
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nContent-Length: " + TEXT.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(TEXT, 0, TEXT.length / 2);
                out.flush();
                return false;
            }
            case "/badchunk" -> {
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return false;
            }
            case "/stall" -> {
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nContent-Length: " + TEXT.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(TEXT, 0, 1000);
                out.flush();
                // Silent until rsp gives up on it and closes (timeout.idle.ms), at most 10 s.
                r.socket().setSoTimeout(10_000);
                try {
                    while (in.read() >= 0) {
                        // the request is in; nothing more comes
                    }
                } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                    // given up or cut: either way the stall is over
                }
                return false;
            }
            case "/big" -> {
                long size = 64L << 20;
                out.write(("HTTP/1.1 200 OK\r\n" + type + "\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                for (long at = 0; at < size; at += TEXT.length) {
                    int n = (int) Math.min(TEXT.length, size - at);
                    out.write(TEXT, 0, n);
                    bigWritten.addAndGet(n);
                }
                out.flush();
            }
            default -> StubBackend.respond(out, 404, "no " + path, type);
        }
        return true;
    }

    void start(Map<String, String> core) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("compression", "gzip"));
        all.putAll(core);
        start(this::handle, all);
    }

    TestClient.Response get(String path, String... headers) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: www.example.com\r\n" + String.join("", headers) + "\r\n").read(false);
        }
    }

    static final String GZIP = "Accept-Encoding: gzip, deflate, br\r\n";

    long counted(Counter c) {
        return proxy.engine.counters().get(c);
    }

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

    @Test
    void aSlowClientPausesTheBackendAndLosesNothing() throws Exception {
        start(Map.of());
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET /big HTTP/1.1\r\nHost: x.example\r\n" + GZIP + "\r\n").getBytes(StandardCharsets.US_ASCII));
            TestClient c = new TestClient(s);
            String status = StubBackend.readLine(c.in);
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            assertTrue(ProxyHarness.await(() -> bigWritten.get() > 1 << 20, 5_000), "the backend started");
            // The client reads nothing now: the backend must stop far short of its 64 MiB.
            assertFalse(ProxyHarness.await(() -> bigWritten.get() > 24L << 20, 1_500),
                    "the backend wrote " + bigWritten.get() + " bytes to a proxy whose client reads nothing");
            assertTrue(proxy.engine.views().bufferUse().inUse() <= 8, "buffers in use: " + proxy.engine.views().bufferUse().inUse());
            while (!StubBackend.readLine(c.in).isEmpty()) {
                // the rest of the head
            }
            InputStream body = new GZIPInputStream(new ChunkedInput(c.in), 65_536);
            byte[] block = new byte[65_536];
            long total = 0;
            int mismatches = 0;
            for (int n; (n = body.read(block)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (block[i] != TEXT[(int) ((total + i) % TEXT.length)]) {
                        mismatches++;
                    }
                }
                total += n;
            }
            assertEquals(64L << 20, total, "every byte arrived");
            assertEquals(0, mismatches, "and in order");
        }
    }

    @Test
    void everyEndGivesTheDeflaterBack() throws Exception {
        start(Map.of("timeout.backend.ms", "500", "timeout.idle.ms", "1000"));
        // The backend cuts its body short: the client's connection is cut too.
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /cut HTTP/1.1\r\nHost: x.example\r\n" + GZIP + "\r\n");
            c.in.readAllBytes();
        }
        assertTrue(ProxyHarness.await(() -> counted(Counter.BACKEND_TRUNCATED_RESPONSE) == 1, 5_000));
        assertTrue(ProxyHarness.await(() -> GzipSource.live() == 0, 5_000), "after a cut backend");
        // The client goes away in the middle of a large body.
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /big HTTP/1.1\r\nHost: x.example\r\n" + GZIP + "\r\n");
            c.in.readNBytes(10_000);
            assertEquals(1, GzipSource.live());
        }
        assertTrue(ProxyHarness.await(() -> GzipSource.live() == 0, 5_000), "after the client left");
        // The backend's chunked framing goes wrong.
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /badchunk HTTP/1.1\r\nHost: x.example\r\n" + GZIP + "\r\n");
            c.in.readAllBytes();
        }
        assertTrue(ProxyHarness.await(() -> counted(Counter.BACKEND_BAD_CHUNK) == 1, 5_000), "counted as a bad chunk");
        assertTrue(ProxyHarness.await(() -> GzipSource.live() == 0, 5_000), "after a bad chunk");
        // The backend stops sending mid-body: the idle timeout ends the exchange (and closes the silent backend).
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /stall HTTP/1.1\r\nHost: x.example\r\n" + GZIP + "\r\n");
            c.in.readAllBytes();
        }
        assertTrue(ProxyHarness.await(() -> GzipSource.live() == 0, 5_000), "after a backend timeout");
    }

    @Test
    void anHttp2ClientGetsTheSameGzippedBody() throws Exception {
        start(Map.of());
        for (String path : new String[] {"/len", "/chunked", "/close"}) {
            java.nio.file.Path head = dir.resolve("head" + path.substring(1));
            java.nio.file.Path body = dir.resolve("body" + path.substring(1));
            run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-H", "Accept-Encoding: gzip",
                    "-D", head.toString(), "-o", body.toString(), url(path));
            String h = Files.readString(head);
            assertTrue(h.startsWith("HTTP/2 200"), h);
            assertTrue(h.contains("content-encoding: gzip"), h);
            assertTrue(h.contains("vary: Accept-Encoding"), h);
            assertFalse(h.contains("content-length"), h);
            assertArrayEquals(TEXT, gunzip(Files.readAllBytes(body)), path + " over HTTP/2");
        }
        String decoded = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "--compressed", url("/len"));
        assertEquals(new String(TEXT, StandardCharsets.US_ASCII), decoded);
    }

    /** Takes the chunked framing off an HTTP/1.1 body as it is read. */
    static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = StubBackend.readLine(in);
                if (size.isEmpty()) {
                    size = StubBackend.readLine(in);
                }
                left = Long.parseLong(size.trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
