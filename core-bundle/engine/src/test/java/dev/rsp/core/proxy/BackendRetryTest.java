package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: a backend that resets the second request it gets on a connection (a pooled connection it dropped just
 * as rsp reused it). An idempotent request is sent again on a fresh connection and answered; a POST gets 502 and is not
 * sent twice; over the retry budget nothing is sent again.
 */
class BackendRetryTest {

    StubBackend backend;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** Answers the first request of each connection (keep-alive); resets the connection at the second. */
    static StubBackend resettingReusedConnections() throws IOException {
        Map<Socket, AtomicInteger> perConnection = new ConcurrentHashMap<>();
        return new StubBackend("resetter", (r, in, out) -> {
            int n = perConnection.computeIfAbsent(r.socket(), s -> new AtomicInteger()).incrementAndGet();
            if (n > 1) {
                r.socket().setSoLinger(true, 0);
                return false;
            }
            StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, "ok " + r.method() + " " + r.target());
            return true;
        });
    }

    private static Map<String, String> config(String... kv) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("timeout.stop.ms", "2000"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The first request leaves a pooled connection behind, which the backend resets when it is reused. */
    private TestClient.Response secondRequest(String method) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response first = c.get("x.example", "/first");
            assertEquals(200, first.status(), first.text());
            c.send(method + " /second HTTP/1.1\r\nHost: x.example\r\nContent-Length: 0\r\n\r\n");
            return c.read(method.equals("HEAD"));
        }
    }

    @Test
    void getOnAReusedConnectionThatIsResetIsSentAgainAndAnswered() throws IOException {
        backend = resettingReusedConnections();
        proxy = new ProxyHarness(config()).withStrategy().backend("resetter", backend.port());
        TestClient.Response r = secondRequest("GET");
        assertEquals(200, r.status(), r.text());
        assertEquals("ok GET /second", r.text());
        assertEquals(1, proxy.engine.counters().get("backend.pool.stale_retry"));
        assertEquals(3, backend.requests().size(), "/first, /second reset, /second again");
        assertEquals(2, backend.connections.get(), "sent again on a fresh connection");
    }

    @Test
    void putAndDeleteAreIdempotentToo() throws IOException {
        backend = resettingReusedConnections();
        proxy = new ProxyHarness(config("loops", "1")).withStrategy().backend("resetter", backend.port());
        assertEquals(200, secondRequest("PUT").status());
        assertEquals(200, secondRequest("DELETE").status());
        // PUT; then the GET before DELETE reuses the connection the PUT left, and so does DELETE
        assertEquals(3, proxy.engine.counters().get("backend.pool.stale_retry"));
    }

    @Test
    void postOnAReusedConnectionThatIsResetGets502AndIsNotSentTwice() throws IOException {
        backend = resettingReusedConnections();
        proxy = new ProxyHarness(config()).withStrategy().backend("resetter", backend.port());
        TestClient.Response r = secondRequest("POST");
        assertEquals(502, r.status(), r.text());
        assertEquals(2, backend.requests().size(), "/first, then the POST once");
        assertEquals(0, proxy.engine.counters().get("backend.pool.stale_retry"));
        assertEquals(1, proxy.engine.counters().get("backend.not_resent"));
        proxy.accessLine("POST /second");
    }

    @Test
    void overTheRetryBudgetAGetIsNotSentAgain() throws IOException {
        backend = resettingReusedConnections();
        proxy = new ProxyHarness(config("backend.retry.budget.percent", "0", "backend.retry.budget.min.per.second", "0"))
                .withStrategy().backend("resetter", backend.port());
        TestClient.Response r = secondRequest("GET");
        assertEquals(502, r.status(), r.text());
        assertEquals(2, backend.requests().size(), "not sent again");
        assertEquals(1, proxy.engine.counters().get("backend.retry.budget_exhausted"));
        assertEquals(0, proxy.engine.counters().get("backend.pool.stale_retry"));
        proxy.accessLine("over the retry budget");
    }

    @Test
    void theBudgetAllowsItsFloorThenRefuses() throws IOException {
        backend = resettingReusedConnections();
        // 0 %, a floor of 1 a second: 10 retries in the 10 s window, then none. One loop, so one pool: every request
        // but the first reuses the connection the one before left, which the backend resets.
        proxy = new ProxyHarness(config("loops", "1", "backend.retry.budget.percent", "0",
                "backend.retry.budget.min.per.second", "1")).withStrategy().backend("resetter", backend.port());
        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 13; i++) {
            try (TestClient c = new TestClient(proxy.address())) {
                statuses.add(c.get("x.example", "/" + i).status());
            }
        }
        // the first on a fresh connection, 10 sent again, then 502; the reset connection is gone: the last is fresh
        assertEquals(java.util.List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 502, 200), statuses);
        assertEquals(RetryBudget.WINDOW_SECONDS, proxy.engine.counters().get("backend.pool.stale_retry"));
        assertEquals(1, proxy.engine.counters().get("backend.retry.budget_exhausted"));
    }

    @Test
    void aFreshConnectionClosedBeforeAnsweringAGetGoesToTheNextCandidateWithinTheBudget() throws IOException {
        StubBackend closer = new StubBackend("closer", (r, in, out) -> false);
        backend = new StubBackend("alive", BackendFailureTest.OK);
        try {
            proxy = new ProxyHarness(config("backend.retry.budget.percent", "0", "backend.retry.budget.min.per.second", "0"))
                    .withStrategy().backend("closer", closer.port()).backend("alive", backend.port());
            try (TestClient c = new TestClient(proxy.address())) {
                c.send("GET /g HTTP/1.1\r\nHost: x.example\r\nX-Backend: closer,alive\r\n\r\n");
                assertEquals(502, c.read(false).status(), "over the budget: no next candidate");
            }
            assertEquals(0, backend.requests().size());
            assertEquals(1, proxy.engine.counters().get("backend.retry.budget_exhausted"));
            assertTrue(proxy.engine.counters().get("backend.broke") >= 1);
        } finally {
            closer.close();
        }
    }
}
