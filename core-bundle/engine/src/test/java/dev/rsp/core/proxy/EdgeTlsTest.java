package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rsp.core.edge.HeaderRules;
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
import org.junit.jupiter.api.Test;

/**
 * The edge features over TLS that rsp terminates, with a real TLS client: no redirect to HTTPS (the request is on
 * HTTPS already), a Location naming the backend rewritten to {@code https://} and the host the client asked for, HSTS
 * added, and a header rule that removes HSTS for its hosts winning over {@code hsts}.
 */
class EdgeTlsTest {

    static TestPki.Identity alice;
    static TestPki.Identity other;

    StubBackend stub;
    ProxyHarness proxy;
    InetSocketAddress tls;

    @BeforeAll
    static void certificates() throws Exception {
        alice = TestPki.selfSigned("alice.example.com");
        other = TestPki.selfSigned("other.example.com");
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

    @Test
    void overTlsNoRedirectAnHttpsLocationAndHstsUnlessARuleRemovesIt() throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 302, "", "Location: http://localhost:" + r.socket().getLocalPort() + "/in?a=b");
            return true;
        });
        proxy = new ProxyHarness(Map.of("redirect.https", "*", "hsts", "max-age=600")).withStrategy().backend("a", stub.port());
        TestTlsFront front = TestTlsFront.terminate(Map.of("alice.example.com", alice.serverContext()),
                other.serverContext(), Duration.ofSeconds(10));
        proxy.engine.addTlsFront(front);
        tls = proxy.engine.tlsAddress(front);
        proxy.engine.headerRules(((HeaderRules.Valid) HeaderRules.read(Map.of("rule.o.hosts", "other.example.com",
                "rule.o.response.remove", "Strict-Transport-Security"))).rules());

        try (SSLSocket s = connect(alice.clientContext(), "alice.example.com"); TestClient c = new TestClient(s)) {
            TestClient.Response r = c.get("alice.example.com", "/login");
            assertEquals(302, r.status(), "over TLS: the backend's answer, no redirect");
            assertEquals("https://alice.example.com/in?a=b", r.header("location"));
            assertEquals("max-age=600", r.header("strict-transport-security"));
        }
        try (SSLSocket s = connect(other.clientContext(), null); TestClient c = new TestClient(s)) {
            TestClient.Response r = c.get("other.example.com", "/");
            assertEquals("https://other.example.com/in?a=b", r.header("location"));
            assertNull(r.header("strict-transport-security"), "rule o removes it for other.example.com");
        }
        assertEquals(2, stub.requests().size(), "both requests reached the backend");
        assertEquals(0, proxy.engine.counters().get(Counter.REDIRECT_HTTPS));
    }

    private SSLSocket connect(SSLContext ctx, String sni) throws IOException {
        Socket raw = new Socket();
        raw.connect(tls, 2000);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }
}
