package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real sockets: requests the proxy must refuse. Each one gets its specific status and a short body, the proxy closes
 * the connection, the named counter counts it, the backend never sees it, and the proxy goes on serving.
 */
class BadInputTest {

    StubBackend stub;
    ProxyHarness proxy;
    final AtomicBoolean bodyComplete = new AtomicBoolean();

    @BeforeEach
    void setUp() throws IOException {
        stub = new StubBackend("a", (r, in, out) -> {
            try {
                byte[] body = StubBackend.readBody(r, in);
                bodyComplete.set(true);
                StubBackend.respond(out, 200, r.method() + " " + r.target() + " body=" + body.length);
                return true;
            } catch (RuntimeException e) {
                return false; // a body cut short by the proxy
            }
        });
        proxy = new ProxyHarness(Map.of("timeout.stop.ms", "2000")).withStrategy().backend("a", stub.port());
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        stub.close();
    }

    private static final String GOOD = "GET /good HTTP/1.1\r\nHost: x.example\r\n\r\n";

    static Stream<Arguments> badRequests() {
        StringBuilder bigHead = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 20; i++) {
            bigHead.append("X-Fill-").append(i).append(": ").append("f".repeat(900)).append("\r\n");
        }
        StringBuilder manyHeaders = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 101; i++) {
            manyHeaders.append("X-H-").append(i).append(": v\r\n");
        }
        return Stream.of(
                Arguments.of("request line over the limit", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "reject.uri_too_long"),
                Arguments.of("header block over the limit", bigHead + "\r\n", 431, "reject.head_too_large"),
                Arguments.of("too many headers", manyHeaders + "\r\n", 431, "reject.too_many_headers"),
                Arguments.of("missing Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400, "reject.missing_host"),
                Arguments.of("two Host fields", "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n", 400, "reject.duplicate_host"),
                Arguments.of("Host with a space", "GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n", 400, "reject.bad_host"),
                Arguments.of("Host with a port out of range", "GET / HTTP/1.1\r\nHost: example.com:99999\r\n\r\n", 400, "reject.invalid_host"),
                Arguments.of("Content-Length and Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "reject.cl_and_te"),
                Arguments.of("two different Content-Length values",
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "reject.conflicting_content_length"),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\n", 400, "reject.obs_fold"),
                Arguments.of("whitespace before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "reject.space_before_colon"),
                Arguments.of("bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400, "reject.bare_lf"),
                Arguments.of("bare CR", "GET / HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n", 400, "reject.bare_cr"),
                Arguments.of("TLS ClientHello", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u00fc\u0003\u0003", 400, "reject.not_http"),
                Arguments.of("unsupported Transfer-Encoding",
                        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, "reject.unsupported_transfer_encoding"),
                Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "reject.version_not_supported"),
                Arguments.of("CONNECT", "CONNECT x.example:443 HTTP/1.1\r\nHost: x.example:443\r\n\r\n", 501, "reject.connect_unsupported"),
                Arguments.of("Expect: something-else", "GET / HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\n\r\n", 417, "reject.expectation_failed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedAndNeverForwarded(String what, String raw, int status, String counter) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(raw);
            assertRefused(c, status);
        }
        assertCountedAndProxyStillServes(counter);
    }

    @ParameterizedTest(name = "{0}, after a good request on the same connection")
    @MethodSource("badRequests")
    void isRefusedOnAKeepAliveConnectionToo(String what, String raw, int status, String counter) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.get("x.example", "/first").status());
            c.send(raw);
            assertRefused(c, status);
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(counter) == 1, 2000), counter);
        assertEquals(1, stub.requests().size(), "only the good request was forwarded");
        assertEquals("/first", stub.requests().get(0).target());
    }

    @Test
    void invalidChunkSizeIsRefusedAndTheBackendNeverGetsACompleteRequest() throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n");
            try {
                assertRefused(c, 400);
            } catch (IOException closedWithoutAnswer) {
                // allowed: the head went up before the body was refused
            }
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("reject.bad_chunk_size") == 1, 2000));
        assertFalse(bodyComplete.get(), "the backend never received a complete request");
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("GET /good body=0", c.get("x.example", "/good").text(), "the proxy still serves");
        }
        // The head of the refused request may have reached the backend (possibly after the good one), its body never.
        assertTrue(stub.requests().stream().filter(r -> r.target().equals("/good")).count() == 1);
        assertTrue(stub.requests().stream().allMatch(r -> r.target().equals("/good") || r.target().equals("/up")));
        assertTrue(stub.requests().size() <= 2);
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().bufferUse().inUse() == 0, 3000), "buffers given back");
    }

    static Stream<Arguments> smugglingAttempts() {
        String hidden = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        return Stream.of(
                Arguments.of("CL.TE", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n" + hidden, 400),
                Arguments.of("TE.CL", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                        + Integer.toHexString(hidden.length()) + "\r\n" + hidden + "\r\n0\r\n\r\n", 400),
                Arguments.of("TE.TE", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n"
                        + "0\r\n\r\n" + hidden, 501),
                Arguments.of("TE with space before colon", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding : chunked\r\n\r\n"
                        + "0\r\n\r\n" + hidden, 400),
                Arguments.of("TE in HTTP/1.0", "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden, 400),
                Arguments.of("two Content-Length fields", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: "
                        + hidden.length() + "\r\n\r\n" + hidden, 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingAttempts")
    void smugglingNeverReachesTheBackendAsTwoRequests(String what, String raw, int status) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(raw);
            assertRefused(c, status);
        }
        assertGoodRequestServed();
        assertTrue(stub.requests().stream().noneMatch(r -> r.target().equals("/smuggled")));
    }

    private static void assertRefused(TestClient c, int status) throws IOException {
        TestClient.Response r = c.read(false);
        assertEquals(status, r.status(), r.text());
        assertEquals("close", r.header("connection"));
        assertTrue(r.text().startsWith("rsp: ") && r.body().length < 300, r.text());
        assertTrue(c.closedByPeer(), "the proxy closes the connection after refusing");
    }

    private void assertCountedAndProxyStillServes(String counter) throws IOException {
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(counter) == 1, 2000),
                counter + " in " + proxy.engine.counters().snapshot());
        assertGoodRequestServed();
    }

    /** A good request on a new connection is answered, and it is the only thing the backend ever saw. */
    private void assertGoodRequestServed() throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(GOOD);
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("GET /good body=0", new String(r.body(), StandardCharsets.UTF_8));
        }
        assertEquals(1, stub.requests().size(), "the refused request never reached the backend");
        assertEquals(1, stub.connections.get(), "the refused request never opened a backend connection");
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().bufferUse().inUse() == 0, 3000), "buffers given back");
    }
}
