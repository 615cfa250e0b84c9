package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsFront;
import dev.rsp.spi.tls.TlsHandling;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TLS listener with real TLS clients (the JDK's SSLSocket): termination, passthrough, bad and slow hellos. */
class TlsListenerTest {

    static TestPki.Identity alice;
    static TestPki.Identity other;
    static TestPki.Identity bob;

    StubBackend stub;
    ProxyHarness proxy;
    InetSocketAddress tls;

    @BeforeAll
    static void certificates() throws Exception {
        alice = TestPki.selfSigned("alice.example.com");
        other = TestPki.selfSigned("other.example.com");
        bob = TestPki.selfSigned("bob.example.com");
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    /** A proxy with one backend that echoes what it saw, and a terminating TLS listener for alice (default: other). */
    private TestTlsFront terminating(Duration helloTimeout) throws Exception {
        return terminating(helloTimeout, Map.of());
    }

    private TestTlsFront terminating(Duration helloTimeout, Map<String, ?> core) throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            byte[] body = StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, "host=" + r.header("host") + " proto=" + r.header("x-forwarded-proto")
                    + " target=" + r.target() + " sha=" + sha(body));
            return true;
        });
        proxy = new ProxyHarness(core).withStrategy().backend("a", stub.port());
        TestTlsFront front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()),
                other.serverContext(), helloTimeout);
        proxy.engine.addTlsFront(front);
        tls = proxy.engine.tlsAddress(front);
        return front;
    }

    private static SSLSocket connect(InetSocketAddress to, SSLContext ctx, String sni, String protocol) throws IOException {
        Socket raw = new Socket();
        raw.connect(to, 2000);
        raw.setTcpNoDelay(true);
        return handshake(raw, ctx, sni, protocol);
    }

    private static SSLSocket handshake(Socket raw, SSLContext ctx, String sni, String protocol) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        p.setProtocols(new String[] {protocol});
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void terminatesAndProxiesKeepAliveRequests(String protocol) throws Exception {
        terminating(Duration.ofSeconds(10));
        try (SSLSocket s = connect(tls, alice.clientContext(), "alice.example.com", protocol);
             TestClient c = new TestClient(s)) {
            assertEquals(protocol, s.getSession().getProtocol());
            assertEquals(alice.certificate(), s.getSession().getPeerCertificates()[0]);
            for (int i = 0; i < 20; i++) {
                TestClient.Response r = c.get("alice.example.com", "/n" + i);
                assertEquals(200, r.status());
                assertEquals("host=alice.example.com proto=https target=/n" + i + " sha=" + sha(new byte[0]), r.text());
            }
        }
        assertEquals(1, stub.connections.get(), "the backend connection is kept alive and reused");
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.handshake.done") == 1, 2000));
        assertEquals(1, proxy.engine.counters().get("tls.hello"));
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().metrics().tls().requests == 20, 2000), "the TLS listener's metrics");
        assertEquals(0, proxy.engine.views().metrics().http().requests, "nothing on the HTTP listener");
        assertEquals(20, proxy.engine.views().metrics().listener().requests);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aReturningClientResumesAndEachHandshakeIsCountedAsFullOrResumed(String protocol) throws Exception {
        terminating(Duration.ofSeconds(10));
        SSLContext client = alice.clientContext();
        byte[] firstId;
        try (SSLSocket s = connect(tls, client, "alice.example.com", protocol); TestClient c = new TestClient(s)) {
            assertEquals(200, c.get("alice.example.com", "/first").status(), "a read takes TLS 1.3's ticket in");
            firstId = s.getSession().getId();
        }
        try (SSLSocket s = connect(tls, client, "alice.example.com", protocol); TestClient c = new TestClient(s)) {
            assertEquals(200, c.get("alice.example.com", "/again").status());
            if (protocol.equals("TLSv1.2")) {
                assertArrayEquals(firstId, s.getSession().getId(), "the client resumed by session id");
            }
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.handshake.done") == 2, 2000));
        assertEquals(1, proxy.engine.counters().get("tls.handshake.full"));
        assertEquals(1, proxy.engine.counters().get("tls.handshake.resumed"));
    }

    @Test
    void hstsIsAddedOverTlsForTheListedHostsOnlyAndNeverOverPlainHttp() throws Exception {
        terminating(Duration.ofSeconds(10), Map.of("hsts", "max-age=31536000; includeSubDomains",
                "hsts.hosts", "alice.example.com, *.alice.example.com"));
        try (SSLSocket s = connect(tls, alice.clientContext(), "alice.example.com", "TLSv1.3");
             TestClient c = new TestClient(s)) {
            TestClient.Response r = c.get("alice.example.com", "/");
            assertEquals("max-age=31536000; includeSubDomains", r.header("strict-transport-security"));
        }
        try (TestClient c = new TestClient(proxy.address())) {
            assertNull(c.get("alice.example.com", "/").header("strict-transport-security"), "never over plain HTTP");
        }
        try (SSLSocket s = connect(tls, other.clientContext(), null, "TLSv1.3"); TestClient c = new TestClient(s)) {
            TestClient.Response r = c.get("other.example.com", "/");
            assertEquals(200, r.status());
            assertNull(r.header("strict-transport-security"), "not a listed host");
        }
    }

    @Test
    void aWrongHstsValueIsRefused() {
        ProxySettings.Parsed p = ProxySettings.from(dev.rsp.core.CoreConfigs.with(Map.of("hsts", "max-age=forever")));
        assertTrue(p instanceof ProxySettings.Invalid i && i.errors().get(0).startsWith("hsts = 'max-age=forever'"), p.toString());
    }

    @Test
    void aHostTheCertificateDoesNotCoverGets421() throws Exception {
        terminating(Duration.ofSeconds(10));
        try (SSLSocket s = connect(tls, alice.clientContext(), "alice.example.com", "TLSv1.3");
             TestClient c = new TestClient(s)) {
            TestClient.Response r = c.get("other.example.com", "/");
            assertEquals(421, r.status());
            assertTrue(r.text().contains("does not cover other.example.com"), r.text());
        }
        assertEquals(0, stub.requests().size());
        assertEquals(1, proxy.engine.counters().get("tls.misdirected"));
    }

    @Test
    void withoutServerNameTheDefaultCertificateServes() throws Exception {
        terminating(Duration.ofSeconds(10));
        try (SSLSocket s = connect(tls, other.clientContext(), null, "TLSv1.3"); TestClient c = new TestClient(s)) {
            assertEquals(other.certificate(), s.getSession().getPeerCertificates()[0]);
            assertEquals(200, c.get("other.example.com", "/").status());
        }
    }

    @Test
    void plainHttpOnTheTlsPortGets400SayingUseHttps() throws Exception {
        terminating(Duration.ofSeconds(10));
        try (TestClient c = new TestClient(tls)) {
            TestClient.Response r = c.get("alice.example.com", "/");
            assertEquals(400, r.status());
            assertTrue(r.text().contains("use https"), r.text());
            assertTrue(c.closedByPeer());
        }
        assertEquals(0, stub.requests().size());
    }

    @Test
    void garbageIsClosedAndCounted() throws Exception {
        terminating(Duration.ofSeconds(10));
        byte[] junk = new byte[64];
        new Random(6).nextBytes(junk);
        junk[0] = 0x01;
        try (TestClient c = new TestClient(tls)) {
            c.send(junk);
            assertTrue(c.closedByPeer());
        }
        assertTrue(proxy.engine.counters().named().entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith("tls.reject.") && e.getValue() == 1), proxy.engine.counters().named().toString());
        assertEquals(0, stub.requests().size());
    }

    @Test
    void aHelloThatNeverCompletesTimesOut() throws Exception {
        terminating(Duration.ofMillis(300));
        try (TestClient c = new TestClient(tls)) {
            c.send(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            assertTrue(c.closedByPeer());
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.reject.timeout") == 1, 5000));
    }

    @Test
    void aClientHelloArrivingOneByteAtATimeIsServed() throws Exception {
        TestTlsFront front = terminating(Duration.ofSeconds(10));
        try (OneByteRelay relay = new OneByteRelay(tls, 4096);
             SSLSocket s = connect(relay.address(), alice.clientContext(), "alice.example.com", "TLSv1.3");
             TestClient c = new TestClient(s)) {
            assertEquals(200, c.get("alice.example.com", "/slow").status());
        }
        assertTrue(front.inspections.get() > 1, "the hello was inspected in pieces: " + front.inspections.get());
    }

    @Test
    void largeBodiesCrossTlsByteExactBothWays() throws Exception {
        terminating(Duration.ofSeconds(10));
        byte[] big = new byte[3 << 20];
        new Random(11).nextBytes(big);
        try (StubBackend download = new StubBackend("d", (r, in, out) -> {
            StubBackend.readBody(r, in);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(big);
            out.flush();
            return true;
        })) {
            proxy.backend("d", download.port());
            try (SSLSocket s = connect(tls, alice.clientContext(), "alice.example.com", "TLSv1.3");
                 TestClient c = new TestClient(s)) {
                c.send("POST /up HTTP/1.1\r\nHost: alice.example.com\r\nX-Backend: a\r\nContent-Length: " + big.length + "\r\n\r\n");
                c.send(big);
                TestClient.Response up = c.read(false);
                assertEquals(200, up.status());
                assertTrue(up.text().endsWith("sha=" + sha(big)), up.text());
                c.send("GET /down HTTP/1.1\r\nHost: alice.example.com\r\nX-Backend: d\r\n\r\n");
                TestClient.Response down = c.read(false);
                assertEquals(200, down.status());
                assertArrayEquals(big, down.body());
            }
        }
    }

    @Test
    void pipelinedRequestsOverTlsAreAnsweredInOrder() throws Exception {
        terminating(Duration.ofSeconds(10));
        try (SSLSocket s = connect(tls, alice.clientContext(), "alice.example.com", "TLSv1.3");
             TestClient c = new TestClient(s)) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                all.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: alice.example.com\r\n\r\n");
            }
            c.send(all.toString());
            for (int i = 0; i < 5; i++) {
                TestClient.Response r = c.read(false);
                assertTrue(r.text().contains("target=/p" + i), r.text());
            }
        }
    }

    @Test
    void aFailedHandshakeIsCountedAndReachesNoBackend() throws Exception {
        terminating(Duration.ofSeconds(10));
        // The client trusts bob only, so it refuses alice's certificate and aborts the handshake.
        assertThrows(IOException.class, () -> connect(tls, bob.clientContext(), "alice.example.com", "TLSv1.3").close());
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.handshake.failed")
                + proxy.engine.counters().get("tls.handshake.closed") == 1, 5000), proxy.engine.counters().named().toString());
        assertEquals(0, stub.requests().size());
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients() == 0, 5000));
    }

    @Test
    void aFrontsOwnCountersShowWithTheCoresEventsWhileItIsRegistered() throws Exception {
        proxy = new ProxyHarness();
        TestTlsFront inner = TestTlsFront.passthrough(Optional.empty(), 0);
        TlsFront counting = new TlsFront() {
            @Override
            public InetSocketAddress listenAddress() {
                return inner.listenAddress();
            }

            @Override
            public TlsHandling handling() {
                return inner.handling();
            }

            @Override
            public int maxHelloBytes() {
                return inner.maxHelloBytes();
            }

            @Override
            public Duration helloTimeout() {
                return inner.helloTimeout();
            }

            @Override
            public Inspection inspect(java.nio.ByteBuffer received) {
                return inner.inspect(received);
            }

            @Override
            public Map<String, Long> events() {
                return Map.of("tls.ocsp.fetch.timeout", 2L, "tls.hello", 99L);
            }
        };
        proxy.engine.addTlsFront(counting);
        Map<String, Long> events = proxy.engine.views().events();
        assertEquals(2L, events.get("tls.ocsp.fetch.timeout"));
        assertEquals(0L, events.get("tls.hello"), "a name the core declares stays the core's");
        proxy.engine.removeTlsFront(counting);
        assertFalse(proxy.engine.views().events().containsKey("tls.ocsp.fetch.timeout"), "shown while registered");
    }

    @Test
    void removingTheFrontClosesTheListenerButNotOpenConnections() throws Exception {
        TestTlsFront front = terminating(Duration.ofSeconds(10));
        try (SSLSocket s = connect(tls, alice.clientContext(), "alice.example.com", "TLSv1.3");
             TestClient c = new TestClient(s)) {
            assertEquals(200, c.get("alice.example.com", "/before").status());
            proxy.engine.removeTlsFront(front);
            assertEquals(null, proxy.engine.tlsAddress(front));
            assertEquals(200, c.get("alice.example.com", "/after").status());
        }
        assertThrows(IOException.class, () -> connect(tls, alice.clientContext(), "alice.example.com", "TLSv1.3").close());
    }

    @Test
    void aSlowTlsClientGetsEveryByteWhileTheProxyHoldsBoundedBuffers() throws Exception {
        terminating(Duration.ofSeconds(10));
        byte[] big = new byte[8 << 20];
        new Random(12).nextBytes(big);
        try (StubBackend download = new StubBackend("d", (r, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(big);
            out.flush();
            return true;
        })) {
            proxy.backend("d", download.port());
            try (SSLSocket s = connect(tls, alice.clientContext(), "alice.example.com", "TLSv1.3")) {
                s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: alice.example.com\r\nX-Backend: d\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                StubBackend.readLine(in);
                while (!StubBackend.readLine(in).isEmpty()) {
                    // skip the head
                }
                byte[] got = new byte[big.length];
                int at = 0;
                int peakBuffers = 0;
                while (at < got.length) {
                    int n = in.read(got, at, Math.min(64 * 1024, got.length - at));
                    assertTrue(n > 0);
                    at += n;
                    if ((at & 0xfffff) < n) {
                        // Every MiB, with the proxy's output stuck behind this reader, ask how much it holds.
                        peakBuffers = Math.max(peakBuffers, proxy.engine.views().bufferUse().inUse() + proxy.engine.views().tlsBuffersInUse());
                    }
                }
                assertArrayEquals(big, got);
                assertTrue(peakBuffers <= 6, "buffers held for one slow TLS client: " + peakBuffers);
            }
        }
    }

    @Test
    void aLargeResponseThatEndsTheConnectionArrivesWholeAtASlowTlsClient() throws Exception {
        terminating(Duration.ofSeconds(10));
        byte[] big = new byte[1 << 20];
        new Random(13).nextBytes(big);
        java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
        try (StubBackend download = new StubBackend("d", (r, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(big);
            out.flush();
            sent.set(true);
            return false;
        })) {
            proxy.backend("d", download.port());
            Socket raw = new Socket();
            raw.setReceiveBufferSize(4096);
            raw.connect(tls, 2000);
            try (SSLSocket s = handshake(raw, alice.clientContext(), "alice.example.com", "TLSv1.3")) {
                s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: alice.example.com\r\nX-Backend: d\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                // Let the proxy take what it can from the backend while this client reads nothing yet: the response
                // may end with records still queued in the proxy (whether it does depends on the kernel's socket
                // buffers, so this does not always exercise that path; ClientSide.closeWhenFlushed handles it).
                ProxyHarness.await(sent::get, 3000);
                InputStream in = s.getInputStream();
                StubBackend.readLine(in);
                while (!StubBackend.readLine(in).isEmpty()) {
                    // skip the head
                }
                assertArrayEquals(big, in.readAllBytes());
            }
        }
    }

    @Test
    void passthroughRoutesByServerNameAndRelaysTheBackendsOwnTls() throws Exception {
        try (TlsBackend bobServer = new TlsBackend(bob.serverContext(), "bob-tls");
             TlsBackend carolServer = new TlsBackend(other.serverContext(), "carol-tls")) {
            proxy = new ProxyHarness();
            proxy.routing.strategyAdded(ProxyHarness.STRATEGY,
                    all -> request -> Decision.to(request.host().equals("bob.example.com") ? "bob" : "carol"), 1, 0);
            proxy.backend("bob", bobServer.port()).backend("carol", carolServer.port());
            TestTlsFront front = TestTlsFront.passthrough(Optional.empty(), 0);
            proxy.engine.addTlsFront(front);
            tls = proxy.engine.tlsAddress(front);
            for (String sni : List.of("BOB.example.com", "bob.example.com")) {
                try (SSLSocket s = connect(tls, bob.clientContext(), sni, "TLSv1.3"); TestClient c = new TestClient(s)) {
                    assertEquals(bob.certificate(), s.getSession().getPeerCertificates()[0], "the backend's own certificate");
                    TestClient.Response r = c.get("bob.example.com", "/x");
                    assertEquals("bob-tls /x", r.text());
                    assertEquals(null, r.header("x-forwarded-proto"));
                }
            }
            try (SSLSocket s = connect(tls, other.clientContext(), "carol.example.com", "TLSv1.2"); TestClient c = new TestClient(s)) {
                assertEquals("carol-tls /y", c.get("carol.example.com", "/y").text());
            }
            // No server name and no default backend: closed.
            assertThrows(IOException.class, () -> connect(tls, bob.clientContext(), null, "TLSv1.3").close());
            assertTrue(proxy.engine.counters().get("tls.passthrough.no_sni") >= 1);
        }
    }

    @Test
    void passthroughWithoutServerNameGoesToTheDefaultBackend() throws Exception {
        try (TlsBackend bobServer = new TlsBackend(bob.serverContext(), "bob-tls")) {
            proxy = new ProxyHarness().withStrategy().backend("bob", bobServer.port());
            TestTlsFront front = TestTlsFront.passthrough(Optional.of("bob"), 0);
            proxy.engine.addTlsFront(front);
            tls = proxy.engine.tlsAddress(front);
            try (SSLSocket s = connect(tls, bob.clientContext(), null, "TLSv1.3"); TestClient c = new TestClient(s)) {
                assertEquals("bob-tls /d", c.get("bob.example.com", "/d").text());
            }
        }
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
