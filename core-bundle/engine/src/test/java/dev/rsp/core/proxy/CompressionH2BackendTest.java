package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compression of responses from an HTTP/2 backend ({@code ;proto=h2}, {@link H2Backend}): its DATA frames, sized or
 * not, arrive gzipped and whole at an HTTP/1.1 client, and its trailers follow the compressed body.
 */
class CompressionH2BackendTest extends StubProxyFixture {

    private H2Backend backend;

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        assertTrue(ProxyHarness.await(() -> GzipSource.live() == 0, 5_000), "every deflater ended");
    }

    private void startH2() throws Exception {
        backend = H2Backend.start(dir);
        proxy = new ProxyHarness(Map.of("loops", "1", "compression", "gzip",
                "compression.types", "application/octet-stream, text/plain")).withStrategy();
        proxy.backend(new Backend("h2", "127.0.0.1", backend.port(), 1, Backend.Protocol.H2));
    }

    @Test
    void sizedAndUnsizedBodiesFromAnH2BackendArriveGzippedAndWhole() throws Exception {
        startH2();
        int size = 300_000;
        for (String query : new String[] {"", "&length=0"}) {
            try (TestClient c = new TestClient(proxy.address())) {
                TestClient.Response r = c.send("GET /big?bytes=" + size + query + " HTTP/1.1\r\nHost: a\r\n"
                        + "Accept-Encoding: gzip\r\n\r\n").read(false);
                assertEquals(200, r.status(), query);
                assertEquals("gzip", r.header("content-encoding"), query);
                byte[] body = CompressionTest.gunzip(r.body());
                assertEquals(size, body.length, query);
                int wrong = 0;
                for (int i = 0; i < size; i++) {
                    if ((body[i] & 0xff) != H2Backend.patternByte(i)) {
                        wrong++;
                    }
                }
                assertEquals(0, wrong, query + ": bytes that differ from the backend's");
            }
        }
    }

    @Test
    void theH2BackendsTrailersFollowTheCompressedBody() throws Exception {
        startH2();
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /trailers HTTP/1.1\r\nHost: a\r\nTE: trailers\r\nAccept-Encoding: gzip\r\n\r\n");
            String head = "";
            for (String l = StubBackend.readLine(c.in); !l.isEmpty(); l = StubBackend.readLine(c.in)) {
                head += l.toLowerCase() + "\n";
            }
            assertTrue(head.contains("content-encoding: gzip") && head.contains("transfer-encoding: chunked"), head);
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            new CompressionTest.ChunkedInput(c.in).transferTo(gz);
            assertEquals("trailers\n", new String(new GZIPInputStream(new java.io.ByteArrayInputStream(gz.toByteArray()))
                    .readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII));
            String trailers = "";
            for (String l = StubBackend.readLine(c.in); !l.isEmpty(); l = StubBackend.readLine(c.in)) {
                trailers += l + "\n";
            }
            assertTrue(trailers.contains("grpc-status: 0") && trailers.contains("x-trailer: yes"), trailers);
        }
    }
}
