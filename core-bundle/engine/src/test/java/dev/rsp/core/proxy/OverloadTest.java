package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Load beyond rsp's limits is answered, never reset: connections beyond {@code limits.connections} wait in the
 * kernel's accept queue until one closes; requests beyond the buffer budget get 503 with Retry-After.
 */
class OverloadTest {

    final CountDownLatch answerNow = new CountDownLatch(1);
    final CountDownLatch sawClose = new CountDownLatch(1);
    StubBackend slow;
    ProxyHarness proxy;
    final List<TestClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        answerNow.countDown();
        for (TestClient c : clients) {
            c.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (slow != null) {
            slow.close();
        }
    }

    private void start(Map<String, String> core) throws IOException {
        slow = new StubBackend("slow", ClientAbortTest.holding(answerNow, sawClose, new AtomicBoolean(), () -> { }));
        Map<String, String> c = new java.util.HashMap<>(core);
        c.put("timeout.stop.ms", "2000");
        proxy = new ProxyHarness(c).withStrategy().backend("slow", slow.port());
    }

    private TestClient ask(String path) throws IOException {
        TestClient c = new TestClient(proxy.address());
        clients.add(c);
        c.send("GET " + path + " HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n");
        return c;
    }

    private long counter(String name) {
        return proxy.engine.counters().get(name);
    }

    @Test
    void connectionsBeyondTheLimitWaitInTheAcceptQueueAndAreServedWhenOneCloses() throws Exception {
        start(Map.of("limits.connections", "3"));
        for (int i = 0; i < 3; i++) {
            ask("/held-" + i);
        }
        assertTrue(ProxyHarness.await(() -> slow.requests().size() == 3, 5_000), "three requests reach the backend");
        TestClient waiting = ask("/waiting");
        assertTrue(ProxyHarness.await(() -> counter("accept.paused") >= 1, 5_000), "accepting paused");
        assertEquals(3, counter("connections.accepted"), "the fourth connection is not accepted yet");
        EngineReports.Load load = proxy.engine.views().load();
        assertEquals(3, load.connections());
        assertEquals(3, load.maxConnections());
        assertTrue(load.acceptPaused());
        assertTrue(load.bufferBytes() > 0 && load.bufferBytes() < load.bufferBudget(), load.toString());
        answerNow.countDown();
        for (TestClient c : clients) {
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status(), "every client is answered, the waiting one too");
        }
        assertEquals(4, counter("connections.accepted"));
        assertEquals(List.of("/held-0", "/held-1", "/held-2", "/waiting"),
                slow.requests().stream().map(StubBackend.Request::target).sorted().toList());
        assertTrue(waiting.closedByPeer());
        assertTrue(ProxyHarness.await(() -> !proxy.engine.views().load().acceptPaused(), 5_000), "accepting again");
    }

    @Test
    void aRaisedLimitLetsWaitingConnectionsInAtOnce() throws Exception {
        start(Map.of("limits.connections", "1"));
        ask("/held");
        assertTrue(ProxyHarness.await(() -> slow.requests().size() == 1, 5_000));
        ask("/waiting");
        assertTrue(ProxyHarness.await(() -> counter("accept.paused") >= 1, 5_000));
        proxy.engine.settings(((ProxySettings.Valid) ProxySettings.from(dev.rsp.core.CoreConfigs.with(Map.of(
                "http.listen", proxy.address().getHostString() + ":" + proxy.address().getPort(), "loops", "2",
                "routing.chain", ProxyHarness.STRATEGY, "limits.connections", "10")))).settings());
        assertTrue(ProxyHarness.await(() -> slow.requests().size() == 2, 5_000), "the waiting connection is accepted");
    }

    @Test
    void requestsBeyondTheBufferBudgetGet503WithRetryAfter() throws Exception {
        // 1 MiB over two loops: 32 buffers of 16 KiB per loop; each held exchange holds several.
        start(Map.of("limits.buffers", "1048576"));
        int n = 60;
        for (int i = 0; i < n; i++) {
            ask("/b" + i);
        }
        assertTrue(ProxyHarness.await(() -> slow.requests().size() + counter("overload.buffers") == n, 10_000),
                "every request is either at the backend or refused");
        answerNow.countDown();
        int ok = 0;
        int refused = 0;
        for (TestClient c : clients) {
            TestClient.Response r = c.read(false);
            if (r.status() == 503) {
                refused++;
                assertEquals("1", r.headers().get("retry-after"));
                assertEquals("rsp: Service Unavailable\n", r.text());
            } else {
                assertEquals(200, r.status());
                ok++;
            }
        }
        assertTrue(ok > 0 && refused > 0, ok + " answered, " + refused + " refused");
        assertEquals(refused, counter("overload.buffers"));
    }
}
