package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets: backends that refuse, break, disappear, and a chain whose strategy is missing. */
class BackendFailureTest {

    StubBackend alive;
    StubBackend other;
    ProxyHarness proxy;
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() throws IOException {
        release.countDown();
        if (proxy != null) {
            proxy.close();
        }
        if (alive != null) {
            alive.close();
        }
        if (other != null) {
            other.close();
        }
    }

    static final StubBackend.Handler OK = (r, in, out) -> {
        byte[] body = StubBackend.readBody(r, in);
        StubBackend.respond(out, 200, "ok " + r.method() + " " + r.target() + " " + body.length);
        return true;
    };

    /** A port that was bound and closed: connecting to it is refused. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Map<String, String> config(String... kv) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("timeout.stop.ms", "2000"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String get(String path, String backends) {
        return "GET " + path + " HTTP/1.1\r\nHost: x.example\r\nX-Backend: " + backends + "\r\n\r\n";
    }

    @Test
    void refusedConnectGoesToTheNextCandidate() throws IOException {
        alive = new StubBackend("alive", OK);
        proxy = new ProxyHarness(config()).withStrategy().backend("dead", deadPort()).backend("alive", alive.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(get("/r", "dead,alive"));
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("ok GET /r 0", r.text());
        }
        assertEquals(1, proxy.engine.counters().get("backend.connect_failed"));
        assertEquals(1, alive.requests().size());
    }

    @Test
    void allCandidatesDeadGives502NamingTheHost() throws IOException {
        proxy = new ProxyHarness(config()).withStrategy().backend("dead", deadPort()).backend("dead2", deadPort());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(get("/r", "dead,dead2"));
            TestClient.Response r = c.read(false);
            assertEquals(502, r.status());
            assertEquals("rsp: Bad Gateway\n", r.text(), "no backend name reaches the client");
            proxy.accessLine("error=\"no backend reachable for x.example (tried dead, dead2)\"");
            assertTrue(c.closedByPeer());
        }
        assertEquals(2, proxy.engine.counters().get("backend.connect_failed"));
        assertEquals(1, proxy.engine.counters().get("backend.unavailable"));
    }

    @Test
    void backendIsMarkedDownAfterConsecutiveFailuresAndTheHealthyOneIsPreferred() throws IOException {
        alive = new StubBackend("alive", OK);
        proxy = new ProxyHarness(config("health.failures", "2", "health.cooldown.ms", "60000"))
                .withStrategy().backend("dead", deadPort()).backend("alive", alive.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(get("/1", "dead,alive"));
            assertEquals(200, c.read(false).status());
            assertTrue(proxy.health.isUp("dead"), "one failure is not enough");
            c.send(get("/2", "dead,alive"));
            assertEquals(200, c.read(false).status());
            assertFalse(proxy.health.isUp("dead"));
            assertEquals(2, proxy.engine.counters().get("backend.connect_failed"));
            for (int i = 0; i < 5; i++) {
                c.send(get("/later" + i, "dead,alive"));
                assertEquals(200, c.read(false).status());
            }
        }
        assertEquals(2, proxy.engine.counters().get("backend.connect_failed"), "a backend that is down is not tried first");
        assertEquals(7, alive.requests().size());
    }

    static final StubBackend.Handler CLOSE_AFTER_HEAD = (r, in, out) -> false;

    @Test
    void backendClosingBeforeAnsweringAPostGives502() throws IOException {
        StubBackend closer = new StubBackend("closer", CLOSE_AFTER_HEAD);
        other = closer;
        alive = new StubBackend("alive", OK);
        proxy = new ProxyHarness(config()).withStrategy().backend("closer", closer.port()).backend("alive", alive.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /p HTTP/1.1\r\nHost: x.example\r\nX-Backend: closer,alive\r\nContent-Length: 5\r\n\r\nhello");
            TestClient.Response r = c.read(false);
            assertEquals(502, r.status(), r.text());
            assertEquals("rsp: Bad Gateway\n", r.text(), "no backend name reaches the client");
            proxy.accessLine("error=\"backend closer failed");
            assertTrue(c.closedByPeer());
        }
        assertEquals(1, closer.requests().size());
        assertEquals(0, alive.requests().size(), "a POST is not sent twice");
        assertEquals(1, proxy.engine.counters().get("backend.broke"));
    }

    @Test
    void backendClosingBeforeAnsweringAGetIsRetriedOnTheNextCandidate() throws IOException {
        StubBackend closer = new StubBackend("closer", CLOSE_AFTER_HEAD);
        other = closer;
        alive = new StubBackend("alive", OK);
        proxy = new ProxyHarness(config()).withStrategy().backend("closer", closer.port()).backend("alive", alive.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(get("/g", "closer,alive"));
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status(), r.text());
            assertEquals("ok GET /g 0", r.text());
            assertEquals(200, c.get("x.example", "/again").status(), "the client connection stays usable");
        }
        assertEquals(1, closer.requests().size());
        assertEquals(2, alive.requests().size());
        assertEquals(1, proxy.engine.counters().get("backend.broke"));
    }

    @Test
    void removedBackendFinishesItsResponseWhileNewRequestsGoElsewhere() throws Exception {
        byte[] big = new byte[256 * 1024];
        new java.util.Random(42).nextBytes(big);
        StubBackend slow = new StubBackend("slow", (r, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(big, 0, big.length / 2);
            out.flush();
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                return false;
            }
            out.write(big, big.length / 2, big.length - big.length / 2);
            return true;
        });
        other = slow;
        alive = new StubBackend("alive", OK);
        proxy = new ProxyHarness(config()).withStrategy().backend("slow", slow.port()).backend("alive", alive.port());
        try (TestClient inFlight = new TestClient(proxy.address())) {
            inFlight.send(get("/big", "slow"));
            assertTrue(ProxyHarness.await(() -> slow.requests().size() == 1, 5000));
            proxy.removeBackend("slow");
            try (TestClient c = new TestClient(proxy.address())) {
                TestClient.Response r = c.get("x.example", "/new");
                assertEquals(200, r.status());
                assertEquals("ok GET /new 0", r.text(), "the first backend is now alive");
            }
            release.countDown();
            TestClient.Response r = inFlight.read(false);
            assertEquals(200, r.status());
            assertArrayEquals(big, r.body(), "the response in flight finished intact");
        }
        assertEquals(1, slow.requests().size(), "no new request went to the removed backend");
        assertEquals(1, alive.requests().size());
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeBackendConnections() == 1, 2000),
                "the drained connection to the removed backend is closed, not pooled; open: "
                        + proxy.engine.counters().activeBackendConnections());
    }

    @Test
    void noStrategyGives503AfterTheGrace() throws IOException {
        alive = new StubBackend("alive", OK);
        proxy = new ProxyHarness(config("timeout.grace.ms", "400")).backend("alive", alive.port());
        try (TestClient c = new TestClient(proxy.address())) {
            long start = System.nanoTime();
            c.send(get("/w", "alive"));
            TestClient.Response r = c.read(false);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(503, r.status());
            assertEquals("rsp: Service Unavailable\n", r.text(), "nothing of the configuration reaches the client");
            proxy.accessLine("routing.chain = [test]");
            assertTrue(ms >= 400 && ms < 2000, "answered after " + ms + " ms");
            assertTrue(c.closedByPeer());
        }
        assertEquals(1, proxy.engine.counters().get("route.waited"));
        assertEquals(1, proxy.engine.counters().get("route.no_strategy"));
        assertEquals(0, alive.requests().size());
    }

    @Test
    void strategyRegisteredDuringTheGraceServesTheWaitingRequest() throws IOException {
        alive = new StubBackend("alive", OK);
        proxy = new ProxyHarness(config("timeout.grace.ms", "10000")).backend("alive", alive.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(get("/w", "alive"));
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("route.waited") == 1, 5000));
            long start = System.nanoTime();
            proxy.withStrategy();
            TestClient.Response r = c.read(false);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(200, r.status());
            assertEquals("ok GET /w 0", r.text());
            assertTrue(ms < 2000, "served " + ms + " ms after the strategy appeared");
        }
        assertEquals(0, proxy.engine.counters().get("route.no_strategy"));
    }
}
