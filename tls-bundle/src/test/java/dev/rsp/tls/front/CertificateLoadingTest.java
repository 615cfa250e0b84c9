package dev.rsp.tls.front;

import dev.rsp.tls.Poll;
import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.tls.CertificateInfo;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An index larger than certs.cache.size: certificates load when a handshake first asks (prepare gives the core a stage
 * for a cold name, nothing for a warm one), at most certs.cache.size stay loaded, the least recently used leaves, and
 * an engine made before its certificate left still finishes its handshake.
 */
class CertificateLoadingTest {

    static final int SITES = 6;
    @TempDir
    Path dir;
    final Map<String, X509Certificate> leaves = new HashMap<>();
    CertificateStore store;
    TlsFrontService front;
    final List<TlsEngine> made = new ArrayList<>();

    @BeforeEach
    void sites() throws Exception {
        for (int i = 0; i < SITES; i++) {
            String name = "site" + i + ".example";
            X509Certificate leaf = cert(key("ec"), name, List.of(name));
            leaves.put(name, leaf);
            TestCerts.write(dir.resolve(name + ".pem"), TestCerts.pem(leaf) + TestCerts.pkcs8(key("ec").getPrivate()));
        }
        X509Certificate fallback = cert(key("ec2"), "fallback.example", List.of("fallback.example"));
        leaves.put("fallback.example", fallback);
        TestCerts.pair(dir, "default", key("ec2"), fallback);
        store = new CertificateStore(() -> TestCerts.NOW);
    }

    @AfterEach
    void close() {
        made.forEach(e -> e.kind().release(e.engine()));
        if (front != null) {
            front.close();
        }
    }

    private void start(String engine, int cacheSize) {
        store.configure(new CertificateStore.Source(dir, "", false, cacheSize));
        Map<String, Object> config = Map.of("listen", "127.0.0.1:0", "engine", engine, "certs.cache.size", "" + cacheSize);
        front = new TlsFrontService(assertInstanceOf(TlsSettings.Valid.class,
                TlsSettings.parse(config, TlsSettings.Supported.byJdk())).settings(), store);
    }

    private EnginePair client(String sni) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (var e : leaves.entrySet()) {
            trust.setCertificateEntry(e.getKey(), e.getValue());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        SSLEngine client = c.createSSLEngine(sni, 443);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        client.setSSLParameters(p);
        return new EnginePair(client);
    }

    private Inspection.Hello hello(EnginePair pair) throws Exception {
        return assertInstanceOf(Inspection.Hello.class, front.inspect(pair.firstFlight()));
    }

