package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.ratelimit.RateLimitSettings;
import dev.rsp.core.ratelimit.RateLimiter;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rate limits with real sockets over HTTP/1.1: what a client sees beyond a limit (429, Retry-After, a short body, the
 * connection closed), that it is admitted again once its bucket refilled, host pattern rules, the connection rate,
 * and that a request's concurrency slot comes back however the request ends.
 */
class RateLimitTest extends StubProxyFixture {

    /** Released at the end of each test, so that a held /slow request lets its backend thread go. */
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch slowArrived = new CountDownLatch(1);

    @AfterEach
    void letSlowRequestsGo() {
        release.countDown();
    }

    /** Backend "a": /slow waits for {@link #release}, anything else answers "ok" at once. */
    void startWithLimits(Map<String, ?> core, Map<String, String> limits) throws IOException {
        start((r, in, out) -> {
            if (r.target().startsWith("/slow")) {
                slowArrived.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            StubBackend.respond(out, 200, "ok");
            return true;
        }, core);
        proxy.engine.rateLimits(((RateLimitSettings.Valid) RateLimitSettings.read(limits)).settings());
    }

    int status(String host, String path) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            return c.get(host, path).status();
        }
    }

    long counted(Counter c) {
        return proxy.engine.counters().get(c);
    }

    @Test
    void beyondTheClientRateA429WithRetryAfterThenAdmittedAgainOnceTheBucketRefilled() throws Exception {
        startWithLimits(Map.of(), Map.of("client.requests.per.second", "5", "client.burst", "2"));
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.get("x.example", "/1").status());
            assertEquals(200, c.get("x.example", "/2").status(), "the burst, on one keep-alive connection");
            TestClient.Response r = c.get("x.example", "/3");
            assertEquals(429, r.status());
            assertEquals("1", r.header("retry-after"));
            assertEquals("close", r.header("connection"));
            assertEquals("rsp: too many requests from your address; retry after 1 s\n", r.text());
            assertTrue(c.closedByPeer(), "rsp's own answers close the connection");
        }
        assertEquals(1, counted(Counter.RATELIMIT_CLIENT_REQUESTS));
        assertEquals(2, proxy.engine.counters().responses(2));
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.stream().anyMatch(l -> l.contains(" 429 ")), 5000),
                "the refusal has its access log line: " + proxy.accessLines);
        assertTrue(ProxyHarness.await(() -> {
            try {
                return status("x.example", "/again") == 200;
            } catch (IOException e) {
                return false;
            }
        }, 5000), "admitted again within a few tokens' time");
        assertEquals(2, a.requests().stream().filter(q -> !q.target().equals("/again")).count(),
                "the refused request never reached the backend");
    }

    @Test
    void hostPatternRulesOverrideTheTopLevelLimitPerHost() throws Exception {
        startWithLimits(Map.of(), Map.of("host.requests.per.second", "1000",
                "rule.tight", "hosts=*.tight.example; requests=1/m; burst=1"));
        assertEquals(200, status("a.tight.example", "/"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("A.Tight.Example:8080", "/");
            assertEquals(429, r.status(), "the canonical host is what the pattern matches");
            long retry = Long.parseLong(r.header("retry-after"));
            assertTrue(retry >= 59 && retry <= 60, "a minute's token: " + retry);
            assertEquals("rsp: too many requests for this site; retry after " + retry + " s\n", r.text());
        }
        assertEquals(200, status("b.tight.example", "/"), "each host has its own bucket");
        for (int i = 0; i < 20; i++) {
            assertEquals(200, status("other.example", "/" + i), "other hosts have the top-level limit");
        }
        assertEquals(1, counted(Counter.RATELIMIT_HOST_REQUESTS));
    }

    @Test
    void aConnectionOverTheConnectionRateGetsA429OnItsFirstRequestThenIsClosed() throws Exception {
        startWithLimits(Map.of(), Map.of("client.connections.per.second", "1", "client.connections.burst", "1"));
        try (TestClient first = new TestClient(proxy.address()); TestClient second = new TestClient(proxy.address())) {
            assertEquals(200, first.get("x.example", "/").status());
            TestClient.Response r = second.get("x.example", "/");
            assertEquals(429, r.status());
            assertEquals("1", r.header("retry-after"));
            assertEquals("rsp: too many new connections from your address; retry after 1 s\n", r.text());
            assertTrue(second.closedByPeer());
            assertEquals(200, first.get("x.example", "/more").status(), "the admitted connection goes on");
        }
        assertEquals(1, counted(Counter.RATELIMIT_CLIENT_CONNECTIONS));
    }

    @Test
    void theConcurrencySlotComesBackWhenARequestCompletes() throws Exception {
        startWithLimits(Map.of(), Map.of("client.concurrent", "1"));
        try (TestClient c = new TestClient(proxy.address())) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, c.get("x.example", "/" + i).status());
            }
        }
        assertEquals(0, counted(Counter.RATELIMIT_CLIENT_CONCURRENT));
    }

    @Test
    void theConcurrencySlotIsHeldWhileARequestRunsAndComesBackWhenItTimesOut() throws Exception {
        startWithLimits(Map.of("timeout.backend.ms", "1000"), Map.of("client.concurrent", "1"));
        try (TestClient slow = new TestClient(proxy.address())) {
            slow.send("GET /slow HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(slowArrived.await(10, TimeUnit.SECONDS));
            TestClient.Response r;
            try (TestClient other = new TestClient(proxy.address())) {
                r = other.get("x.example", "/");
            }
            assertEquals(429, r.status(), "one request at a time");
            assertEquals("1", r.header("retry-after"));
            assertEquals("rsp: too many requests from your address at once; retry after 1 s\n", r.text());
            assertEquals(504, slow.read(false).status(), "the backend timeout ends the first");
        }
        assertEquals(200, status("x.example", "/after"), "its slot came back");
        assertEquals(1, counted(Counter.RATELIMIT_CLIENT_CONCURRENT));
    }

    @Test
    void theConcurrencySlotComesBackWhenTheClientGoesAwayMidRequest() throws Exception {
        startWithLimits(Map.of(), Map.of("client.concurrent", "1"));
        try (TestClient slow = new TestClient(proxy.address())) {
            slow.send("POST /slow-upload HTTP/1.1\r\nHost: x.example\r\nContent-Length: 1000\r\n\r\n0123456789");
            assertTrue(slowArrived.await(10, TimeUnit.SECONDS));
            assertEquals(429, status("x.example", "/"));
        }
        assertTrue(ProxyHarness.await(() -> {
            try {
                return status("x.example", "/after") == 200;
            } catch (IOException e) {
                return false;
            }
        }, 10_000), "the aborted request gave its slot back while its backend still holds it");
        assertTrue(counted(Counter.CLIENT_CLOSED_MID_REQUEST) >= 1, "it ended as an abort");
    }

    @Test
    void theConcurrencySlotComesBackWhenRspAnswersItself() throws Exception {
        startWithLimits(Map.of(), Map.of("client.concurrent", "1"));
        proxy.removeBackend("a");
        assertTrue(ProxyHarness.await(() -> proxy.engine.directory().backends().all().isEmpty(), 5000));
        for (int i = 0; i < 3; i++) {
            int s = status("x.example", "/");
            assertTrue(s == 502 || s == 503, "no backend: " + s);
        }
        assertEquals(0, counted(Counter.RATELIMIT_CLIENT_CONCURRENT), "each error gave its slot back");
    }

    @Test
    void theLimitersEventNamesAreDeclaredCounters() {
        assertTrue(Counter.forId(RateLimiter.CLIENTS_EVICTED).isPresent());
        assertTrue(Counter.forId(RateLimiter.HOSTS_EVICTED).isPresent());
    }

    @Test
    void anOperatorsPageForThe429KeepsItsRetryAfter() throws Exception {
        java.nio.file.Path errors = Files.createDirectories(dir.resolve("errors"));
        Files.writeString(errors.resolve("429.html"), "<h1>Slow down</h1>\n");
        startWithLimits(Map.of("errors.dir", errors.toString()), Map.of("client.requests.per.second", "1",
                "client.burst", "1"));
        assertTrue(ProxyHarness.await(() -> proxy.engine.errorPages().size() == 1, 5000), "the page is loaded");
        assertEquals(200, status("x.example", "/"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("x.example", "/");
            assertEquals(429, r.status());
            assertEquals("1", r.header("retry-after"));
            assertEquals("text/html; charset=utf-8", r.header("content-type"));
            assertEquals("<h1>Slow down</h1>\n", r.text());
        }
    }
}
