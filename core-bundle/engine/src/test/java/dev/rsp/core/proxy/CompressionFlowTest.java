package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
/**
 * Real sockets: compression under flow and failure. A slow client pauses the backend and loses nothing; every way an
 * exchange can end gives its deflater back; an HTTP/2 client gets the same gzipped bodies (curl).
 */
class CompressionFlowTest extends CompressionFixture {

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
}
