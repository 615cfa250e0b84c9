package dev.rsp.tls.front;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rsp.tls.certs.ServedCertificate;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The native contexts of certificates that share a leaf: the same certificate in two files (a pair and a combined PEM,
 * as a directory copied from HAProxy has) is two loaded certificates, and each must get a native engine whatever the
 * order they were loaded in. Before, the second replaced the first, whose handshakes then all went to the JDK's engine.
 */
class NativeContextsTest {

    private final List<SSLEngine> engines = new ArrayList<>();
    private NativeContexts contexts;

    @AfterEach
    void release() {
        engines.forEach(NativeTls.KIND::release);
        if (contexts != null) {
            contexts.release();
        }
    }

    private static ServedCertificate served(String base, KeyPair keys, X509Certificate leaf) {
        return new ServedCertificate(base, base + ".pem", List.of("bench.local"), List.of(leaf), "EC 256", null,
                keys.getPrivate());
    }

    private SSLEngine engine(ServedCertificate c) {
        SSLEngine e = contexts.newEngine(c, null);
        if (e != null) {
            engines.add(e);
        }
        return e;
    }

    @Test
    void twoCertificatesWithOneLeafEachGetTheirOwnNativeEngine() {
        assumeTrue(TerminationHandshakeTest.nativeLoads(), "BoringSSL does not load here");
        KeyPair keys = key("ec");
        X509Certificate leaf = cert(keys, "bench.local", List.of("bench.local"));
        ServedCertificate pair = served("default", keys, leaf);
        ServedCertificate combined = served("haproxy", keys, leaf);
        TlsSettings settings = assertInstanceOf(TlsSettings.Valid.class, TlsSettings.parse(
                Map.of("listen", "127.0.0.1:0", "engine", "native"), TlsSettings.Supported.byJdk())).settings();
        contexts = new NativeContexts(settings, Optional.empty());
        List<String> problems = new ArrayList<>();

        contexts.add(pair, problems);
        contexts.add(combined, problems);
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(2, contexts.size());
        assertNotNull(engine(pair), "the first loaded keeps its context when the second arrives");
        assertNotNull(engine(combined));
        assertTrue(contexts.covers(pair) && contexts.covers(combined));

        contexts.add(pair, problems);   // loaded again (a reload): its context is replaced, not added
        assertEquals(2, contexts.size());
        assertNotNull(engine(pair));

        contexts.remove(combined);
        assertNull(engine(combined));
        assertNotNull(engine(pair), "removing one leaves the other");
        contexts.remove(pair);
        assertNull(engine(pair));
        assertEquals(0, contexts.size());
    }
}
