package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: {@code limits.body.bytes} and {@code limits.body.hosts}. A Content-Length over the limit is answered
 * 413 before the backend sees anything (also instead of 100 Continue); a chunked body is cut when its running total
 * passes the limit.
 */
class BodyLimitTest {

    StubBackend a;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (a != null) {
            a.close();
        }
    }

    /** Bodies the backend read to their end, and requests it is done with (read whole, or cut). */
    final AtomicInteger completeBodies = new AtomicInteger();
    final AtomicInteger handled = new AtomicInteger();

    void start(Map<String, String> core) throws IOException {
        a = new StubBackend("a", (r, in, out) -> {
            try {
                byte[] body = StubBackend.readBody(r, in);
                completeBodies.incrementAndGet();
                StubBackend.respond(out, 200, "got " + body.length);
                return true;
            } catch (IOException | RuntimeException cut) {
                return false;
            } finally {
                handled.incrementAndGet();
            }
        });
        proxy = new ProxyHarness(core).withStrategy().backend("a", a.port());
    }

    long counted(Counter c) {
        return proxy.engine.counters().get(c);
    }

    static String post(String host, int length, String extra) {
        return "POST /up HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + length + "\r\n" + extra + "\r\n" + "x".repeat(length);
    }

    @Test
    void aContentLengthOverTheLimitIs413AndTheBackendSeesNothing() throws IOException {
        start(Map.of("limits.body.bytes", "100"));
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("got 100", c.send(post("x.example", 100, "")).read(false).text());
        }
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send(post("x.example", 101, "")).read(false);
            assertEquals(413, r.status());
            assertTrue(r.text().contains("larger than 100 bytes"), r.text());
            assertTrue(c.closedByPeer(), "the body was not read: the connection closes after the answer");
        }
        assertEquals(1, a.requests().size(), "only the request within the limit reached the backend");
        assertEquals(1, counted(Counter.REJECT_BODY_TOO_LARGE));
    }

    @Test
    void expectContinueWithATooLargeBodyGets413Not100() throws IOException {
        start(Map.of("limits.body.bytes", "1024"));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("PUT /up HTTP/1.1\r\nHost: x.example\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(413, c.read(false).status(), "the first answer is the 413, no 100 Continue before it");
        }
        assertEquals(0, a.requests().size());
    }

    @Test
    void perHostLimitsOverrideTheGlobalOneMostSpecificFirst() throws IOException {
        start(Map.of("limits.body.bytes", "10", "limits.body.hosts", "*.example.com=1k, up.example.com=0, *=20"));
        assertEquals(200, status(post("a.example.com", 1000, "")), "*.example.com allows 1k");
        assertEquals(413, status(post("a.example.com", 1025, "")));
        assertEquals(200, status(post("up.example.com", 50_000, "")), "0: no limit for that host");
        assertEquals(200, status(post("other.example", 20, "")), "* beats the global limit");
        assertEquals(413, status(post("other.example", 21, "")));
    }

    @Test
    void aChunkedBodyPassingTheLimitIsCutWith413AndTheBackendNeverGetsItWhole() throws IOException {
        start(Map.of("limits.body.bytes", "300"));
        String chunk = "64\r\n" + "y".repeat(100) + "\r\n";
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: x.example\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk);
            assertTrue(ProxyHarness.await(() -> a.requests().size() == 1, 5000), "the head and 200 bytes went on");
            c.send(chunk.repeat(8) + "0\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(413, r.status());
            assertTrue(c.closedByPeer(), "the unread rest of the body closes the connection");
        }
        assertEquals(1, counted(Counter.REQUEST_BODY_TOO_LARGE));
        assertTrue(ProxyHarness.await(() -> handled.get() == 1, 5000), "the backend saw its connection end");
        assertEquals(0, completeBodies.get(), "the backend never got the body whole (no last chunk)");

        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: x.example\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk.repeat(10)
                    + "0\r\n\r\n");
            assertEquals(413, c.read(false).status(), "a body over the limit in the first packet");
        }
        assertEquals(1, a.requests().size(), "... is refused before the backend sees even its head");
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: x.example\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + "z".repeat(100)
                    + "\r\n0\r\n\r\n");
            assertEquals("got 100", c.read(false).text(), "a chunked body within the limit goes through");
        }
    }

    @Test
    void badLimitsAreRefusedNamingTheKey() {
        ProxySettings.Parsed p = ProxySettings.from(dev.rsp.core.CoreConfigs.with(
                Map.of("limits.body.bytes", "-1", "limits.body.hosts", "a.example=lots, bad host=1k")));
        List<String> errors = ((ProxySettings.Invalid) p).errors();
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("limits.body.bytes"), errors.toString());
        assertTrue(errors.get(1).startsWith("limits.body.hosts: 'a.example=lots'"), errors.toString());
    }

    int status(String raw) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            return c.send(raw.getBytes(StandardCharsets.ISO_8859_1)).read(false).status();
        }
    }
}
