package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: a backend with {@code ;maxconn=1} that holds its answers to {@code /slow} until the test lets go. The
 * second request waits and is served; one beyond the queue, or one that waits too long, gets 503 with Retry-After. The
 * slot is given back on every way an exchange ends.
 */
class BackendQueueTest {

    final CountDownLatch letGo = new CountDownLatch(1);
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger mostConcurrent = new AtomicInteger();
    StubBackend backend;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        letGo.countDown();
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /**
     * Answers every request; {@code /slow} only once the test lets go, {@code /pause} after 100 ms, {@code /close}
     * never (closes).
     */
    void slowBackend() throws IOException {
        backend = new StubBackend("slow", (r, in, out) -> {
            int now = concurrent.incrementAndGet();
            mostConcurrent.accumulateAndGet(now, Math::max);
            boolean counted = true;
            try {
                if (r.target().startsWith("/slow")) {
                    try {
                        letGo.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return false;
                    }
                }
                if (r.target().startsWith("/pause")) {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                if (r.target().startsWith("/close")) {
                    return false;
                }
                StubBackend.readBody(r, in);
                // Done before answering: rsp frees the slot once the whole answer has arrived, and the next request
                // may then reach this backend (on another loop's connection) before this thread gets past respond.
                concurrent.decrementAndGet();
                counted = false;
                StubBackend.respond(out, 200, "ok " + r.target());
                return true;
            } finally {
                if (counted) {
                    concurrent.decrementAndGet();
                }
            }
        });
    }

    void proxyWith(int maxconn, String... kv) throws IOException {
        Map<String, String> m = new java.util.HashMap<>(Map.of("timeout.stop.ms", "2000"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        proxy = new ProxyHarness(m).withStrategy()
                .backend(new Backend("slow", "127.0.0.1", backend.port(), 1, Backend.Protocol.HTTP1, Backend.Tls.NONE, maxconn));
    }

    long counter(String name) {
        return proxy.engine.counters().get(name);
    }

    boolean slotsBalanced() {
        return proxy.engine.slots().inFlight("slow") == 0 && proxy.engine.slots().queued("slow") == 0;
    }

    @Test
    void theSecondRequestWaitsAndIsServedTheThirdBeyondTheQueueGets503() throws Exception {
        slowBackend();
        proxyWith(1, "backend.queue.size", "1", "backend.queue.timeout.ms", "20000");
        try (TestClient first = new TestClient(proxy.address());
             TestClient second = new TestClient(proxy.address());
             TestClient third = new TestClient(proxy.address())) {
            first.send("GET /slow HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> backend.requests().size() == 1, 5000));
            second.send("GET /second HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> counter("backend.queued") == 1, 5000));
            assertEquals(1, backend.requests().size(), "the second waits in rsp, not at the backend");

            TestClient.Response refused = third.get("x.example", "/third");
            assertEquals(503, refused.status(), refused.text());
            assertEquals("1", refused.header("retry-after"));
            assertEquals("rsp: Service Unavailable\n", refused.text());
            assertEquals(1, counter("backend.queue.full"));

            letGo.countDown();
            assertEquals(200, first.read(false).status());
            TestClient.Response served = second.read(false);
            assertEquals(200, served.status());
            assertEquals("ok /second", served.text());
        }
        assertEquals(1, mostConcurrent.get(), "never more than maxconn at the backend");
        assertEquals(2, backend.requests().size());
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000));
        proxy.accessLine("GET /third HTTP/1.1 503");
    }

    @Test
    void aRequestThatWaitsLongerThanTheQueueTimeoutGets503() throws Exception {
        slowBackend();
        proxyWith(1, "backend.queue.timeout.ms", "300");
        try (TestClient first = new TestClient(proxy.address()); TestClient second = new TestClient(proxy.address())) {
            first.send("GET /slow HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> backend.requests().size() == 1, 5000));
            long start = System.nanoTime();
            TestClient.Response r = second.get("x.example", "/late");
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(503, r.status());
            assertEquals("1", r.header("retry-after"));
            assertTrue(waitedMs >= 250, "waited " + waitedMs + " ms");
            assertEquals(1, counter("backend.queue.timeout"));
            assertEquals(1, proxy.engine.slots().inFlight("slow"), "the first still holds its slot");
            assertEquals(0, proxy.engine.slots().queued("slow"));
            letGo.countDown();
            assertEquals(200, first.read(false).status());
        }
        assertEquals(1, backend.requests().size(), "the late one never reached the backend");
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000));
    }

    @Test
    void backendMaxconnFromRspCoreAppliesToBackendsWithoutTheirOwn() throws Exception {
        slowBackend();
        proxyWith(0, "backend.maxconn", "1", "backend.queue.size", "0");
        try (TestClient first = new TestClient(proxy.address()); TestClient second = new TestClient(proxy.address())) {
            first.send("GET /slow HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> backend.requests().size() == 1, 5000));
            assertEquals(503, second.get("x.example", "/no-queue").status());
            letGo.countDown();
            assertEquals(200, first.read(false).status());
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000));
    }

    /** A client that closes while its request waits is not read meanwhile: its readiness does not spin the loop. */
    @Test
    void aClientThatLeavesWhileQueuedGivesUpItsPlaceAndCostsNoLoopTurns() throws Exception {
        slowBackend();
        proxyWith(1, "loops", "1", "backend.queue.timeout.ms", "20000");
        try (TestClient holder = new TestClient(proxy.address())) {
            holder.send("GET /slow HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> backend.requests().size() == 1, 5000));
            try (TestClient leaver = new TestClient(proxy.address())) {
                leaver.send("GET /leaving HTTP/1.1\r\nHost: x.example\r\n\r\n");
                assertTrue(ProxyHarness.await(() -> proxy.engine.slots().queued("slow") == 1, 5000));
            }
            assertTrue(ProxyHarness.await(() -> proxy.engine.slots().queued("slow") == 0
                    && proxy.engine.counters().get("client.aborted") == 1, 5000), "the client that left gave up its place at once");
            long before = proxy.engine.views().loopIterations();
            // a window to measure in, not to synchronise: a loop that spins turns hundreds of thousands of times in it
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            long turns = proxy.engine.views().loopIterations() - before;
            assertTrue(turns < 1000, turns + " loop turns in 300 ms with one closed client queued");
            letGo.countDown();
            assertEquals(200, holder.read(false).status());
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000));
    }

    /**
     * The slot goes back however the exchange ends: answered, a backend that closes before answering (502), a backend
     * timeout (504), a client that leaves while its request is at the backend, a client that leaves while it waits in
     * the queue; and the engine stopping with one request in flight and one queued. (Queue timeouts: above.)
     */
    @Test
    void theSlotIsGivenBackOnEveryWayAnExchangeEnds() throws Exception {
        slowBackend();
        proxyWith(1, "timeout.backend.ms", "300", "backend.queue.timeout.ms", "20000");
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.get("x.example", "/answered").status());
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000), "answered");
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /close HTTP/1.1\r\nHost: x.example\r\nContent-Length: 0\r\n\r\n");
            assertEquals(502, c.read(false).status());
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000), "backend error");
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /slow-timeout HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertEquals(504, c.read(false).status());
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000), "backend timeout");
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /pause HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> backend.requests().stream().anyMatch(r -> r.target().equals("/pause")), 5000));
        }
        assertTrue(ProxyHarness.await(this::slotsBalanced, 5000), "client gone while its request was at the backend");

        TestClient holder = new TestClient(proxy.address());
        holder.send("GET /slow-held HTTP/1.1\r\nHost: x.example\r\n\r\n");
        assertTrue(ProxyHarness.await(() -> proxy.engine.slots().inFlight("slow") == 1
                && backend.requests().stream().anyMatch(r -> r.target().equals("/slow-held")), 5000));
        try (TestClient leaver = new TestClient(proxy.address())) {
            leaver.send("GET /leaving HTTP/1.1\r\nHost: x.example\r\n\r\n");
            assertTrue(ProxyHarness.await(() -> proxy.engine.slots().queued("slow") == 1, 5000));
        }
        TestClient waiting = new TestClient(proxy.address());
        waiting.send("GET /waiting HTTP/1.1\r\nHost: x.example\r\n\r\n");
        assertTrue(ProxyHarness.await(() -> counter("backend.queued") == 2, 5000));

        proxy.close();
        assertTrue(slotsBalanced(), "after the stop: in flight " + proxy.engine.slots().inFlight("slow") + ", queued "
                + proxy.engine.slots().queued("slow"));
        holder.close();
        waiting.close();
        proxy = null;
    }
}
