package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * A connection accepted just before a stop, whose client has not sent its request yet, is served (with Connection:
 * close) when the request comes within {@code timeout.stop.new.ms}, and closed unserved after it: a stop neither
 * drops the request of a client that just connected nor waits the whole stop timeout for one that sends nothing.
 */
class StopNewConnectionTest extends StubProxyFixture {

    private void startProxy() throws IOException {
        start((r, in, out) -> {
            StubBackend.respond(out, 200, "served");
            return true;
        }, Map.of("listen.reuseport", "false", "timeout.stop.new.ms", "500", "timeout.stop.ms", "5000"));
    }

    @Test
    void aRequestSentJustAfterTheStopBeganIsServedWithConnectionClose() throws Exception {
        startProxy();
        try (TestClient c = new TestClient(proxy.address())) {
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients() == 1, 5000), "accepted");
            CompletableFuture<Integer> drain = CompletableFuture.supplyAsync(proxy.engine::drain);
            assertTrue(ProxyHarness.await(this::listenerClosed, 5000), "the stop closed the listener");

            TestClient.Response r = c.get("x.example", "/");

            assertEquals(200, r.status());
            assertEquals("close", r.headers().get("connection"));
            assertEquals(0, drain.get(10, TimeUnit.SECONDS), "connections cut");
            assertEquals(0, proxy.engine.counters().get(Counter.STOP_NEW_CLOSED));
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTimeoutStopNew() throws Exception {
        startProxy();
        try (TestClient c = new TestClient(proxy.address())) {
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients() == 1, 5000), "accepted");
            long t0 = System.nanoTime();

            int cut = proxy.engine.drain();

            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(0, cut, "connections cut");
            assertTrue(ms >= 400 && ms < 4000, "closed after timeout.stop.new.ms (500 ms), not at the stop timeout: " + ms);
            assertTrue(c.closedByPeer());
            assertEquals(1, proxy.engine.counters().get(Counter.STOP_NEW_CLOSED));
        }
    }

    @Test
    void aTlsConnectionAcceptedBeforeTheStopHandshakesAndIsServedAfterIt() throws Exception {
        startProxy();
        TestPki.Identity alice = TestPki.selfSigned("alice.example.com");
        TestTlsFront front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()),
                alice.serverContext(), Duration.ofSeconds(10));
        proxy.engine.addTlsFront(front);
        InetSocketAddress tls = proxy.engine.tlsAddress(front);
        try (Socket raw = new Socket()) {
            raw.connect(tls, 2000);
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients() == 1, 5000), "accepted");
            CompletableFuture<Integer> drain = CompletableFuture.supplyAsync(proxy.engine::drain);
            assertTrue(ProxyHarness.await(() -> closed(tls.getPort()), 5000), "the stop closed the TLS listener");

            SSLSocket s = (SSLSocket) alice.clientContext().getSocketFactory().createSocket(raw, "alice.example.com",
                    tls.getPort(), true);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("alice.example.com")));
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            TestClient.Response r = new TestClient(s).get("alice.example.com", "/");

            assertEquals(200, r.status());
            assertEquals("close", r.headers().get("connection"));
            assertEquals(0, drain.get(10, TimeUnit.SECONDS), "connections cut");
        }
    }

    private boolean listenerClosed() {
        return closed(proxy.port());
    }

    private static boolean closed(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
