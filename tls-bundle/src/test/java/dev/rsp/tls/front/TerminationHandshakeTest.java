package dev.rsp.tls.front;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.tls.Inspection;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.TestCerts;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real handshakes between a JDK client engine and the engine {@link TlsFrontService#newEngine} makes, in memory: the
 * client's first flight goes through {@link TlsFrontService#inspect} like the core does it.
 */
class TerminationHandshakeTest {

    @TempDir
    Path dir;
    X509Certificate shop;
    X509Certificate wild;
    X509Certificate fallback;
    TlsFrontService front;

    @BeforeEach
    void front() throws Exception {
        shop = cert(key("rsa"), "shop.example.com", List.of("shop.example.com"));
        wild = cert(key("ec"), "*.example.org", List.of("*.example.org"));
        fallback = cert(key("ec2"), "fallback.example", List.of("fallback.example"));
        TestCerts.pair(dir, "shop.example.com", key("rsa"), shop);
        TestCerts.pair(dir, "wild", key("ec"), wild);
        TestCerts.pair(dir, "default", key("ec2"), fallback);
        CertificateStore store = new CertificateStore(() -> TestCerts.NOW);
        TlsSettings settings = ((TlsSettings.Valid) TlsSettings.parse(Map.of("listen", "127.0.0.1:0"),
                TlsSettings.Supported.byJdk())).settings();
        store.configure(new CertificateStore.Source(dir, "", false));
        front = new TlsFrontService(settings, store);
    }

    /** The outcome of a handshake, seen from both ends. */
    record Done(SSLEngine client, SSLEngine server) {
    }

    private SSLContext trustingTestCerts() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("shop", shop);
        trust.setCertificateEntry("wild", wild);
        trust.setCertificateEntry("fallback", fallback);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private Done handshake(String sni, String protocol, String... alpn) throws Exception {
        SSLEngine client = trustingTestCerts().createSSLEngine(sni == null ? "nosni" : sni, 443);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        p.setProtocols(new String[] {protocol});
        p.setApplicationProtocols(alpn);
        client.setSSLParameters(p);

        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        client.wrap(ByteBuffer.allocate(0), toServer);
        toServer.flip();
        Inspection.Hello hello = assertInstanceOf(Inspection.Hello.class, front.inspect(toServer.asReadOnlyBuffer()));
        toServer.compact();
        SSLEngine server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 40000)).orElseThrow();
        assertFalse(server.getUseClientMode());

        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        for (int round = 0; round < 100 && !(done(client) && done(server) && toServer.position() == 0
                && toClient.position() == 0); round++) {
            pump(server, toServer, toClient, app);
            pump(client, toClient, toServer, app);
        }
        assertTrue(done(client) && done(server), "handshake finished");
        return new Done(client, server);
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    /** One step of an engine: read what arrived, run tasks, write what it has to say. */
    private static void pump(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
        in.flip();
        SSLEngineResult r;
        do {
            r = e.unwrap(in, app);
            runTasks(e);
        } while (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0 && in.hasRemaining());
        in.compact();
        do {
            r = e.wrap(ByteBuffer.allocate(0), out);
            runTasks(e);
        } while (r.bytesProduced() > 0 && r.getStatus() == SSLEngineResult.Status.OK);
    }

    private static void runTasks(SSLEngine e) {
        for (Runnable t = e.getDelegatedTask(); t != null; t = e.getDelegatedTask()) {
            t.run();
        }
    }

    private static X509Certificate served(Done d) throws Exception {
        return (X509Certificate) d.client().getSession().getPeerCertificates()[0];
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void sniSelectsTheCertificate(String protocol) throws Exception {
        Done d = handshake("shop.example.com", protocol);
        assertEquals(shop, served(d));
        assertEquals(protocol, d.server().getSession().getProtocol());
        assertTrue(front.covers(d.server().getSession(), "shop.example.com"));
        assertFalse(front.covers(d.server().getSession(), "other.example.com"), "the core answers 421");

        d = handshake("www.example.org", protocol);
        assertEquals(wild, served(d));
        assertTrue(front.covers(d.server().getSession(), "api.example.org"));
        assertFalse(front.covers(d.server().getSession(), "a.b.example.org"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void noSniOrAnUnknownNameGetsTheDefault(String protocol) throws Exception {
        assertEquals(fallback, served(handshake(null, protocol)));
        assertEquals(fallback, served(handshake("unknown.example.net", protocol)));
    }

    @Test
    void alpnOfferedIsAnsweredHttp11() throws Exception {
        Done d = handshake("shop.example.com", "TLSv1.3", "h2", "http/1.1");
        assertEquals("http/1.1", d.client().getApplicationProtocol());
        Done none = handshake("shop.example.com", "TLSv1.3");
        assertEquals("", none.client().getApplicationProtocol(), "no ALPN offered, none answered");
        assertThrows(SSLException.class, () -> handshake("shop.example.com", "TLSv1.3", "h2"),
                "a client that speaks only h2 gets no_application_protocol");
    }

    @Test
    void dataFlowsAfterTheHandshake() throws Exception {
        Done d = handshake("shop.example.com", "TLSv1.3");
        ByteBuffer wire = ByteBuffer.allocate(1 << 17);
        d.client().wrap(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), wire);
        wire.flip();
        ByteBuffer plain = ByteBuffer.allocate(1 << 17);
        SSLEngineResult r;
        do {
            r = d.server().unwrap(wire, plain);
        } while (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0 && plain.position() == 0);
        plain.flip();
        assertEquals("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII.decode(plain).toString());
    }

    @Test
    void noCertificateNoEngine() throws Exception {
        CertificateStore empty = new CertificateStore(() -> TestCerts.NOW);
        empty.configure(new CertificateStore.Source(dir.resolve("none"), "", false));
        TlsFrontService bare = new TlsFrontService(((TlsSettings.Valid) TlsSettings.parse(Map.of(),
                TlsSettings.Supported.byJdk())).settings(), empty);
        assertEquals(Optional.empty(), bare.newEngine(new Inspection.Hello(Optional.of("x.example"), List.of(),
                List.of("TLSv1.3")), new InetSocketAddress("127.0.0.1", 1)));
    }
}
