package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets: slow clients, idle connections and silent backends run into their timeouts. */
class TimeoutsTest {

    static final long HEADER_MS = 500;
    static final long IDLE_MS = 500;
    static final long BACKEND_MS = 500;
    /** The loop sweeps timeouts every 100 ms; answers may come that much later, plus scheduling slack. */
    static final long SLACK_MS = 1500;

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
        proxy = new ProxyHarness(Map.of("timeout.header.ms", String.valueOf(HEADER_MS), "timeout.idle.ms", String.valueOf(IDLE_MS),
                "timeout.backend.ms", String.valueOf(BACKEND_MS), "timeout.stop.ms", "2000"))
                .withStrategy().backend("a", stub.port());
    }

    static final StubBackend.Handler OK = (r, in, out) -> {
        StubBackend.readBody(r, in);
        StubBackend.respond(out, 200, "ok");
        return true;
    };

    @Test
    void slowlorisGets408AfterTheHeaderTimeout() throws IOException {
        start(OK);
        try (TestClient c = new TestClient(proxy.address())) {
            long start = System.nanoTime();
            c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            trickleUntilAnswered(c);
            TestClient.Response r = c.read(false);
            long ms = elapsedMs(start);
            assertEquals(408, r.status(), r.text());
            assertTrue(r.text().startsWith("rsp: "), r.text());
            assertTrue(ms >= HEADER_MS && ms < HEADER_MS + SLACK_MS, "answered after " + ms + " ms");
            assertTrue(c.closedByPeer());
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.timeout.header") == 1, 2000));
        assertEquals(0, stub.requests().size());
    }

    @Test
    void slowlorisOnAKeepAliveConnectionGets408Too() throws IOException {
        start(OK);
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.get("x", "/first").status());
            long start = System.nanoTime();
            c.send("GET /second HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            trickleUntilAnswered(c);
            TestClient.Response r = c.read(false);
            long ms = elapsedMs(start);
            assertEquals(408, r.status(), r.text());
            assertTrue(ms >= HEADER_MS && ms < HEADER_MS + SLACK_MS, "answered after " + ms + " ms");
            assertTrue(c.closedByPeer());
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.timeout.header") == 1, 2000));
        assertEquals(1, stub.requests().size());
    }

    /** Sends one header byte about every 100 ms (bounded to 5 s) until the proxy has something to say. */
    private static void trickleUntilAnswered(TestClient c) throws IOException {
        for (int i = 0; i < 50 && c.in.available() == 0; i++) {
            c.send("a");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws IOException {
        start(OK);
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.get("x", "/").status());
            long start = System.nanoTime();
            assertTrue(c.closedByPeer());
            long ms = elapsedMs(start);
            assertTrue(ms >= IDLE_MS - 100 && ms < IDLE_MS + SLACK_MS, "closed after " + ms + " ms");
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.timeout.idle") == 1, 2000));
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients() == 0, 2000));
    }

    @Test
    void connectionThatNeverSendsIsClosed() throws IOException {
        start(OK);
        try (TestClient c = new TestClient(proxy.address())) {
            long start = System.nanoTime();
            assertTrue(c.closedByPeer());
            long ms = elapsedMs(start);
            assertTrue(ms >= IDLE_MS - 100 && ms < IDLE_MS + SLACK_MS, "closed after " + ms + " ms");
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.timeout.idle") == 1, 2000));
    }

    @Test
    void silentBackendGets504() throws IOException {
        start((r, in, out) -> {
            // accepts and reads, never answers; returns when the proxy gives up and closes
            while (in.read() >= 0) {
                // discard
            }
            return false;
        });
        try (TestClient c = new TestClient(proxy.address())) {
            long start = System.nanoTime();
            c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            TestClient.Response r = c.read(false);
            long ms = elapsedMs(start);
            assertEquals(504, r.status(), r.text());
            assertEquals("rsp: Gateway Timeout\n", r.text(), "no backend name reaches the client");
            proxy.accessLine("error=\"backend a did not answer in time\"");
            assertTrue(ms >= BACKEND_MS && ms < BACKEND_MS + SLACK_MS, "answered after " + ms + " ms");
            assertTrue(c.closedByPeer());
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("backend.timeout") == 1, 2000));
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeBackendConnections() == 0, 2000),
                "the proxy closed the connection to the silent backend");
        assertTrue(proxy.health.isUp("a"), "a slow answer is not a connect failure");
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
