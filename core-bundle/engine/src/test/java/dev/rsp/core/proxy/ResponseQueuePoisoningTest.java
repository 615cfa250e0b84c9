package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real sockets, one loop (so every request meets the same backend pool): a backend that sends more than the response
 * it framed must never have those bytes read as the answer to another request. RFC 9112 6.3: such data is not a
 * response. The backend connection is closed instead of pooled, and the next client gets its own answer.
 */
class ResponseQueuePoisoningTest {

    /** A complete response nobody asked for, as a backend might queue it behind a real one. */
    static final String POISON = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nPOISON";

    StubBackend stub;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    private void start(StubBackend.Handler handler) throws IOException {
        stub = new StubBackend("a", handler);
        proxy = new ProxyHarness(Map.of("loops", "1")).withStrategy().backend("a", stub.port());
    }

    /** Each way a backend can over-send, as one write together with the response it framed. */
    static Stream<Arguments> overSends() {
        return Stream.of(
                Arguments.of("bytes after a Content-Length body", "GET",
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + POISON, 200),
                Arguments.of("bytes after the last chunk", "GET",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" + POISON, 200),
                Arguments.of("a body after 204", "GET", "HTTP/1.1 204 No Content\r\n\r\n" + POISON, 204),
                Arguments.of("a body after 304", "GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 41\r\n\r\n" + POISON, 304),
                Arguments.of("a body to a HEAD", "HEAD",
                        "HTTP/1.1 200 OK\r\nContent-Length: " + POISON.length() + "\r\n\r\n" + POISON, 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overSends")
    void extraBytesInTheSameWriteNeverAnswerTheNextClient(String what, String method, String answer, int status) throws Exception {
        start((r, in, out) -> {
            if (r.target().equals("/over")) {
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } else {
                StubBackend.respond(out, 200, "own answer to " + r.target());
            }
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(method + " /over HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertEquals(status, c.read(method.equals("HEAD")).status());
        }
        for (int i = 0; i < 5; i++) {
            try (TestClient c = new TestClient(proxy.address())) {
                TestClient.Response r = c.get("x.example", "/next" + i);
                assertEquals("own answer to /next" + i, r.text(), what + ": client " + i + " got someone else's answer");
            }
        }
        assertEquals(1, proxy.engine.counters().get("backend.excess_bytes"), what);
        assertEquals(2, stub.connections.get(), "the over-sending connection was closed, the next one pooled");
    }

    @Test
    void extraBytesSentAfterTheResponseCloseTheIdleConnection() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        start((r, in, out) -> {
            if (r.target().equals("/later")) {
                StubBackend.respond(out, 200, "ok");
                try {
                    answered.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write(POISON.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } else {
                StubBackend.respond(out, 200, "own answer to " + r.target());
            }
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("ok", c.get("x.example", "/later").text());
        }
        answered.countDown();
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("backend.pool.unexpected") == 1, 5000),
                "bytes on an idle pooled connection close it: " + proxy.engine.counters().named());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("own answer to /next", c.get("x.example", "/next").text());
        }
    }

    /**
     * From the client side: a backend that leaves a body it did not expect unread takes that body for its next
     * request. A HEAD (or GET) with a body must therefore not leave the backend connection reusable, or the answer to
     * the smuggled request reaches whoever is served next on that connection.
     */
    @ParameterizedTest(name = "{0} with a body")
    @MethodSource("bodilessMethods")
    void aBodyTheBackendMayIgnoreNeverPoisonsLaterClients(String method) throws Exception {
        start((r, in, out) -> {
            if (r.method().equals("HEAD")) {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } else if (r.target().equals("/ignores-body")) {
                StubBackend.respond(out, 200, "ok");
            } else {
                StubBackend.respond(out, 200, "own answer to " + r.target());
            }
            return true;
        });
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x.example\r\n\r\n";
        try (TestClient attacker = new TestClient(proxy.address())) {
            attacker.send(method + " /ignores-body HTTP/1.1\r\nHost: x.example\r\nContent-Length: " + smuggled.length()
                    + "\r\n\r\n" + smuggled);
            assertEquals(200, attacker.read(method.equals("HEAD")).status());
        }
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            try (TestClient c = new TestClient(proxy.address())) {
                String text = c.get("x.example", "/victim" + i).text();
                if (!text.equals("own answer to /victim" + i)) {
                    wrong.add(i + ": " + text);
                }
            }
        }
        assertEquals(List.of(), wrong, "later clients answered with someone else's response");
        assertTrue(proxy.engine.counters().get("backend.not_reused.unread_body") >= 1, proxy.engine.counters().named().toString());
    }

    static Stream<String> bodilessMethods() {
        return Stream.of("HEAD", "GET");
    }

    @Test
    void aPostBodyKeepsTheBackendConnectionReusable() throws Exception {
        start((r, in, out) -> {
            byte[] body = StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, r.method() + " " + body.length);
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            for (int i = 0; i < 3; i++) {
                c.send("POST /p HTTP/1.1\r\nHost: x.example\r\nContent-Length: 3\r\n\r\nabc");
                assertEquals("POST 3", c.read(false).text());
            }
        }
        assertEquals(1, stub.connections.get(), "a POST body is read by the backend: its connection stays pooled");
    }

    @Test
    void anInvalidChunkedResponseIsA502WhenNothingWasSentYet() throws Exception {
        start((r, in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("x.example", "/");
            assertEquals(502, r.status());
            assertTrue(c.closedByPeer());
        }
        assertEquals(1, proxy.engine.counters().get("backend.bad_chunk"));
        assertEquals(1, proxy.engine.counters().responses(5), "the 502 is counted, the 200 that was never sent is not");
        assertEquals(0, proxy.engine.counters().responses(2));
    }

    @Test
    void anInvalidChunkAfterBytesWereSentCutsTheResponse() throws Exception {
        CountDownLatch firstChunkSeen = new CountDownLatch(1);
        start((r, in, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                firstChunkSeen.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("zz\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET / HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", StubBackend.readLine(c.in));
            firstChunkSeen.countDown();
            byte[] rest = c.in.readAllBytes();
            String text = new String(rest, StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("2\r\nok\r\n") && !text.contains("0\r\n\r\n"), "cut without a last chunk: " + text);
        }
    }

}
