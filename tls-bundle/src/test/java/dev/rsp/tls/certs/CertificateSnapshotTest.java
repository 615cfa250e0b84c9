package dev.rsp.tls.certs;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificateSnapshotTest {

    static IndexedCertificate served(String base, String keyName, String... names) throws Exception {
        return served(base, keyName, cert(key(keyName), names[0], List.of(names)));
    }

    /** An entry with id {@code base}, loaded (as if a handshake had asked for it). */
    static IndexedCertificate served(String base, String keyName, X509Certificate leaf) throws Exception {
        KeyPair k = key(keyName);
        ServedCertificate loaded = new ServedCertificate(base, base + ".crt", CertificateLoader.names(leaf), List.of(leaf),
                ServedCertificate.keyType(k.getPrivate()), CertificateLoader.context(k.getPrivate(), List.of(leaf)),
                k.getPrivate());
        IndexedCertificate c = new IndexedCertificate(base, Path.of(base + ".crt"), Path.of(base + ".key"), loaded.names(),
                loaded.notAfter(), loaded.keyType(), k.getPrivate().getAlgorithm().equals("EC"),
                leaf.getIssuerX500Principal().getName(), IndexedCertificate.Source.FILE, base.equals("default"));
        c.served(loaded);
        return c;
    }

    private static Optional<String> select(CertificateSnapshot s, String sni) {
        return s.select(Optional.ofNullable(sni), List.of()).map(IndexedCertificate::id);
    }

    @Test
    void exactThenWildcardOfOneLabelThenDefault() throws Exception {
        CertificateSnapshot s = new CertificateSnapshot(List.of(
                served("shop", "ec", "shop.example.com"),
                served("wild", "ec2", "*.example.com"),
                served("default", "rsa", "fallback.example")), Optional.empty());
        assertEquals(Optional.of("shop"), select(s, "shop.example.com"));
        assertEquals(Optional.of("shop"), select(s, "Shop.Example.COM."), "SNI is canonicalized");
        assertEquals(Optional.of("wild"), select(s, "www.example.com"));
        assertEquals(Optional.of("default"), select(s, "a.b.example.com"), "a wildcard covers one label only");
        assertEquals(Optional.of("default"), select(s, "example.com"), "nor the bare parent");
        assertEquals(Optional.of("default"), select(s, null), "no SNI");
        assertEquals(Optional.of("default"), select(s, "fallback.example"));
    }

    @Test
    void withoutDefaultAnUnknownNameGetsNothing() throws Exception {
        CertificateSnapshot s = new CertificateSnapshot(List.of(served("shop", "ec", "shop.example.com")), Optional.empty());
        assertEquals(Optional.empty(), select(s, "other.example.com"));
        assertEquals(Optional.empty(), select(s, null));
        assertEquals(Optional.empty(), select(CertificateSnapshot.EMPTY, "shop.example.com"));
    }

    @Test
    void aGeneratedDefaultServesOnlyWhenTheFilesHaveNone() throws Exception {
        IndexedCertificate generated = IndexedCertificate.generated(SelfSignedDefault.generate(TestCerts.NOW));
        assertEquals(List.of("localhost", "example.com", "*.example.com"), generated.names());
        assertEquals("EC 256", generated.keyType());
        CertificateSnapshot s = new CertificateSnapshot(List.of(served("shop", "ec", "shop.example.com")), Optional.of(generated));
        assertEquals(Optional.of(SelfSignedDefault.SOURCE), select(s, "x.example.com"));
        assertEquals(2, s.all().size());
        CertificateSnapshot withFile = new CertificateSnapshot(List.of(served("default", "ec", "d.example")), Optional.of(generated));
        assertEquals(Optional.of("default"), select(withFile, null));
        assertEquals(1, withFile.all().size());
    }

    @Test
    void theCertificateValidLongestWinsAName() throws Exception {
        KeyPair k = key("ec");
        X509Certificate shortLived = cert(k, "a.example", List.of("a.example"), TestCerts.NOW, TestCerts.NOW.plus(Duration.ofDays(10)));
        X509Certificate longLived = cert(k, "a.example", List.of("a.example"), TestCerts.NOW, TestCerts.NOW.plus(Duration.ofDays(20)));
        CertificateSnapshot s = new CertificateSnapshot(List.of(served("a", "ec", shortLived), served("z", "ec", longLived)),
                Optional.empty());
        assertEquals(Optional.of("z"), select(s, "a.example"));
    }

    @Test
    void coversTheNamesOfTheLeafServed() throws Exception {
        ServedCertificate wild = served("wild", "ec", "*.example.com", "example.com").served();
        CertificateSnapshot s = new CertificateSnapshot(List.of(), Optional.empty());
        assertTrue(s.covers(wild.leaf(), "www.example.com"));
        assertTrue(s.covers(wild.leaf(), "example.com"));
        assertFalse(s.covers(wild.leaf(), "a.b.example.com"));
        assertFalse(s.covers(wild.leaf(), "example.org"));
        X509Certificate notInSnapshot = cert(key("ec2"), "gone.example", List.of("gone.example"));
        assertTrue(s.covers(notInSnapshot, "gone.example"), "a leaf of an earlier snapshot still answers by its names");
        assertFalse(s.covers(notInSnapshot, "other.example"));
    }
}
