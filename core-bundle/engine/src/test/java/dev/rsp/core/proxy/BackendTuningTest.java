package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.BackendTuning;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: a backend's own {@code ;timeout.connect}, {@code ;timeout.backend} and {@code ;tries} win over the
 * core's (here 20 s, 20 s and 3, so that a test that took the global value would time out or answer otherwise).
 */
class BackendTuningTest {

    StubBackend a;
    StubBackend slow;
    ProxyHarness proxy;
    ServerSocket stuck;
    final List<SocketChannel> fillers = new ArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() throws IOException {
        release.countDown();
        if (proxy != null) {
            proxy.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {a, slow, stuck}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing a test's sockets
            }
        }
        for (SocketChannel f : fillers) {
            f.close();
        }
    }

    /**
     * "a" answers at once; "slow" holds every request until the test ends; "stuck" is a listener whose accept queue
     * is full, so that a connect to it neither succeeds nor fails (Linux drops the SYN).
     */
    void start(Map<String, BackendTuning> tuning) throws IOException {
        a = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "a");
            return true;
        });
        slow = new StubBackend("slow", (r, in, out) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        stuck = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        for (int i = 0; i < 4; i++) {
            SocketChannel f = SocketChannel.open();
            f.configureBlocking(false);
            f.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), stuck.getLocalPort()));
            fillers.add(f);
        }
        assertConnectHangs(stuck.getLocalPort());
        proxy = new ProxyHarness(Map.of("timeout.connect.ms", "20000", "timeout.backend.ms", "20000", "backend.tries", "3"))
                .withStrategy();
        proxy.publisher.offer(new dev.rsp.core.backend.SourcedBackends("test", List.of(
                new Backend("a", "127.0.0.1", a.port(), 1), new Backend("slow", "127.0.0.1", slow.port(), 1),
                new Backend("stuck", "127.0.0.1", stuck.getLocalPort(), 1)), tuning));
    }

    /** The premise of the connect tests: a connect to the full listener neither completes nor fails for 300 ms. */
    static void assertConnectHangs(int port) throws IOException {
        try (SocketChannel probe = SocketChannel.open(); java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            probe.configureBlocking(false);
            probe.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            probe.register(sel, java.nio.channels.SelectionKey.OP_CONNECT);
            assertEquals(0, sel.select(300), "a connect to a listener with a full accept queue hangs (Linux drops the SYN)");
        }
    }

    static BackendTuning tuning(long connectMs, long backendMs, int tries) {
        return new BackendTuning(TimeUnit.MILLISECONDS.toNanos(connectMs), TimeUnit.MILLISECONDS.toNanos(backendMs), tries);
    }

    TestClient.Response get(String backends) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            return c.send("GET / HTTP/1.1\r\nHost: x.example\r\nX-Backend: " + backends + "\r\n\r\n").read(false);
        }
    }

    @Test
    void aBackendsOwnConnectTimeoutMovesToTheNextCandidate() throws IOException {
        start(Map.of("stuck", tuning(200, 0, 0)));
        long t0 = System.nanoTime();
        TestClient.Response r = get("stuck, a");
        long took = System.nanoTime() - t0;
        assertEquals("a", r.text());
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(200), "the connect to stuck waited for its timeout: " + took);
        assertTrue(took < TimeUnit.SECONDS.toNanos(10), "not the global 20 s");
        assertEquals(1, proxy.engine.counters().get(Counter.BACKEND_CONNECT_FAILED));
    }

    @Test
    void aBackendsOwnTriesLimitTheCandidates() throws IOException {
        start(Map.of("stuck", tuning(200, 0, 1)));
        assertEquals(502, get("stuck, a").status(), "tries=1: no second candidate");
        assertEquals(0, a.requests().size());
    }

    @Test
    void aBackendsOwnFirstByteTimeoutAnswers504() throws IOException {
        start(Map.of("slow", tuning(0, 300, 0)));
        long t0 = System.nanoTime();
        assertEquals(504, get("slow").status());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "not the global 20 s");
        assertEquals(1, proxy.engine.counters().get(Counter.BACKEND_TIMEOUT));
    }
}
