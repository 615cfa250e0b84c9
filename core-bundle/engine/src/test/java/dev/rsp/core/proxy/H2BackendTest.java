package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 to backends ({@code ;proto=h2}) end to end: clients of either protocol reach an h2c backend
 * ({@link H2Backend}) through rsp; streams share a connection; trailers, flow control, resets, GOAWAY and refusals
 * behave as the README says.
 */
class H2BackendTest extends StubProxyFixture {

    private H2Backend backend;

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** One loop, so that every exchange shares the loop's connections to the backend. */
    private void startH2(String... backendOptions) throws Exception {
        backend = H2Backend.start(dir, backendOptions);
        proxy = new ProxyHarness(Map.of("loops", "1")).withStrategy();
        proxy.backend(new Backend("h2", "127.0.0.1", backend.port(), 1, Backend.Protocol.H2));
    }

    private long counter(Counter c) {
        return proxy.engine.counters().get(c);
    }

    @Test
    void anHttp1ClientReachesAnH2BackendWithTheForwardedFields() throws Exception {
        startH2();
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send("GET /echo?q=1 HTTP/1.1\r\nHost: Shop.Example.com\r\nX-Test: one\r\n"
                    + "Connection: keep-alive\r\nTE: trailers\r\n\r\n").read(false);
            assertEquals(200, r.status());
            assertEquals("GET", r.header("x-seen-method"));
            assertEquals("/echo?q=1", r.header("x-seen-path"));
            assertEquals("http", r.header("x-seen-scheme"));
            assertEquals("Shop.Example.com", r.header("x-seen-authority"), "the Host as sent is the :authority, as it is the Host to an HTTP/1.1 backend");
            assertEquals("one", r.header("x-seen-x-test"));
            assertEquals("127.0.0.1", r.header("x-seen-x-forwarded-for"));
            assertEquals("trailers", r.header("x-seen-te"), "rsp takes trailers, as gRPC servers require");
            assertEquals(null, r.header("x-seen-connection"), "no connection-specific field goes to an h2 backend");
            // the connection stays usable: a second request on it
            TestClient.Response again = c.send("GET /status?code=204 HTTP/1.1\r\nHost: a\r\n\r\n").read(false);
            assertEquals(204, again.status());
        }
        assertEquals(List.of(), backend.events("ERROR "), backend.errors());
        assertTrue(proxy.accessLine("/echo?q=1").contains(" h2"), proxy.accessLines.toString());
        assertEquals(2, counter(Counter.H2_BACKEND_STREAMS));
        assertEquals(1, counter(Counter.H2_BACKEND_CONNECTIONS));
    }

    @Test
    void aChunkedUploadArrivesAsDataAndResponseTrailersBecomeChunkTrailers() throws Exception {
        startH2();
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6\r\nhello \r\n5\r\nworld\r\n0\r\nX-Checksum: abc\r\n\r\n").read(false);
            assertEquals(200, r.status());
            assertEquals("hello world", r.text());
        }
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.getOutputStream().write("GET /trailers HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw);
            assertTrue(raw.toLowerCase().contains("transfer-encoding: chunked"), raw);
            assertTrue(raw.endsWith("0\r\ngrpc-status: 0\r\nx-trailer: yes\r\n\r\n"), raw);
        }
    }

    @Test
    void anH2ClientsTrailersReachTheH2BackendAndItsTrailersComeBack() throws Exception {
        startH2();
        String out = run(20, "/usr/bin/python3", resource("h2/trailers.py"), String.valueOf(proxy.port()), "/echo?length=0");
        assertTrue(out.contains("status 200"), out);
        assertTrue(out.contains("body hello world"), out);
        assertTrue(out.contains("trailers x-seen-x-checksum=abc123"), out);
    }

    @Test
    void concurrentExchangesShareOneConnection() throws Exception {
        startH2();
        int n = 40;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    try (TestClient c = new TestClient(proxy.address())) {
                        return c.send("GET /slow?ms=300 HTTP/1.1\r\nHost: a\r\n\r\n").read(false).status();
                    }
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("CONNECT 1"), backend.events("CONNECT "), "every stream on one connection");
        assertEquals(n, backend.events("REQUEST 1 ").size());
    }

    @Test
    void streamsOverTheBackendsConcurrencyAreRefusedAndSentAgain() throws Exception {
        startH2("max-streams=2");
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    try (TestClient c = new TestClient(proxy.address())) {
                        return c.send("POST /slow?ms=200 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").read(false).status();
                    }
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS), "a refused stream was never processed: sent again");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), backend.events("ERROR "), backend.errors());
        assertEquals(n, backend.events("END ").size(), "each request processed once: " + backend.events());
    }

    @Test
    void aStreamResetMidResponseCutsTheClientAndTheConnectionGoesOn() throws Exception {
        startH2();
        for (String path : List.of("/reset", "/reset?bytes=100000")) {
            try (Socket s = new Socket("127.0.0.1", proxy.port())) {
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n"), got.substring(0, Math.min(200, got.length())));
                assertTrue(got.contains("transfer-encoding: chunked"), "no length from the backend: chunked");
                assertTrue(!got.endsWith("0\r\n\r\n"), path + ": the client sees the response cut short, not completed");
            }
        }
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").read(false).status());
        }
        assertEquals(List.of("CONNECT 1"), backend.events("CONNECT "), "resets end streams, not the connection");
        assertEquals(List.of(), backend.events("ERROR "), backend.errors());
    }

    @Test
    void aGoawayRefusesTheStreamsAboveItsLastIdAndTheyGoToANewConnection() throws Exception {
        startH2();
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").read(false).status());
            // stream 3: the backend names stream 1 as the last it processed and closes; the request is unprocessed,
            // so rsp sends it again on a new connection, where it is stream 1 and the backend answers GOAWAY(0) again.
            TestClient.Response r = c.send("GET /goaway HTTP/1.1\r\nHost: a\r\n\r\n").read(false);
            assertEquals(502, r.status(), "a backend that refuses every time is not retried without end");
        }
        assertTrue(backend.events("CONNECT ").size() >= 2 && backend.events("CONNECT ").size() <= 4, backend.events().toString());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").read(false).status(), "a new connection serves");
        }
    }

    @Test
    void aClientThatDoesNotReadStallsOnlyItsOwnStream() throws Exception {
        startH2();
        int size = 8 << 20;
        try (Socket slow = new Socket()) {
            // set before the connect: shrinking it afterwards leaves TCP a window too small to scale, and the
            // transfer crawls on zero-window probes (55 s for 8 MiB), whatever the proxy does
            slow.setReceiveBufferSize(16 * 1024);
            slow.connect(proxy.address());
            slow.getOutputStream().write(("GET /big?bytes=" + size + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(ProxyHarness.await(() -> backend.events("REQUEST 1 ").size() == 1, 5000));
            // meanwhile, on the same backend connection, other exchanges complete
            for (int i = 0; i < 5; i++) {
                try (TestClient c = new TestClient(proxy.address())) {
                    assertEquals(200, c.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n").read(false).status());
                }
            }
            assertEquals(List.of("CONNECT 1"), backend.events("CONNECT "), "the others went on the same connection");
            // and the slow client still gets every byte, in order
            InputStream in = slow.getInputStream();
            String head = readHead(in);
            assertTrue(head.contains("content-length: " + size), head);
            byte[] body = in.readNBytes(size);
            assertEquals(size, body.length);
            for (int i = 0; i < size; i++) {
                if ((body[i] & 0xff) != H2Backend.patternByte(i)) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
        }
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
