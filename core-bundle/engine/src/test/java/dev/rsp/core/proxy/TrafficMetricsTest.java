package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.metrics.TrafficStats;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-loop traffic statistics as a reader sees them, with real sockets. */
class TrafficMetricsTest {

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

    @Test
    void requestsResponsesBytesAndLatencyArePerListenerBackendAndStrategy() throws IOException {
        a = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, r.target().equals("/fail") ? 500 : 200, "hello");
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", a.port()).backend("gone", ProxyHarnessPorts.closed());
        try (TestClient c = new TestClient(proxy.address())) {
            for (int i = 0; i < 10; i++) {
                assertEquals(200, c.get("x.example", "/ok").status());
            }
            assertEquals(500, c.get("x.example", "/fail").status());
        }
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET / HTTP/1.1\r\nHost: x.example\r\nX-Backend: gone, a\r\n\r\n");
            assertEquals(200, c.read(false).status());
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().metrics().listener().requests == 12, 5000));
        LoopMetrics.Snapshot s = proxy.engine.views().metrics();
        TrafficStats l = s.listener();
        assertEquals(11, l.responses[2]);
        assertEquals(1, l.responses[5]);
        assertEquals(12 * 5, l.bytesOut);
        assertEquals(12, TrafficStatsTotals.histogramTotal(l));
        TrafficStats backend = s.backends().get("a");
        assertEquals(12, backend.requests);
        assertEquals(1, backend.errors());
        assertEquals(1, s.backends().get("gone").failures, "the refused connect counts against its backend");
        assertEquals(12, s.strategies().get(ProxyHarness.STRATEGY).requests);
        assertTrue(l.quantileMillis(0.99) > 0);
        assertEquals(1, proxy.engine.views().events().get("backend.retry"));
        assertTrue(proxy.engine.views().events().containsKey("backend.marked_down"));

        proxy.removeBackend("gone");
        assertTrue(ProxyHarness.await(() -> !proxy.engine.views().metrics().backends().containsKey("gone"), 5000),
                "a removed backend's statistics are dropped");
    }

    /** Small helpers kept out of the production classes. */
    static final class TrafficStatsTotals {
        static long histogramTotal(TrafficStats t) {
            long n = 0;
            for (long c : t.latency) {
                n += c;
            }
            return n;
        }
    }

    /** A port on which nothing listens. */
    static final class ProxyHarnessPorts {
        static int closed() throws IOException {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
