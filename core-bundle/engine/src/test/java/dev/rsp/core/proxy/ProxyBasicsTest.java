package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets: the proxy between a raw client and stub backends, for the everyday paths. */
class ProxyBasicsTest {

    StubBackend a;
    StubBackend b;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private void start(StubBackend.Handler handler) throws IOException {
        a = new StubBackend("a", handler);
        b = new StubBackend("b", handler);
        proxy = new ProxyHarness().withStrategy().backend("a", a.port()).backend("b", b.port());
    }

    static final StubBackend.Handler ECHO = (r, in, out) -> {
        byte[] body = StubBackend.readBody(r, in);
        String text = r.method() + " " + r.target() + " host=" + r.header("host") + " xff=" + r.header("x-forwarded-for")
                + " proto=" + r.header("x-forwarded-proto") + " xfh=" + r.header("x-forwarded-host") + " via=" + r.header("via")
                + " conn=" + r.header("connection") + " keepalive=" + r.header("keep-alive") + " body=" + new String(body, StandardCharsets.UTF_8);
        StubBackend.respond(out, 200, text, "X-Backend: " + r.socket().getLocalPort());
        return true;
    };

    @Test
    void aRequestSentWhileTheFirstWaitsForItsBackendIsAnsweredNextAndTheLoopDoesNotSpin() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        start((r, in, out) -> {
            if (seen.incrementAndGet() == 1) {
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            StubBackend.respond(out, 200, r.target());
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /first HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> seen.get() == 1, 5000), "the first request reached its backend");
            // The second request arrives in the socket while the first exchange runs: the client connection keeps
            // its read interest through a plain exchange, so this readiness must switch it off, not spin the loop.
            c.send("GET /second HTTP/1.1\r\nHost: x.example\r\n\r\n");
            long before = loopIterations();
            // An observation window, not a synchronization: a loop that spins on the readable client would turn
            // over hundreds of thousands of times in it; an idle one wakes for its 100 ms sweeps and little else.
            java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
            long turned = loopIterations() - before;
            release.countDown();
            assertEquals("/first", c.read(false).text());
            assertEquals("/second", c.read(false).text());
            assertTrue(turned < 1_000, "loop iterations while the first request waited: " + turned);
        }
    }

    private long loopIterations() {
        return proxy.engine.views().loopIterations();
    }

    @Test
    void forwardsAndAddsForwardingHeaders() throws IOException {
        start(ECHO);
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /p?q=1 HTTP/1.1\r\nHost: Alice.Example.com\r\nX-Forwarded-For: 10.1.1.1\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: drop me\r\nKeep-Alive: timeout=5\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("GET /p?q=1 host=Alice.Example.com xff=127.0.0.1 proto=http xfh=Alice.Example.com"
                    + " via=null conn=null keepalive=null body=", r.text());
            assertNull(r.header("connection"), "keep-alive is HTTP/1.1's default: no Connection field");
        }
        assertTrue(a.requests().get(0).headers().get("x-secret") == null, "fields named in Connection are not forwarded");
    }

    @Test
    void keepAliveReusesBackendConnections() throws IOException {
        start(ECHO);
        try (TestClient c = new TestClient(proxy.address())) {
            for (int i = 0; i < 20; i++) {
                TestClient.Response r = c.get("x.example", "/n" + i);
                assertEquals(200, r.status());
                assertTrue(r.text().startsWith("GET /n" + i + " "), r.text());
            }
        }
        assertEquals(20, a.requests().size());
        assertTrue(a.connections.get() <= 2, "pooled backend connections are reused: " + a.connections.get());
        assertTrue(proxy.engine.counters().get("backend.pool.reused") >= 18);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        start(ECHO);
        try (TestClient c = new TestClient(proxy.address())) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                all.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\nX-Backend: ").append(i % 2 == 0 ? "a" : "b").append("\r\n\r\n");
            }
            all.append("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            c.send(all.toString());
            for (int i = 0; i < 5; i++) {
                TestClient.Response r = c.read(false);
                assertTrue(r.text().startsWith("GET /" + i + " "), r.text());
                assertEquals(String.valueOf(i % 2 == 0 ? a.port() : b.port()), r.header("x-backend"));
            }
            assertTrue(c.read(false).text().endsWith("body=hello"));
        }
    }

    @Test
    void chunkedBodiesPassBothWaysWithTrailers() throws IOException {
        start((r, in, out) -> {
            byte[] body = StubBackend.readBody(r, in);
            OutputStream o = out;
            o.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            o.write(("5\r\ngot: \r\n" + Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            o.write(body);
            o.write("\r\n0\r\nX-Sum: 42\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals("got: abcdefg", r.text());
            // the same connection stays usable
            c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
            assertEquals("got: hi", c.read(false).text());
        }
    }

    @Test
    void headNoContentAndNotModifiedHaveNoBody() throws IOException {
        start((r, in, out) -> {
            switch (r.target()) {
                case "/204" -> out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                case "/304" -> out.write("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                default -> {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    if (!r.method().equals("HEAD")) {
                        out.write(new byte[1000]);
                    }
                }
            }
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
            TestClient.Response h = c.read(true);
            assertEquals("1000", h.header("content-length"));
            assertEquals(204, c.get("x", "/204").status());
            assertEquals(304, c.get("x", "/304").status());
            assertEquals(200, c.get("x", "/after").status(), "the connection stays in sync after bodiless responses");
        }
    }

    @Test
    void expectContinueIsRelayed() throws IOException {
        start((r, in, out) -> {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] body = StubBackend.readBody(r, in);
            StubBackend.respond(out, 201, "stored " + body.length);
            return true;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, c.read(false).status());
            c.send("data");
            TestClient.Response r = c.read(false);
            assertEquals(201, r.status());
            assertEquals("stored 4", r.text());
        }
    }

    @Test
    void upgradeBecomesATunnel() throws IOException {
        start((r, in, out) -> {
            out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] buf = new byte[5];
            int n = in.readNBytes(buf, 0, 5);
            out.write(("echo:" + new String(buf, 0, n, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            TestClient.Response r = c.read(true);
            assertEquals(101, r.status());
            assertEquals("websocket", r.header("upgrade"));
            c.send("hello");
            assertEquals("echo:hello", new String(c.in.readNBytes(10), StandardCharsets.ISO_8859_1));
            assertTrue(c.closedByPeer(), "the tunnel closes when the backend closes");
        }
    }

    @Test
    void http10ClientGetsKeepAliveOnlyWhenAsked() throws IOException {
        start(ECHO);
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /old HTTP/1.0\r\nHost: x\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(c.closedByPeer());
        }
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /old HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", c.read(false).header("connection"));
            c.send("GET /again HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(200, c.read(false).status());
        }
    }
}
