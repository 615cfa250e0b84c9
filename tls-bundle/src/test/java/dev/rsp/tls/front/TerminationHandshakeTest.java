package dev.rsp.tls.front;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.TestCerts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real handshakes between a JDK client engine and the engine {@link TlsFrontService#newEngine} makes, in memory, with
 * each engine choice ({@code jsse}, and {@code native} where BoringSSL loads): the client's first flight goes through
 * {@link TlsFrontService#inspect} like the core does it; every engine made is released through its kind afterwards.
 */
class TerminationHandshakeTest {

    @TempDir
    Path dir;
    X509Certificate shop;
    X509Certificate wild;
    X509Certificate fallback;
    CertificateStore store;
    final List<TlsEngine> made = new ArrayList<>();
    final List<TlsFrontService> fronts = new ArrayList<>();

    @BeforeEach
    void certificates() throws Exception {
        shop = cert(key("rsa"), "shop.example.com", List.of("shop.example.com"));
        wild = cert(key("ec"), "*.example.org", List.of("*.example.org"));
        fallback = cert(key("ec2"), "fallback.example", List.of("fallback.example"));
        TestCerts.pair(dir, "shop.example.com", key("rsa"), shop);
        TestCerts.pair(dir, "wild", key("ec"), wild);
        TestCerts.pair(dir, "default", key("ec2"), fallback);
        store = new CertificateStore(() -> TestCerts.NOW);
        store.configure(new CertificateStore.Source(dir, "", false));
    }

    @AfterEach
    void release() {
        made.forEach(e -> e.kind().release(e.engine()));
        fronts.forEach(TlsFrontService::close);
    }

    static boolean nativeLoads() {
        return ServerEngines.nativeUnavailable().isEmpty();
    }

    /** A front with {@code engine} and more settings as key, value pairs. */
    private TlsFrontService front(String engine, String... more) {
        if (engine.equals("native")) {
            assumeTrue(nativeLoads(), "BoringSSL does not load here: " + ServerEngines.nativeUnavailable());
        }
        Map<String, Object> config = new HashMap<>(Map.of("listen", "127.0.0.1:0", "engine", engine));
        for (int i = 0; i < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        TlsSettings.Parsed parsed = TlsSettings.parse(config, TlsSettings.Supported.byJdk());
        TlsFrontService front = new TlsFrontService(assertInstanceOf(TlsSettings.Valid.class, parsed).settings(), store);
        fronts.add(front);
        return front;
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

    private EnginePair client(String sni, String protocol, List<String> ciphers, String... alpn) throws Exception {
        SSLEngine client = trustingTestCerts().createSSLEngine(sni == null ? "nosni" : sni, 443);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        p.setProtocols(new String[] {protocol});
        p.setApplicationProtocols(alpn);
        if (ciphers != null) {
            p.setCipherSuites(ciphers.toArray(String[]::new));
        }
        client.setSSLParameters(p);
        return new EnginePair(client);
    }

    private EnginePair handshake(TlsFrontService front, String sni, String protocol, String... alpn) throws Exception {
        return handshake(front, client(sni, protocol, null, alpn));
    }

    private EnginePair handshake(TlsFrontService front, EnginePair pair) throws Exception {
        Inspection.Hello hello = assertInstanceOf(Inspection.Hello.class, front.inspect(pair.firstFlight().asReadOnlyBuffer()));
        TlsEngine server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 40000)).orElseThrow();
        made.add(server);
        assertFalse(server.engine().getUseClientMode());
        pair.handshake(server.engine());
        return pair;
    }

    /** The protocol ALPN chose as the core reads it: null (BoringSSL's none) and "" (the JDK's) are both none. */
    private static String chosen(SSLEngine e) {
        String p = e.getApplicationProtocol();
        return p == null ? "" : p;
    }

    private static X509Certificate served(EnginePair p) throws Exception {
        return (X509Certificate) p.client.getSession().getPeerCertificates()[0];
    }

    @ParameterizedTest
    @CsvSource({"jsse, TLSv1.3", "jsse, TLSv1.2", "native, TLSv1.3", "native, TLSv1.2"})
    void sniSelectsTheCertificate(String engine, String protocol) throws Exception {
        TlsFrontService front = front(engine);
        EnginePair d = handshake(front, "shop.example.com", protocol);
        assertEquals(shop, served(d));
        assertEquals(protocol, d.server.getSession().getProtocol());
        assertTrue(front.covers(d.server.getSession(), "shop.example.com"));
        assertFalse(front.covers(d.server.getSession(), "other.example.com"), "the core answers 421");

        d = handshake(front, "www.example.org", protocol);
        assertEquals(wild, served(d));
        assertTrue(front.covers(d.server.getSession(), "api.example.org"));
        assertFalse(front.covers(d.server.getSession(), "a.b.example.org"));
    }

    @ParameterizedTest
    @CsvSource({"jsse, TLSv1.3", "jsse, TLSv1.2", "native, TLSv1.3", "native, TLSv1.2"})
    void noSniOrAnUnknownNameGetsTheDefault(String engine, String protocol) throws Exception {
        TlsFrontService front = front(engine);
        assertEquals(fallback, served(handshake(front, null, protocol)));
        assertEquals(fallback, served(handshake(front, "unknown.example.net", protocol)));
    }

    @Test
    void eachEngineChoiceMakesItsKind() throws Exception {
        TlsFrontService jsse = front("jsse");
        assertSame(EngineKind.JSSE, jsse.engineKind());
        handshake(jsse, "shop.example.com", "TLSv1.3");
        assertSame(EngineKind.JSSE, made.get(0).kind());

        TlsFrontService auto = front("auto");
        EngineKind expected = nativeLoads() ? NativeTls.KIND : EngineKind.JSSE;
        assertSame(expected, auto.engineKind(), "auto: BoringSSL where it loads, else the JDK's");
        handshake(auto, "shop.example.com", "TLSv1.3");
        assertSame(expected, made.get(1).kind());

        TlsFrontService forced = front("native");
        assertEquals("boringssl", forced.engineKind().name());
        handshake(forced, "shop.example.com", "TLSv1.3");
        assertSame(NativeTls.KIND, made.get(2).kind());
        assertTrue(made.get(2).engine().getClass().getName().startsWith("io.netty."), made.get(2).engine().getClass().getName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsse", "native"})
    void alpnIsAnsweredH2ThenHttp11ByDefault(String engine) throws Exception {
        TlsFrontService front = front(engine);
        EnginePair d = handshake(front, "shop.example.com", "TLSv1.3", "http/1.1", "h2");
        assertEquals("h2", d.client.getApplicationProtocol(), "rsp's preference among the client's offers");
        assertEquals("h2", chosen(d.server), "what the core reads after the handshake");
        assertEquals("http/1.1", chosen(handshake(front, "shop.example.com", "TLSv1.3", "http/1.1").server));
        assertEquals("h2", chosen(handshake(front, "shop.example.com", "TLSv1.3", "h2").server), "an h2-only client");
        EnginePair none = handshake(front, "shop.example.com", "TLSv1.3");
        assertEquals("", none.client.getApplicationProtocol(), "no ALPN offered, none answered");
        assertEquals("", chosen(none.server));
    }

    @Test
    void aClientWithoutACommonProtocolGetsAnAlertFromTheJdkEngine() throws Exception {
        TlsFrontService front = front("jsse");
        assertThrows(SSLException.class, () -> handshake(front, "shop.example.com", "TLSv1.3", "spdy/3.1"),
                "no_application_protocol");
    }

    @Test
    void aClientWithoutACommonProtocolGetsAHandshakeWithoutAlpnFromBoringSsl() throws Exception {
        TlsFrontService front = front("native");
        EnginePair d = handshake(front, "shop.example.com", "TLSv1.3", "spdy/3.1");
        assertEquals("", d.client.getApplicationProtocol(), "BoringSSL answers no ALPN and goes on");
        assertEquals(null, d.server.getApplicationProtocol(), "Netty's engine says null for none");
    }

    @ParameterizedTest
    @CsvSource({"jsse, TLSv1.3", "jsse, TLSv1.2", "native, TLSv1.3", "native, TLSv1.2"})
    void aConfiguredAlpnListIsChosenFromPerConnection(String engine, String protocol) throws Exception {
        TlsFrontService front = front(engine, "alpn", "http/1.1, h2");
        assertEquals("http/1.1", chosen(handshake(front, "shop.example.com", protocol, "h2", "http/1.1").server),
                "rsp's preference among the client's offers");
        assertEquals("http/1.1", chosen(handshake(front, "shop.example.com", protocol, "http/1.1").server));
        assertEquals("h2", chosen(handshake(front, "shop.example.com", protocol, "h2").server));
        assertEquals("", chosen(handshake(front, "shop.example.com", protocol).server));
    }

    @ParameterizedTest
    @CsvSource({"jsse, true, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "jsse, false, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "native, true, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "native, false, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "jsse, auto, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "native, auto, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"})
    void theCipherOrderIsTheClientsOrRsps(String engine, String preferClient, String chosen) throws Exception {
        // rsp's default list has AES-128 before AES-256; this client prefers AES-256
        TlsFrontService front = front(engine, "prefer.client.ciphers", preferClient);
        EnginePair d = handshake(front, client("www.example.org", "TLSv1.2",
                List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")));
        assertEquals(chosen, d.client.getSession().getCipherSuite());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsse", "native"})
    void dataFlowsBothWaysAfterTheHandshake(String engine) throws Exception {
        EnginePair d = handshake(front(engine), "shop.example.com", "TLSv1.3");
        assertEquals("GET / HTTP/1.1\r\n\r\n", d.clientToServer("GET / HTTP/1.1\r\n\r\n"));
        assertEquals("HTTP/1.1 200 OK\r\n\r\n", d.serverToClient("HTTP/1.1 200 OK\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsse", "native"})
    void theEngineRefusesRenegotiationByItselfToo(String engine) throws Exception {
        // The core refuses a TLS 1.2 ClientHello before an engine sees it; each engine refuses it as well.
        EnginePair d = handshake(front(engine), "shop.example.com", "TLSv1.2");
        assertEquals("ping", d.clientToServer("ping"));
        d.client.beginHandshake();
        assertThrows(SSLException.class, () -> d.handshake(d.server), "a new handshake on an established connection");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsse", "native"})
    void theSessionSizesTheCoreBuffersBy(String engine) throws Exception {
        // The core sizes its pools per kind from these: a whole record's plaintext, and a whole record.
        EnginePair d = handshake(front(engine), "shop.example.com", "TLSv1.2");
        assertTrue(d.server.getSession().getApplicationBufferSize() >= 16_384, "" + d.server.getSession().getApplicationBufferSize());
        assertTrue(d.server.getSession().getPacketBufferSize() >= 16_384 + 5, "" + d.server.getSession().getPacketBufferSize());
        String big = "x".repeat(60_000);
        assertEquals(big, d.serverToClient(big), "records of the largest size cross");
        assertEquals(big, d.clientToServer(big));
    }

    @Test
    void noCertificateNoEngine() throws Exception {
        CertificateStore empty = new CertificateStore(() -> TestCerts.NOW);
        empty.configure(new CertificateStore.Source(dir.resolve("none"), "", false));
        TlsFrontService bare = new TlsFrontService(((TlsSettings.Valid) TlsSettings.parse(Map.of(),
                TlsSettings.Supported.byJdk())).settings(), empty);
        fronts.add(bare);
        assertEquals(Optional.empty(), bare.newEngine(new Inspection.Hello(Optional.of("x.example"), List.of(),
                List.of("TLSv1.3")), new InetSocketAddress("127.0.0.1", 1)));
    }
}
