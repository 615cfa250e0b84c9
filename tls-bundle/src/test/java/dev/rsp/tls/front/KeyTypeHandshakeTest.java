package dev.rsp.tls.front;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rsp.spi.tls.Inspection;
import dev.rsp.spi.tls.TlsEngine;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.TestCerts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * One name with an ECDSA and an RSA certificate: a real handshake with a JDK client whose signature schemes are
 * restricted (through its algorithm constraints, which filter what it offers in signature_algorithms) gets the
 * certificate it can verify, with either engine.
 */
class KeyTypeHandshakeTest {

    @TempDir
    Path dir;
    X509Certificate ec;
    X509Certificate rsa;
    CertificateStore store;
    final List<TlsEngine> made = new ArrayList<>();
    final List<TlsFrontService> fronts = new ArrayList<>();

    @BeforeEach
    void certificates() throws Exception {
        ec = cert(key("ec"), "shop.example", List.of("shop.example"));
        rsa = cert(key("rsa"), "shop.example", List.of("shop.example"));
        TestCerts.write(dir.resolve("shop.ecdsa.pem"), TestCerts.pem(ec) + TestCerts.pkcs8(key("ec").getPrivate()));
        TestCerts.write(dir.resolve("shop.rsa.pem"), TestCerts.pem(rsa) + TestCerts.pkcs8(key("rsa").getPrivate()));
        store = new CertificateStore(() -> TestCerts.NOW);
        store.configure(new CertificateStore.Source(dir, "", false));
    }

    @AfterEach
    void release() {
        made.forEach(e -> e.kind().release(e.engine()));
        fronts.forEach(TlsFrontService::close);
    }

    /** Refuses every signature algorithm whose name contains {@code refused} (case-insensitive). */
    static AlgorithmConstraints refusing(String refused) {
        return new AlgorithmConstraints() {
            @Override
            public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
                return !primitives.contains(CryptoPrimitive.SIGNATURE)
                        || !algorithm.toLowerCase(Locale.ROOT).contains(refused);
            }

            @Override
            public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
                return true;
            }

            @Override
            public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters parameters) {
                return permits(primitives, algorithm, parameters);
            }
        };
    }

    @ParameterizedTest(name = "{0} {1}, client refusing {2}")
    @CsvSource({"jsse, TLSv1.3, ecdsa, RSA", "jsse, TLSv1.3, rsa, EC", "jsse, TLSv1.3, nothing, EC",
        "jsse, TLSv1.2, ecdsa, RSA", "jsse, TLSv1.2, rsa, EC",
        "native, TLSv1.3, ecdsa, RSA", "native, TLSv1.3, rsa, EC", "native, TLSv1.2, ecdsa, RSA"})
    void theClientGetsTheKeyTypeItCanVerify(String engine, String protocol, String refused, String served) throws Exception {
        if (engine.equals("native")) {
            assumeTrue(TerminationHandshakeTest.nativeLoads(), "BoringSSL does not load here");
        }
        TlsFrontService front = new TlsFrontService(assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(
                Map.of("listen", "127.0.0.1:0", "engine", engine), TlsSettings.Supported.byJdk())).settings(), store);
        fronts.add(front);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ec", ec);
        trust.setCertificateEntry("rsa", rsa);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLEngine client = context.createSSLEngine("shop.example", 443);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("shop.example")));
        p.setProtocols(new String[] {protocol});
        p.setAlgorithmConstraints(refusing(refused));
        client.setSSLParameters(p);
        EnginePair pair = new EnginePair(client);
        Inspection.Hello hello = assertInstanceOf(Inspection.Hello.class, front.inspect(pair.firstFlight()));
        assertEquals(java.util.Optional.empty(), front.prepare(hello), "both loaded at start (a small index)");
        TlsEngine server = front.newEngine(hello, new InetSocketAddress("127.0.0.1", 1)).orElseThrow();
        made.add(server);
        pair.handshake(server.engine());
        X509Certificate got = (X509Certificate) client.getSession().getPeerCertificates()[0];
        assertEquals(served, got.getPublicKey().getAlgorithm(), "schemes offered: " + hello.signatureSchemes());
    }
}
