package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Passive outlier detection through a running engine with real sockets: consecutive 5xx answers eject a backend,
 * rsp's own 504 does not count, the ejection cap keeps a backend in, and slow start sends a backend that came back a
 * deterministic share of its requests.
 */
class OutlierDetectionTest {

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private ProxyHarness proxy;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A backend that answers every request with the status in {@code status} and its name. */
    private StubBackend backend(String name, AtomicInteger status) throws IOException {
        StubBackend b = new StubBackend(name, (r, in, out) -> {
            StubBackend.respond(out, status.get(), name);
            return true;
        });
        open.add(b);
        return b;
    }

    private TestClient.Response request(String backends) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /page HTTP/1.1\r\nHost: x.example\r\nX-Backend: " + backends + "\r\n\r\n");
            return c.read(false);
        }
    }

    private EngineReports.BackendStatus status(String name) {
        return proxy.engine.views().backendStatus().stream().filter(b -> b.backend().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void consecutive5xxEjectABackendWhileTheOtherServes() throws Exception {
        proxy = new ProxyHarness(Map.of("health.outlier.5xx", "3")).withStrategy();
        AtomicInteger aStatus = new AtomicInteger(500);
        StubBackend a = backend("a", aStatus);
        StubBackend b = backend("b", new AtomicInteger(200));
        proxy.backend("a", a.port()).backend("b", b.port());
        for (int i = 0; i < 3; i++) {
            TestClient.Response r = request("a, b");
            assertEquals(500, r.status(), "a 5xx of the backend is relayed as it is");
            assertEquals("a", r.text());
        }
        assertEquals("ejected", status("a").state());
        assertEquals("3 consecutive 5xx; ejected for 30 s more", status("a").reason());
        for (int i = 0; i < 5; i++) {
            assertEquals("b", request("a, b").text());
        }
        assertEquals(3, a.requests().size());
        assertEquals(1L, proxy.engine.views().events().get("health.outlier.ejected"));
        assertEquals("ejected", proxy.engine.views().describeBackends().get(0).split("\\s+")[3].toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void rspsOwn504DoesNotCountAsA5xxOfTheBackend() throws Exception {
        proxy = new ProxyHarness(Map.of("health.outlier.5xx", "1", "timeout.backend.ms", "100")).withStrategy();
        StubBackend silent = new StubBackend("silent", (r, in, out) -> {
            in.read();
            return false;
        });
        open.add(silent);
        proxy.backend("silent", silent.port());
        for (int i = 0; i < 2; i++) {
            assertEquals(504, request("silent").status());
        }
        assertEquals("up", status("silent").state(), "rsp's 504 is not the backend's 5xx");
        assertEquals(0L, proxy.engine.views().events().get("health.outlier.ejected"));
    }

    @Test
    void consecutiveTimeoutsEjectWhenTheyAreCounted() throws Exception {
        proxy = new ProxyHarness(Map.of("health.outlier.timeouts", "2", "timeout.backend.ms", "100")).withStrategy();
        StubBackend silent = new StubBackend("silent", (r, in, out) -> {
            in.read();
            return false;
        });
        open.add(silent);
        StubBackend b = backend("b", new AtomicInteger(200));
        proxy.backend("silent", silent.port()).backend("b", b.port());
        assertEquals(504, request("silent, b").status());
        assertEquals("up", status("silent").state());
        assertEquals(504, request("silent, b").status());
        assertEquals("ejected", status("silent").state());
        assertEquals("2 consecutive timeouts; ejected for 30 s more", status("silent").reason());
        assertEquals("b", request("silent, b").text());
    }

    @Test
    void theCapKeepsTheLastBackendInWhenEveryOneFails() throws Exception {
        proxy = new ProxyHarness(Map.of("health.outlier.5xx", "1", "health.max.ejected.percent", "50")).withStrategy();
        StubBackend a = backend("a", new AtomicInteger(503));
        StubBackend b = backend("b", new AtomicInteger(503));
        proxy.backend("a", a.port()).backend("b", b.port());
        assertEquals(503, request("a, b").status());
        assertEquals("ejected", status("a").state());
        assertEquals(503, request("b, a").status());
        assertEquals("up", status("b").state(), "one of two is 50 %: b stays in");
        assertEquals(503, request("b, a").status());
        assertEquals(2L, proxy.engine.views().events().get("health.outlier.capped"));
        assertEquals(1L, proxy.engine.views().events().get("health.outlier.ejected"));
        assertEquals(2, b.requests().size());
    }

    @Test
    void slowStartSendsEveryTenthRequestFirstToABackendJustBack() throws Exception {
        proxy = new ProxyHarness(Map.of("health.outlier.5xx", "1", "health.outlier.ejection.ms", "100",
                "health.slowstart.ms", "600000")).withStrategy();
        AtomicInteger aStatus = new AtomicInteger(500);
        StubBackend a = backend("a", aStatus);
        StubBackend b = backend("b", new AtomicInteger(200));
        proxy.backend("a", a.port()).backend("b", b.port());
        assertEquals(500, request("a, b").status());
        assertEquals("ejected", status("a").state());
        aStatus.set(200);
        assertTrue(ProxyHarness.await(() -> status("a").state().equals("slow-start"), 10_000));
        int toA = 0;
        for (int i = 0; i < 100; i++) {
            if (request("a, b").text().equals("a")) {
                toA++;
            }
        }
        assertEquals(10, toA, "10 % at the start of a 10-minute slow start, counted, not drawn");
        assertEquals(90L, proxy.engine.views().events().get("health.slowstart.deferred"));
        assertTrue(status("a").reason().startsWith("slow start: 10 % of its requests"), status("a").reason());
    }
}
