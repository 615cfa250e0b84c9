package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away while its request waits for a slow backend: the backend connection is closed at once (the
 * backend reads its end), not when the backend answers; a client that only half-closes still gets its answer.
 */
class ClientAbortTest {

    /** Set by the backend when rsp closed the connection while the backend was still "working". */
    final CountDownLatch backendSawClose = new CountDownLatch(1);
    /** Released by the test to let the backend answer. */
    final CountDownLatch answerNow = new CountDownLatch(1);
    final AtomicBoolean answered = new AtomicBoolean();
    StubBackend slow;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        answerNow.countDown();
        if (proxy != null) {
            proxy.close();
        }
        if (slow != null) {
            slow.close();
        }
    }

    /**
     * A backend handler that holds each request until {@code answerNow} is released or rsp closes the connection: it
     * runs {@code onRequest}, then polls the socket's input (a close from rsp reads as end of stream) between short
     * waits; a close counts down {@code sawClose}, an answer sets {@code answered}.
     */
    static StubBackend.Handler holding(CountDownLatch answerNow, CountDownLatch sawClose, AtomicBoolean answered,
            Runnable onRequest) {
        return (r, in, out) -> {
            onRequest.run();
            r.socket().setSoTimeout(20);
            while (answerNow.getCount() > 0) {
                try {
                    if (in.read() < 0) {
                        sawClose.countDown();
                        return false;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // the read timed out: rsp keeps the connection, the backend keeps "working"
                } catch (IOException reset) {
                    sawClose.countDown();
                    return false;
                }
            }
            StubBackend.respond(out, 200, "late answer");
            answered.set(true);
            return true;
        };
    }

    private void startSlowBackend() throws IOException {
        slow = new StubBackend("slow", holding(answerNow, backendSawClose, answered, () -> { }));
        proxy = new ProxyHarness(Map.of("timeout.stop.ms", "2000")).withStrategy().backend("slow", slow.port());
    }

    private static final String GET = "GET /slow HTTP/1.1\r\nHost: a.example\r\n\r\n";

    private void awaitBackendRequest() {
        assertTrue(ProxyHarness.await(() -> slow.requests().size() == 1, 5_000), "the backend got the request");
    }

    @Test
    void aResetCancelsTheBackendLegAtOnce() throws Exception {
        startSlowBackend();
        TestClient c = new TestClient(proxy.address());
        c.send(GET);
        awaitBackendRequest();
        c.socket.setSoLinger(true, 0);
        c.close();
        assertTrue(backendSawClose.await(5, TimeUnit.SECONDS), "rsp closed the backend connection after the client's reset");
        assertFalse(answered.get());
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.aborted") == 1, 5_000));
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.size() == 1, 5_000));
        assertTrue(proxy.accessLines.get(0).contains(" 0 ") && proxy.accessLines.get(0).contains("error=\"the client reset the connection\""),
                proxy.accessLines.get(0));
    }

    @Test
    void aCloseCancelsTheBackendLegAfterTheProbe() throws Exception {
        startSlowBackend();
        TestClient c = new TestClient(proxy.address());
        c.send(GET);
        awaitBackendRequest();
        c.close();
        assertTrue(backendSawClose.await(5, TimeUnit.SECONDS), "rsp closed the backend connection after the client's close");
        assertFalse(answered.get());
        assertEquals(1, proxy.engine.counters().get("client.half_closed"));
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.aborted") == 1, 5_000));
    }

    @Test
    void aHalfCloseAfterACompleteRequestStillGetsItsAnswer() throws Exception {
        startSlowBackend();
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(GET);
            awaitBackendRequest();
            c.socket.shutdownOutput();
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.half_closed") == 1, 5_000));
            // Past every probe check: a half-closed client is never taken for a closed one.
            long lastCheck = java.util.Arrays.stream(ClientWatch.CHECKS_MS).sum();
            assertFalse(backendSawClose.await(lastCheck + 500, TimeUnit.MILLISECONDS), "the backend connection stayed open");
            answerNow.countDown();
            TestClient.Response interim = c.read(false);
            assertEquals(100, interim.status(), "the probe is an interim 100 Continue");
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("late answer", r.text());
            assertTrue(c.closedByPeer(), "the connection closes after the answer (the client sends nothing more)");
        }
        assertEquals(0, proxy.engine.counters().get("client.aborted"));
    }

    /** Over TLS the client's close is a close_notify and a FIN: probed through the TLS connection the same way. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aTlsClientThatClosesCancelsTheBackendLeg(String protocol) throws Exception {
        startSlowBackend();
        TestPki.Identity alice = TestPki.selfSigned("alice.example.com");
        TestTlsFront front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()),
                alice.serverContext(), java.time.Duration.ofSeconds(10));
        proxy.engine.addTlsFront(front);
        java.net.InetSocketAddress tls = proxy.engine.tlsAddress(front);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) alice.clientContext().getSocketFactory()
                .createSocket(tls.getAddress(), tls.getPort());
        javax.net.ssl.SSLParameters p = s.getSSLParameters();
        p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName("alice.example.com")));
        p.setProtocols(new String[] {protocol});
        s.setSSLParameters(p);
        s.startHandshake();
        s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: alice.example.com\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        awaitBackendRequest();
        s.close();
        assertTrue(backendSawClose.await(5, TimeUnit.SECONDS), "rsp closed the backend connection after the TLS client's close");
        assertFalse(answered.get());
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.aborted") == 1, 5_000));
    }

    /**
     * A client that closes while its request waits for a routing strategy (none is live yet): its exchange ends at
     * once instead of waiting out timeout.grace.ms, and its loop does not spin on the closed socket meanwhile.
     */
    @Test
    void aCloseWhileWaitingForAStrategyEndsTheWaitWithoutSpinning() throws Exception {
        proxy = new ProxyHarness(Map.of("loops", "1", "timeout.grace.ms", "20000", "timeout.stop.ms", "2000"));
        TestClient c = new TestClient(proxy.address());
        c.send(GET);
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("route.waited") == 1, 5_000));
        long before = proxy.engine.views().loopIterations();
        c.close();
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.aborted") == 1, 5_000),
                "the waiting exchange ended with the client's close");
        // a window to measure in, not to synchronise: a loop that spins turns hundreds of thousands of times in it
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        long turns = proxy.engine.views().loopIterations() - before;
        assertTrue(turns < 1000, turns + " loop turns with a closed client waiting for a strategy");
    }

    @Test
    void anHttp10HalfCloseIsNotProbed() throws Exception {
        startSlowBackend();
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /slow HTTP/1.0\r\nHost: a.example\r\n\r\n");
            awaitBackendRequest();
            c.socket.shutdownOutput();
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("client.half_closed") == 1, 5_000));
            answerNow.countDown();
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status(), "no interim answer to an HTTP/1.0 client");
            assertEquals("late answer", r.text());
        }
    }

    @Test
    void pipelinedBytesAreNotTakenForAnAbort() throws Exception {
        startSlowBackend();
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(GET + "GET /next HTTP/1.1\r\nHost: a.example\r\n\r\n");
            awaitBackendRequest();
            answerNow.countDown();
            assertEquals("late answer", c.read(false).text());
            assertEquals("late answer", c.read(false).text());
        }
        assertEquals(0, proxy.engine.counters().get("client.aborted"));
        assertEquals(0, proxy.engine.counters().get("client.half_closed"));
    }
}
