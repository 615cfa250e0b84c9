package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core releases every engine a TLS front gave it exactly once ({@code EngineKind.release}), on every way a
 * connection can end: a client that closes after requests, a failed handshake, a client gone in the middle of the
 * handshake, a handshake timeout, a refused renegotiation, an engine that cannot start, and a stop of the proxy
 * with connections open. A native engine leaks its memory without that call, a second call frees it twice.
 */
class TlsEngineReleaseTest {

    static TestPki.Identity alice;
    static TestPki.Identity bob;

    StubBackend stub;
    ProxyHarness proxy;
    TestTlsFront front;
    InetSocketAddress tls;

    @BeforeAll
    static void certificates() throws Exception {
        alice = TestPki.selfSigned("alice.example.com");
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

    private void start(Duration helloTimeout) throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, "target=" + r.target());
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", stub.port());
        front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()), null, helloTimeout);
        proxy.engine.addTlsFront(front);
        tls = proxy.engine.tlsAddress(front);
    }

    private SSLSocket connect(SSLContext client, String protocol) throws IOException {
        Socket raw = new Socket();
        raw.connect(tls, 2000);
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("alice.example.com")));
        p.setProtocols(new String[] {protocol});
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** The first flight of a JDK client for alice: a whole ClientHello. */
    private static byte[] clientHello() throws Exception {
        SSLEngine client = alice.clientContext().createSSLEngine("alice.example.com", 443);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("alice.example.com")));
        client.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        client.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** Every engine made was released exactly once (waits for the loop to close what the client left). */
    private void assertEachReleasedOnce(int engines) {
        assertTrue(ProxyHarness.await(() -> front.kind.releasedOnce() == engines, 5000),
                "released once each: " + front.kind + ", counters " + proxy.engine.counters().named());
        assertEquals(engines, front.kind.made());
        assertEquals(0, front.kind.releasedTwice(), front.kind.toString());
        assertEquals(engines, proxy.engine.counters().get("tls.engine.counting"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aClientThatClosesAfterItsRequests(String protocol) throws Exception {
        start(Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            try (SSLSocket s = connect(alice.clientContext(), protocol); TestClient c = new TestClient(s)) {
                assertEquals(200, c.get("alice.example.com", "/k" + i).status());
                assertEquals(200, c.get("alice.example.com", "/again" + i).status());
            }
        }
        assertEachReleasedOnce(3);
    }

    @Test
    void aFailedHandshake() throws Exception {
        start(Duration.ofSeconds(10));
        // bob's trust store refuses alice's certificate: the client aborts with an alert
        assertThrows(IOException.class, () -> connect(bob.clientContext(), "TLSv1.3").close());
        assertEachReleasedOnce(1);
        assertEquals(0, stub.requests().size());
    }

    @Test
    void aClientGoneInTheMiddleOfTheHandshake() throws Exception {
        start(Duration.ofSeconds(10));
        try (TestClient c = new TestClient(tls)) {
            c.send(clientHello());
            // the server's flight arrives: the engine was made and is in the middle of its handshake
            assertTrue(ProxyHarness.await(() -> front.kind.made() == 1, 5000));
        }
        assertEachReleasedOnce(1);
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.handshake.closed")
                + proxy.engine.counters().get("tls.handshake.failed") == 1, 5000), proxy.engine.counters().named().toString());
    }

    @Test
    void aHandshakeThatTimesOut() throws Exception {
        start(Duration.ofMillis(300));
        try (Socket s = new Socket()) {
            s.connect(tls, 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(clientHello());
            // the server's flight, then the end of the stream at the handshake deadline
            s.getInputStream().readAllBytes();
        }
        assertEachReleasedOnce(1);
        assertEquals(1, proxy.engine.counters().get("tls.handshake.timeout"));
    }

    @Test
    void aRefusedRenegotiation() throws Exception {
        start(Duration.ofSeconds(10));
        try (SSLSocket s = connect(alice.clientContext(), "TLSv1.2"); TestClient c = new TestClient(s)) {
            assertEquals(200, c.get("alice.example.com", "/before").status());
            s.startHandshake();
            assertThrows(IOException.class, () -> c.get("alice.example.com", "/after"));
        }
        assertEachReleasedOnce(1);
        assertEquals(1, proxy.engine.counters().get("tls.renegotiation.refused"));
    }

    @Test
    void anEngineThatCannotStart() throws Exception {
        start(Duration.ofSeconds(10));
        front.brokenEngines = true;
        try (TestClient c = new TestClient(tls)) {
            c.send(clientHello());
            assertTrue(c.closedByPeer());
        }
        assertEachReleasedOnce(1);
        assertEquals(1, proxy.engine.counters().get("tls.handshake.failed"), proxy.engine.counters().named().toString());
    }

    @Test
    void aStopWithConnectionsOpen() throws Exception {
        start(Duration.ofSeconds(10));
        try (SSLSocket idle = connect(alice.clientContext(), "TLSv1.3"); TestClient c = new TestClient(idle);
             TestClient half = new TestClient(tls)) {
            assertEquals(200, c.get("alice.example.com", "/open").status());
            half.send(clientHello());
            assertTrue(ProxyHarness.await(() -> front.kind.made() == 2, 5000));
            proxy.close();
            proxy = null;
            assertEquals(2, front.kind.releasedOnce(), front.kind.toString());
            assertEquals(0, front.kind.releasedTwice());
        }
    }
}
