package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client-initiated renegotiation on a terminated connection is refused by the core itself, whatever the JVM's
 * {@code jdk.tls.rejectClientInitiatedRenegotiation} says (this JVM may or may not have it set); TLS 1.3's
 * post-handshake messages (a KeyUpdate) are not renegotiation and keep working.
 */
class TlsRenegotiationTest {

    static TestPki.Identity alice;

    StubBackend stub;
    ProxyHarness proxy;
    InetSocketAddress tls;

    @BeforeAll
    static void certificate() throws Exception {
        alice = TestPki.selfSigned("alice.example.com");
    }

    @BeforeEach
    void start() throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, "target=" + r.target());
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", stub.port());
        TestTlsFront front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()), null,
                Duration.ofSeconds(10));
        proxy.engine.addTlsFront(front);
        tls = proxy.engine.tlsAddress(front);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        stub.close();
    }

    private SSLSocket connect(String protocol) throws Exception {
        return connect(alice.clientContext(), protocol);
    }

    private SSLSocket connect(SSLContext client, String protocol) throws Exception {
        Socket raw = new Socket();
        raw.connect(tls, 2000);
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("alice.example.com")));
        p.setProtocols(new String[] {protocol});
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    @Test
    void aTls12ClientThatRenegotiatesIsClosedAndCounted() throws Exception {
        try (SSLSocket s = connect("TLSv1.2"); TestClient c = new TestClient(s)) {
            assertEquals(200, c.get("alice.example.com", "/before").status());
            // On an established TLS 1.2 session the JDK client sends a new ClientHello (renegotiation) and returns.
            s.startHandshake();
            assertThrows(IOException.class, () -> c.get("alice.example.com", "/after"),
                    "the renegotiating connection is closed, not served");
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.renegotiation.refused") == 1, 5000),
                proxy.engine.counters().named().toString());
        assertEquals(0, proxy.engine.counters().get("tls.read_error"), "counted once, as the refusal");
        assertEquals(List.of("/before"), stub.requests().stream().map(StubBackend.Request::target).toList());
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients() == 0, 5000));

        // Others are still served, keep-alive included.
        try (SSLSocket s = connect("TLSv1.2"); TestClient c = new TestClient(s)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("target=/next" + i, c.get("alice.example.com", "/next" + i).text());
            }
        }
    }

    @Test
    void aRenegotiationInTheMiddleOfARequestBodyIsRefusedToo() throws Exception {
        try (SSLSocket s = connect("TLSv1.2"); TestClient c = new TestClient(s)) {
            c.send("POST /up HTTP/1.1\r\nHost: alice.example.com\r\nContent-Length: 10\r\n\r\n12345");
            assertTrue(ProxyHarness.await(() -> stub.requests().size() == 1, 5000), "the body is being relayed");
            s.startHandshake();
            assertTrue(c.closedByPeer());
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get("tls.renegotiation.refused") == 1, 5000),
                proxy.engine.counters().named().toString());
        assertEquals(0, proxy.engine.counters().get("client.closed_mid_request"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void keepAliveWithoutRenegotiationIsUntouched(String protocol) throws Exception {
        try (SSLSocket s = connect(protocol); TestClient c = new TestClient(s)) {
            assertEquals(protocol, s.getSession().getProtocol());
            for (int i = 0; i < 5; i++) {
                assertEquals("target=/k" + i, c.get("alice.example.com", "/k" + i).text());
            }
        }
        assertEquals(0, proxy.engine.counters().get("tls.renegotiation.refused"));
    }

    @Test
    void aResumedTls12SessionIsNotRenegotiation() throws Exception {
        SSLContext client = alice.clientContext();
        byte[] first;
        try (SSLSocket s = connect(client, "TLSv1.2"); TestClient c = new TestClient(s)) {
            first = s.getSession().getId();
            assertEquals("target=/full", c.get("alice.example.com", "/full").text());
        }
        // The second connection resumes the session: an abbreviated handshake, which ends with the client's Finished.
        try (SSLSocket s = connect(client, "TLSv1.2"); TestClient c = new TestClient(s)) {
            assertArrayEquals(first, s.getSession().getId(), "resumed");
            for (int i = 0; i < 3; i++) {
                assertEquals("target=/r" + i, c.get("alice.example.com", "/r" + i).text());
            }
        }
        assertEquals(0, proxy.engine.counters().get("tls.renegotiation.refused"));
    }

    @Test
    void aTls13KeyUpdateIsNotRenegotiation() throws Exception {
        try (SSLSocket s = connect("TLSv1.3"); TestClient c = new TestClient(s)) {
            assertEquals(200, c.get("alice.example.com", "/before").status());
            // On TLS 1.3 the JDK client sends a KeyUpdate (a post-handshake message) instead.
            s.startHandshake();
            assertEquals("target=/after", c.get("alice.example.com", "/after").text());
            s.startHandshake();
            assertEquals("target=/again", c.get("alice.example.com", "/again").text());
        }
        assertEquals(0, proxy.engine.counters().get("tls.renegotiation.refused"));
        assertEquals(0, proxy.engine.counters().get("tls.read_error"));
    }
}