    /** What the core does: prepare, wait for the stage if any (parked), then the engine; returns the served leaf. */
    private X509Certificate connect(String sni) throws Exception {
        EnginePair pair = client(sni);
        Inspection.Hello hello = hello(pair);
        Optional<CompletionStage<?>> wait = front.prepare(hello);
        if (wait.isPresent()) {
            wait.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        TlsEngine server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 1)).orElseThrow();
        made.add(server);
        pair.handshake(server.engine());
        return (X509Certificate) pair.client.getSession().getPeerCertificates()[0];
    }

    private long count(String event) {
        return front.events().get(event);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsse", "auto"})
    void aColdNameWaitsForItsLoadAWarmOneDoesNot(String engine) throws Exception {
        start(engine, 3);
        assertEquals(SITES + 1, front.certificateCount(), "all indexed");
        assertEquals(1, store.cache().size(), "only the default loaded at start: the index exceeds the cache");

        EnginePair pair = client("site1.example");
        Inspection.Hello hello = hello(pair);
        Optional<CompletionStage<?>> cold = front.prepare(hello);
        assertTrue(cold.isPresent(), "a cold name: the core parks the connection");
        cold.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Optional.empty(), front.prepare(hello), "loaded: ready at once");
        TlsEngine server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 1)).orElseThrow();
        made.add(server);
        pair.handshake(server.engine());
        assertEquals(leaves.get("site1.example"), pair.client.getSession().getPeerCertificates()[0]);
        assertEquals(1, count("tls.certs.cache.miss"));
        assertEquals(1, count("tls.certs.cache.hit"));
        assertEquals(2, count("tls.certs.cache.load"), "the default at start, then site1");
    }

    private boolean loaded(String name) {
        return store.snapshot().select(Optional.of(name), List.of()).orElseThrow().served() != null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsse", "auto"})
    void theCacheKeepsTheMostRecentlyUsedAndAnEngineOutlivesItsEviction(String engine) throws Exception {
        start(engine, 3); // the default and two more
        assertEquals(leaves.get("site0.example"), connect("site0.example"));
        assertEquals(leaves.get("site1.example"), connect("site1.example"));
        assertEquals(leaves.get("site0.example"), connect("site0.example"), "site0 is now more recent than site1");

        // an engine for site0 made now, its handshake finished after site0 was evicted
        EnginePair pending = client("site0.example");
        Inspection.Hello hello = hello(pending);
        assertEquals(Optional.empty(), front.prepare(hello));
        TlsEngine early = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 1)).orElseThrow();
        made.add(early);

        assertEquals(leaves.get("site2.example"), connect("site2.example"));
        assertEquals(3, store.cache().size(), "bounded by certs.cache.size");
        assertEquals(1, count("tls.certs.cache.evicted"), "site1, the least recently used, left");
        assertEquals(front.engineKind() == NativeTls.KIND ? 3 : 0, front.nativeContexts(),
                "one native context per loaded certificate: the evicted one's was given back");
        assertFalse(loaded("site1.example"), "site1 is cold again");
        assertTrue(loaded("site0.example"));
        assertEquals(leaves.get("site3.example"), connect("site3.example"));
        assertEquals(2, count("tls.certs.cache.evicted"), "then site0");
        assertFalse(loaded("site0.example"));
        Optional<CompletionStage<?>> again = front.prepare(hello(client("site0.example")));
        assertTrue(again.isPresent(), "a cold name waits again");
        again.get().toCompletableFuture().get(10, TimeUnit.SECONDS);

        pending.handshake(early.engine());
        assertEquals(leaves.get("site0.example"), pending.client.getSession().getPeerCertificates()[0]);
        assertEquals("ping", pending.clientToServer("ping"), "the evicted certificate's engine still works");
        long loaded = count("tls.certs.cache.load") - count("tls.certs.cache.evicted") - count("tls.certs.cache.dropped");
        assertEquals(store.cache().size(), loaded, "loaded now = load - evicted - dropped");
    }

    @Test
    void aNameAskedWithoutPrepareGetsTheDefaultAndLoadsForTheNext() throws Exception {
        start("jsse", 3);
        EnginePair pair = client("site4.example");
        Inspection.Hello hello = hello(pair);
        TlsEngine server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 1)).orElseThrow();
        made.add(server);
        assertEquals(1, count("tls.certs.not_ready"));
        Poll.until("site4.example loaded", java.time.Duration.ofSeconds(10), () -> front.prepare(hello).isEmpty());
        assertEquals(leaves.get("site4.example"), connect("site4.example"));
    }

    @Test
    void theListingComesFromTheIndexWithoutLoading() throws Exception {
        start("jsse", 3);
        connect("site2.example");
        List<CertificateInfo> all = front.certificates("", 100);
        assertEquals(SITES + 1, all.size());
        assertEquals(List.of("fallback.example"), all.get(0).names(), "ordered by first name");
        CertificateInfo site2 = front.certificates("SITE2", 10).get(0);
        assertEquals(List.of("site2.example"), site2.names());
        assertTrue(site2.loaded());
        assertEquals("file", site2.source());
        assertEquals(Optional.of("site2.example.pem"), site2.file());
        assertEquals("EC 256", site2.keyType());
        assertEquals("CN=site2.example", site2.issuer());
        assertFalse(front.certificates("site3", 10).get(0).loaded());
        assertEquals(2, front.certificates("site", 2).size(), "at most limit");
        assertSame(store.snapshot().size(), front.certificateCount());
        String printed = CertsCommand.render(front.certificates("site2", 10), front.certificateCount(), "site2");
        assertTrue(printed.startsWith("7 certificate(s) indexed, 1 shown for 'site2'"), printed);
        assertTrue(printed.contains("EC 256") && printed.contains("file site2.example.pem, loaded"), printed);
    }
}
