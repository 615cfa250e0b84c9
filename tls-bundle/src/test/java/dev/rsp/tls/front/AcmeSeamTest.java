package dev.rsp.tls.front;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.tls.CertificateInfo;
import dev.rsp.spi.tls.EngineKind;
import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.tls.certs.CertificateManager;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.TestCerts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front and the ACME component's CertificateManager (a fake here): TLS-ALPN-01, on-demand issuance, the listing. */
class AcmeSeamTest {

    @TempDir
    Path dir;
    Path storage;
    FakeCertificateManager manager;
    CertificateStore store;
    TlsFrontService front;
    X509Certificate fallback;
    final List<X509Certificate> trusted = new ArrayList<>();
    final List<TlsEngine> made = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        storage = dir.resolve("acme");
        java.nio.file.Files.createDirectories(storage);
        fallback = cert(key("ec2"), "fallback.example", List.of("fallback.example"));
        trusted.add(fallback);
        TestCerts.pair(dir, "default", key("ec2"), fallback);
        manager = new FakeCertificateManager(storage);
        store = new CertificateStore(() -> TestCerts.NOW);
        store.configure(new CertificateStore.Source(dir, "", false));
        store.acmeStorage(Optional.of(storage));
        front = new TlsFrontService(assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(
                Map.of("listen", "127.0.0.1:0", "engine", "jsse"), TlsSettings.Supported.byJdk())).settings(), store,
                () -> Optional.of(manager));
    }

    @AfterEach
    void close() {
        made.forEach(e -> e.kind().release(e.engine()));
        front.close();
    }

    private EnginePair client(String sni, String... alpn) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
            trust.setCertificateEntry("c" + i, trusted.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        SSLEngine client = c.createSSLEngine(sni, 443);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        p.setApplicationProtocols(alpn);
        client.setSSLParameters(p);
        return new EnginePair(client);
    }

    /** As the core: prepare, wait for the stage (parked), newEngine, handshake; the leaf the client got. */
    private EnginePair connect(String sni, String... alpn) throws Exception {
        EnginePair pair = client(sni, alpn);
        Inspection.Hello hello = assertInstanceOf(Inspection.Hello.class, front.inspect(pair.firstFlight()));
        Optional<CompletionStage<?>> wait = front.prepare(hello);
        if (wait.isPresent()) {
            wait.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        Optional<TlsEngine> server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 1));
        if (server.isEmpty()) {
            return null;
        }
        made.add(server.get());
        pair.handshake(server.get().engine());
        return pair;
    }

    private static X509Certificate leaf(EnginePair p) throws Exception {
        return (X509Certificate) p.client.getSession().getPeerCertificates()[0];
    }

    private void issue(String name, X509Certificate leaf) throws Exception {
        TestCerts.write(storage.resolve(name + ".pem"), TestCerts.pem(leaf) + TestCerts.pkcs8(key("ec").getPrivate()));
    }

    @Test
    void aTlsAlpn01HelloGetsTheValidationCertificateAndAcmeTls1() throws Exception {
        X509Certificate validation = cert(key("ec3"), "v.example", List.of("v.example"));
        trusted.add(validation);
        assertEquals(null, connect("v.example", "acme-tls/1"), "no challenge pending: no engine, the core closes");
        manager.challenges.put("v.example", new CertificateManager.AlpnChallenge(validation, key("ec3").getPrivate()));
        EnginePair p = connect("v.example", "acme-tls/1");
        assertEquals(validation, leaf(p));
        assertEquals("acme-tls/1", p.client.getApplicationProtocol());
        assertEquals(fallback, leaf(connect("v.example", "acme-tls/1", "h2")), "a client offering more is no validation");
    }

    @Test
    void aNameWithoutCertificateIsIssuedOnDemandWhileTheHandshakeWaits() throws Exception {
        CompletableFuture<Void> issuance = new CompletableFuture<>();
        manager.issuing.put("new.example", issuance);
        X509Certificate issued = cert(key("ec"), "new.example", List.of("new.example"));
        trusted.add(issued);
        EnginePair pair = client("new.example");
        Inspection.Hello hello = assertInstanceOf(Inspection.Hello.class, front.inspect(pair.firstFlight()));
        Optional<CompletionStage<?>> wait = front.prepare(hello);
        assertTrue(wait.isPresent(), "the core parks the connection during the issuance");
        assertEquals(List.of("new.example"), manager.onDemandAsked);
        issue("new.example", issued);
        issuance.complete(null);
        wait.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
        TlsEngine server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 1)).orElseThrow();
        made.add(server);
        pair.handshake(server.engine());
        assertEquals(issued, leaf(pair), "the new certificate, after the storage was rescanned");
        assertEquals("acme", front.certificates("new.example", 10).get(0).source());
        assertEquals(1L, front.events().get("tls.certs.on_demand"));
        assertEquals(issued, leaf(connect("new.example")), "from then on without asking");
        assertEquals(1, manager.onDemandAsked.size());
    }

    @Test
    void aFailedOrRefusedIssuanceGetsTheDefault() throws Exception {
        manager.issuing.put("fails.example", CompletableFuture.failedFuture(new IllegalStateException("rate limited")));
        assertEquals(fallback, leaf(connect("fails.example")));
        assertEquals(fallback, leaf(connect("refused.example")), "the manager would not issue: the default at once");
        assertEquals(List.of("fails.example", "refused.example"), manager.onDemandAsked);
    }

    @Test
    void theListingShowsTheManagersRenewalAndLastError() throws Exception {
        issue("managed.example", cert(key("ec"), "managed.example", List.of("managed.example")));
        store.reload();
        Instant renewal = Instant.parse("2027-01-01T00:00:00Z");
        manager.renewals.put("managed.example", renewal);
        manager.errors.put("managed.example", "urn:ietf:params:acme:error:rateLimited");
        CertificateInfo managed = front.certificates("managed", 10).get(0);
        assertEquals("acme", managed.source());
        assertEquals(Optional.of(renewal), managed.nextRenewal());
        assertEquals(Optional.of("urn:ietf:params:acme:error:rateLimited"), managed.lastError());
        CertificateInfo file = front.certificates("fallback", 10).get(0);
        assertEquals(Optional.empty(), file.nextRenewal(), "rsp does not renew a file it was given");
        assertEquals(EngineKind.JSSE, front.engineKind());
    }
}
