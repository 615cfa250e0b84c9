package dev.rsp.core.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.tls.ProxyProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol on a TLS listener ({@link dev.rsp.spi.tls.TlsFront#proxyProtocol()}): the header is read and
 * consumed before the ClientHello, for termination (the decrypted requests carry the client it names) and for
 * passthrough (the backend's own handshake sees no header); untrusted peers are closed.
 */
class ProxyProtocolTlsTest {

    static TestPki.Identity alice;
    static TestPki.Identity bob;
    ProxyHarness proxy;
    StubBackend stub;
    final List<InetSocketAddress> routed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() throws Exception {
        alice = TestPki.selfSigned("alice.example.com");
        bob = TestPki.selfSigned("bob.example.com");
    }

    @AfterEach
    void close() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    static ProxyProtocol requiring(String trusted) {
        return new ProxyProtocol(ProxyProtocol.Versions.ANY, List.of(trusted), Duration.ofSeconds(5), 4096);
    }

    /** A proxy whose strategy records the client address and routes to {@code backend}. */
    void proxyTo(String backend, int port) throws IOException {
        proxy = new ProxyHarness(Map.of()).backend(backend, port);
        proxy.routing.strategyAdded(ProxyHarness.STRATEGY, all -> request -> {
            routed.add(request.clientAddress());
            return Decision.to(backend);
        }, 1, 0);
    }

    static SSLSocket tlsOver(Socket raw, SSLContext ctx, String sni) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    static Socket connectWithHeader(InetSocketAddress to, byte[] header) throws IOException {
        Socket raw = new Socket();
        raw.connect(to, 2000);
        raw.setTcpNoDelay(true);
        raw.getOutputStream().write(header);
        raw.getOutputStream().flush();
        return raw;
    }

    @Test
    void terminationServesTheClientTheV2HeaderNamesAfterReadingItBeforeTheClientHello() throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "xff=" + r.header("x-forwarded-for") + " proto=" + r.header("x-forwarded-proto"));
            return true;
        });
        proxyTo("a", stub.port());
        TestTlsFront front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()), null,
                Duration.ofSeconds(10));
        front.proxyProtocol = requiring("127.0.0.1");
        proxy.engine.addTlsFront(front);
        InetSocketAddress tls = proxy.engine.tlsAddress(front);
        try (Socket raw = connectWithHeader(tls, ProxyProtocolListenerTest.v2("203.0.113.9", 40_000, 0));
             SSLSocket s = tlsOver(raw, alice.clientContext(), "alice.example.com"); TestClient c = new TestClient(s)) {
            assertEquals("xff=203.0.113.9 proto=https", c.get("alice.example.com", "/").text());
        }
        assertEquals(new InetSocketAddress(InetAddress.getByName("203.0.113.9"), 40_000), routed.get(0));
        assertEquals(1, proxy.engine.counters().get(Counter.PROXY_PROXIED));
        assertEquals(1, proxy.engine.counters().get("tls.hello"));
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.stream().anyMatch(l -> l.contains(" 203.0.113.9 https ")), 5000),
                proxy.accessLines.toString());
    }

    @Test
    void passthroughRelaysTheTlsBytesWithoutTheHeader() throws Exception {
        try (TlsBackend bobServer = new TlsBackend(bob.serverContext(), "bob-tls")) {
            proxyTo("bob", bobServer.port());
            TestTlsFront front = TestTlsFront.passthrough(Optional.empty(), 0);
            front.proxyProtocol = requiring("127.0.0.0/8");
            proxy.engine.addTlsFront(front);
            InetSocketAddress tls = proxy.engine.tlsAddress(front);
            String header = "PROXY TCP4 192.0.2.44 198.51.100.1 5555 443\r\n";
            try (Socket raw = connectWithHeader(tls, header.getBytes(US_ASCII));
                 SSLSocket s = tlsOver(raw, bob.clientContext(), "bob.example.com"); TestClient c = new TestClient(s)) {
                assertEquals("bob-tls /p", c.get("bob.example.com", "/p").text());
            }
            assertEquals(0, bobServer.failedHandshakes.get());
            assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.44"), 5555), routed.get(0));
            assertTrue(ProxyHarness.await(() -> proxy.accessLines.stream().anyMatch(l -> l.contains("192.0.2.44")), 5000),
                    "the passthrough's access log line names the client: " + proxy.accessLines);
        }
    }

    @Test
    void anUntrustedPeerIsClosedBeforeItsClientHello() throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "ok");
            return true;
        });
        proxyTo("a", stub.port());
        TestTlsFront front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()), null,
                Duration.ofSeconds(10));
        front.proxyProtocol = requiring("10.0.0.0/8");
        proxy.engine.addTlsFront(front);
        InetSocketAddress tls = proxy.engine.tlsAddress(front);
        assertThrows(IOException.class, () -> {
            try (Socket raw = connectWithHeader(tls, ProxyProtocolListenerTest.v2("203.0.113.9", 1, 0))) {
                tlsOver(raw, alice.clientContext(), "alice.example.com").close();
            }
        });
        assertEquals(1, proxy.engine.counters().get(Counter.PROXY_UNTRUSTED));
        assertEquals(0, front.inspections.get(), "nothing was inspected");
    }
}
