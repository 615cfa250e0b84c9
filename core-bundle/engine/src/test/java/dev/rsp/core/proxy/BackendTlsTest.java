package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Backend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS to backends ({@code ;tls}, {@code ;tls=insecure}, {@code backend.tls.ca}) end to end: an HTTP/1.1 client through
 * rsp to a TLS backend that rsp verifies, its connection pooled and reused; certificates that must be refused; an
 * unchecked lab backend; an HTTP/2 backend agreed by ALPN, and one that does not agree.
 */
class BackendTlsTest extends StubProxyFixture {

    private TlsBackend tlsBackend;
    private H2Backend h2Backend;

    @AfterEach
    void closeBackends() throws Exception {
        if (tlsBackend != null) {
            tlsBackend.close();
        }
        if (h2Backend != null) {
            h2Backend.close();
        }
    }

    /** A proxy with one loop (one pool) that trusts exactly {@code authority}. */
    private void startProxy(TestPki.Identity authority) throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, authority.certificatePem(), StandardCharsets.US_ASCII);
        proxy = new ProxyHarness(Map.of("loops", "1", "backend.tls.ca", ca.toString())).withStrategy();
    }

    private static Backend tls(String name, int port, Backend.Protocol protocol, Backend.Tls tls) {
        return new Backend(name, "localhost", port, 1, protocol, tls);
    }

    private long counter(Counter c) {
        return proxy.engine.counters().get(c);
    }

    @Test
    void anHttp1ClientReachesAVerifiedTlsBackendOnOnePooledConnection() throws Exception {
        TestPki.Identity localhost = TestPki.selfSigned("localhost");
        tlsBackend = new TlsBackend(localhost.serverContext(), "secure");
        startProxy(localhost);
        proxy.backend(tls("secure", tlsBackend.port(), Backend.Protocol.HTTP1, Backend.Tls.VERIFIED));
        for (String path : List.of("/one", "/two", "/three")) {
            try (TestClient c = new TestClient(proxy.address())) {
                TestClient.Response r = c.get("a.example", path);
                assertEquals(200, r.status());
                assertEquals("secure " + path, r.text());
            }
        }
        assertEquals(1, tlsBackend.handshakes.get(), "one TLS connection carried the three requests");
        assertEquals(List.of("TLSv1.3"), tlsBackend.protocols);
        assertEquals(List.of("localhost"), tlsBackend.serverNames, "the backend's host name is the SNI");
        assertEquals(1, counter(Counter.BACKEND_TLS_HANDSHAKES));
        assertEquals(2, counter(Counter.BACKEND_POOL_REUSED));
        assertEquals(0, counter(Counter.BACKEND_TLS_FAILED));
        assertEquals(0, counter(Counter.BACKEND_TLS_INSECURE));
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().tlsBuffersInUse() == 0 && proxy.engine.views().bufferUse().inUse() == 0,
                5000), "the idle pooled TLS connection holds no buffer: " + proxy.engine.views().tlsBuffersInUse() + " TLS, "
                + proxy.engine.views().bufferUse());
    }

    @Test
    void aTls12BackendIsReachedAndReusedToo() throws Exception {
        TestPki.Identity localhost = TestPki.selfSigned("localhost");
        tlsBackend = TlsBackend.only(localhost.serverContext(), "old", "TLSv1.2");
        startProxy(localhost);
        proxy.backend(tls("old", tlsBackend.port(), Backend.Protocol.HTTP1, Backend.Tls.VERIFIED));
        for (String path : List.of("/one", "/two")) {
            try (TestClient c = new TestClient(proxy.address())) {
                assertEquals("old " + path, c.get("a.example", path).text());
            }
        }
        assertEquals(List.of("TLSv1.2"), tlsBackend.protocols, "one TLS 1.2 connection carried both");
        assertEquals(1, counter(Counter.BACKEND_POOL_REUSED));
    }

    @Test
    void bytesOnAnIdlePooledTlsConnectionCloseIt() throws Exception {
        TestPki.Identity localhost = TestPki.selfSigned("localhost");
        CountDownLatch answered = new CountDownLatch(1);
        tlsBackend = new TlsBackend(localhost.serverContext(), "chatty", (r, in, out) -> {
            StubBackend.respond(out, 200, "own answer to " + r.target());
            if (r.target().equals("/later")) {
                try {
                    answered.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write(ResponseQueuePoisoningTest.POISON.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            return true;
        });
        startProxy(localhost);
        proxy.backend(tls("chatty", tlsBackend.port(), Backend.Protocol.HTTP1, Backend.Tls.VERIFIED));
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("own answer to /later", c.get("x.example", "/later").text());
        }
        answered.countDown();
        assertTrue(ProxyHarness.await(() -> counter(Counter.BACKEND_POOL_UNEXPECTED) == 1, 5000),
                "data on an idle pooled TLS connection closes it: " + proxy.engine.counters().named());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("own answer to /next", c.get("x.example", "/next").text());
        }
        assertEquals(2, tlsBackend.handshakes.get(), "the next request had a new connection");
    }

    @Test
    void aCertificateForAnotherNameIsRefusedWith502CountedAndLogged() throws Exception {
        TestPki.Identity other = TestPki.selfSigned("other.example");
        tlsBackend = new TlsBackend(other.serverContext(), "wrong");
        startProxy(other);
        proxy.backend(tls("wrong", tlsBackend.port(), Backend.Protocol.HTTP1, Backend.Tls.VERIFIED));
        String log = capturingStderr(() -> {
            try (TestClient c = new TestClient(proxy.address())) {
                assertEquals(502, c.get("a.example", "/").status());
            }
            return null;
        });
        assertTrue(log.contains("backend wrong (localhost:" + tlsBackend.port() + ") failed the TLS handshake: its "
                + "certificate does not name localhost"), log);
        assertEquals(1, counter(Counter.BACKEND_TLS_FAILED));
        assertEquals(1, counter(Counter.BACKEND_CONNECT_FAILED));
        assertEquals(0, counter(Counter.BACKEND_TLS_HANDSHAKES));
        assertTrue(ProxyHarness.await(() -> tlsBackend.failedHandshakes.get() == 1, 5000), "rsp ended the handshake");
        assertEquals(0, tlsBackend.handshakes.get(), "no request reached it");
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().tlsBuffersInUse() == 0, 5000), "the failed connection's TLS buffers are back");
    }

    @Test
    void aCertificateNoTrustedAuthoritySignedIsRefused() throws Exception {
        TestPki.Identity localhost = TestPki.selfSigned("localhost");
        tlsBackend = new TlsBackend(localhost.serverContext(), "untrusted");
        startProxy(TestPki.selfSigned("localhost"));
        proxy.backend(tls("untrusted", tlsBackend.port(), Backend.Protocol.HTTP1, Backend.Tls.VERIFIED));
        String log = capturingStderr(() -> {
            try (TestClient c = new TestClient(proxy.address())) {
                assertEquals(502, c.get("a.example", "/").status());
            }
            return null;
        });
        assertTrue(log.contains("backend untrusted (localhost:" + tlsBackend.port() + ") failed the TLS handshake: its "
                + "certificate is not trusted: not signed by an authority of backend.tls.ca ("), log);
        assertEquals(1, counter(Counter.BACKEND_TLS_FAILED));
    }

    @Test
    void tlsInsecureReachesABackendWhoseCertificateIsNotCheckedWithAWarningAtApply() throws Exception {
        TestPki.Identity other = TestPki.selfSigned("other.example");
        tlsBackend = new TlsBackend(other.serverContext(), "lab");
        proxy = new ProxyHarness(Map.of("loops", "1")).withStrategy();
        String applied = capturingStderr(() ->
                proxy.backend(tls("lab", tlsBackend.port(), Backend.Protocol.HTTP1, Backend.Tls.INSECURE)));
        assertTrue(applied.contains("WARN") && applied.contains("Backend lab (localhost:" + tlsBackend.port()
                + ") is spoken to over TLS without checking its certificate (;tls=insecure)"), applied);
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("a.example", "/lab");
            assertEquals(200, r.status());
            assertEquals("lab /lab", r.text());
        }
        assertEquals(1, counter(Counter.BACKEND_TLS_INSECURE));
        assertEquals(1, counter(Counter.BACKEND_TLS_HANDSHAKES));
    }

    @Test
    void anH2BackendOverTlsAgreedByAlpnCarriesConcurrentStreamsOnOneConnection() throws Exception {
        TestPki.Identity localhost = TestPki.selfSigned("localhost");
        Path cert = dir.resolve("h2.crt");
        Path key = dir.resolve("h2.key");
        localhost.writePem(cert, key);
        h2Backend = H2Backend.start(dir, "tls=" + cert + ":" + key);
        startProxy(localhost);
        proxy.backend(tls("h2s", h2Backend.port(), Backend.Protocol.H2, Backend.Tls.VERIFIED));
        int n = 10;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<TestClient.Response>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    try (TestClient c = new TestClient(proxy.address())) {
                        return c.send("GET /slow?ms=300 HTTP/1.1\r\nHost: a\r\n\r\n").read(false);
                    }
                }));
            }
            for (Future<TestClient.Response> f : results) {
                TestClient.Response r = f.get(30, TimeUnit.SECONDS);
                assertEquals(200, r.status());
                assertEquals("slow 300\n", r.text());
            }
        } finally {
            pool.shutdownNow();
        }
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("https", c.get("a", "/echo").header("x-seen-scheme"), ":scheme says the backend connection is TLS");
        }
        assertEquals(List.of("CONNECT 1"), h2Backend.events("CONNECT "), "every stream on one connection");
        assertEquals(List.of("TLS 1 h2 localhost"), h2Backend.events("TLS "), "h2 agreed by ALPN, the host as SNI");
        assertEquals(n + 1, h2Backend.events("REQUEST 1 ").size());
        assertEquals(1, counter(Counter.BACKEND_TLS_HANDSHAKES));
        assertEquals(List.of(), h2Backend.events("ERROR "), h2Backend.errors());
    }

    @Test
    void aTlsBackendThatAgreesOnlyToHttp1IsNoH2BackendAnd502() throws Exception {
        TestPki.Identity localhost = TestPki.selfSigned("localhost");
        Path cert = dir.resolve("h1.crt");
        Path key = dir.resolve("h1.key");
        localhost.writePem(cert, key);
        h2Backend = H2Backend.start(dir, "tls=" + cert + ":" + key, "alpn=http/1.1");
        startProxy(localhost);
        proxy.backend(tls("h1only", h2Backend.port(), Backend.Protocol.H2, Backend.Tls.VERIFIED));
        String log = capturingStderr(() -> {
            try (TestClient c = new TestClient(proxy.address())) {
                assertEquals(502, c.get("a.example", "/echo").status());
            }
            return null;
        });
        assertTrue(log.contains("backend h1only (localhost:" + h2Backend.port() + ") did not agree to h2 over ALPN (it "
                + "chose none)"), log);
        assertEquals(1, counter(Counter.BACKEND_TLS_FAILED));
        assertEquals(0, counter(Counter.BACKEND_TLS_HANDSHAKES));
        assertEquals(List.of(), h2Backend.events("REQUEST "), "nothing was sent to it");
    }

    /** Runs {@code r} with System.err (where the tests' slf4j-simple writes) captured; what was written. */
    private static String capturingStderr(Callable<?> r) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.call();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
