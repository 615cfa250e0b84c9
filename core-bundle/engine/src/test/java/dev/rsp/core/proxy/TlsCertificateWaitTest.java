package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TLS front that cannot make an engine at once ({@code Termination.prepare}: a certificate being loaded or issued):
 * the core parks the connection without blocking its loop, goes on when the front is ready, and closes it after the
 * front's wait limit.
 */
class TlsCertificateWaitTest {

    static TestPki.Identity alice;

    StubBackend stub;
    ProxyHarness proxy;
    TestTlsFront front;
    InetSocketAddress tls;
    final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeAll
    static void certificates() throws Exception {
        alice = TestPki.selfSigned("alice.example.com");
    }

    @AfterEach
    void stop() throws IOException {
        clients.shutdownNow();
        if (proxy != null) {
            proxy.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    private void start() throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "host=" + r.header("host"));
            return true;
        });
        proxy = new ProxyHarness(Map.of()).withStrategy().backend("a", stub.port());
        front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()), null, Duration.ofSeconds(10));
        proxy.engine.addTlsFront(front);
        tls = proxy.engine.tlsAddress(front);
    }

    private SSLSocket connect(String sni) throws Exception {
        Socket raw = new Socket();
        raw.connect(tls, 2000);
        SSLSocket s = (SSLSocket) alice.clientContext().getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        return s;
    }

    private String handshakeAndGet(String sni) throws Exception {
        try (SSLSocket s = connect(sni); TestClient c = new TestClient(s)) {
            s.startHandshake();
            TestClient.Response r = c.get(sni, "/");
            return r.status() + " " + r.text();
        }
    }

    @Test
    void parkedHandshakesGoOnWhenTheFrontIsReadyWhileOtherConnectionsAreServed() throws Exception {
        start();
        CompletableFuture<Object> loaded = new CompletableFuture<>();
        List<String> asked = new CopyOnWriteArrayList<>();
        front.prepare = h -> {
            asked.add(h.serverName().orElse("-"));
            return loaded.isDone() ? Optional.empty() : Optional.<CompletionStage<?>>of(loaded);
        };
        List<Future<String>> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(clients.submit(() -> handshakeAndGet("alice.example.com")));
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.certificate.waited") == 4, 5000),
                "four handshakes parked");
        waiting.forEach(f -> assertFalse(f.isDone(), "a parked handshake does not go on before the front is ready"));

        // The loops stay free: plain HTTP is served while the TLS connections wait.
        try (TestClient plain = new TestClient(proxy.address())) {
            assertEquals(200, plain.get("alice.example.com", "/").status());
        }

        loaded.complete("loaded");
        for (Future<String> f : waiting) {
            assertEquals("200 host=alice.example.com", f.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(4, proxy.engine.counters().get("tls.handshake.done"));
        assertEquals(0, proxy.engine.counters().get("tls.certificate.wait_timeout"));
    }

    @Test
    void aFailedPreparationStillGetsTheFrontsAnswer() throws Exception {
        start();
        front.prepare = h -> Optional.of(CompletableFuture.failedFuture(new IOException("issuance failed")));
        // newEngine then answers as it can: here alice's certificate, since the test front has it
        assertEquals("200 host=alice.example.com", handshakeAndGet("alice.example.com"));
        assertEquals(1, proxy.engine.counters().get("tls.certificate.waited"));
    }

    @Test
    void aConnectionParkedLongerThanTheWaitLimitIsClosedAndCounted() throws Exception {
        start();
        front.prepareTimeout = Duration.ofMillis(200);
        CompletableFuture<Object> never = new CompletableFuture<>();
        front.prepare = h -> Optional.of(never);
        try (SSLSocket s = connect("alice.example.com")) {
            assertThrows(IOException.class, s::startHandshake, "closed without a ServerHello");
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.certificate.wait_timeout") == 1, 5000));
        assertEquals(0, proxy.engine.counters().get("tls.handshake.done"));
        // completing afterwards touches nothing (the connection is gone) and the listener serves on
        never.complete("late");
        front.prepare = h -> Optional.empty();
        assertEquals("200 host=alice.example.com", handshakeAndGet("alice.example.com"));
    }
}
