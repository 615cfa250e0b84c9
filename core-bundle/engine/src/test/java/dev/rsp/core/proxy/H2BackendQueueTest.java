package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ;maxconn} counts requests, not connections: an HTTP/2 backend ({@link H2Backend}) with {@code maxconn=1}
 * gets one stream at a time over all loops; the next request waits in rsp, and a stream the backend resets gives its
 * slot back.
 */
class H2BackendQueueTest extends StubProxyFixture {

    private H2Backend backend;

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    private boolean slotsBalanced() {
        return proxy.engine.slots().inFlight("h2") == 0 && proxy.engine.slots().queued("h2") == 0;
    }

    @Test
    void oneStreamAtATimeTheNextWaitsAndAResetStreamGivesItsSlotBack() throws Exception {
        backend = H2Backend.start(dir);
        proxy = new ProxyHarness(Map.of("backend.queue.timeout.ms", "20000")).withStrategy();
        proxy.backend(new Backend("h2", "127.0.0.1", backend.port(), 1, Backend.Protocol.H2, Backend.Tls.NONE, 1));
        try (TestClient slow = new TestClient(proxy.address()); TestClient next = new TestClient(proxy.address())) {
            slow.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> backend.events("REQUEST ").size() == 1, 5000));
            next.send("GET /status?code=200 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(Counter.BACKEND_QUEUED) == 1, 5000));
            assertEquals(1, backend.events("REQUEST ").size(), "the second waits in rsp");
            assertEquals(200, slow.read(false).status());
            TestClient.Response r = next.read(false);
            assertEquals(200, r.status());
            assertEquals("status 200\n", r.text());
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /reset HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> backend.events("REQUEST ").size() == 3, 5000));
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000), "after a stream reset by the backend");
        assertEquals(List.of(), backend.events("ERROR "), backend.errors());
    }
}
