package dev.rsp.tls.certs;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static dev.rsp.tls.certs.TestCerts.pair;
import static dev.rsp.tls.certs.TestCerts.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's reload step, called directly: no poll thread, no waiting. */
class CertificateStoreTest {

    @TempDir
    Path dir;
    CertificateStore store;

    @BeforeEach
    void store() {
        store = new CertificateStore(() -> TestCerts.NOW);
    }

    private Optional<String> servedFor(String sni) {
        return store.snapshot().select(Optional.ofNullable(sni), List.of()).map(c -> c.id().replaceFirst("\\.(crt|pem)$", ""));
    }

    @Test
    void picksUpNewPairsAndDropsRemovedOnes() throws Exception {
        store.configure(new CertificateStore.Source(dir, "", false));
        assertEquals(0, store.snapshot().all().size());
        pair(dir, "shop.example.com", key("ec"), cert(key("ec"), "shop.example.com", List.of("shop.example.com")));
        assertTrue(store.reload());
        assertEquals(Optional.of("shop.example.com"), servedFor("shop.example.com"));
        assertFalse(store.reload(), "nothing changed, nothing reloaded");

        Files.delete(dir.resolve("shop.example.com.key"));
        assertTrue(store.reload());
        assertEquals(Optional.empty(), servedFor("shop.example.com"));
    }

    @Test
    void aBrokenReplacementKeepsThePreviousCertificate() throws Exception {
        store.configure(new CertificateStore.Source(dir, "", false));
        X509Certificate first = cert(key("ec"), "a.example", List.of("a.example"));
        pair(dir, "a", key("ec"), first);
        store.reload();
        CertificateSnapshot before = store.snapshot();

        write(dir.resolve("a.crt"), TestCerts.pem(cert(key("ec2"), "a.example", List.of("a.example"))));
        assertFalse(store.reload(), "a key mismatch changes nothing");
        assertSame(before, store.snapshot());
        assertEquals(first, store.snapshot().select(Optional.of("a.example"), List.of()).get().served().leaf());

        write(dir.resolve("a.crt"), "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
        assertFalse(store.reload(), "bad PEM changes nothing");
        assertEquals(first, store.snapshot().select(Optional.of("a.example"), List.of()).get().served().leaf());

        X509Certificate second = cert(key("ec"), "a.example", List.of("a.example", "b.example"));
        write(dir.resolve("a.crt"), TestCerts.pem(second));
        assertTrue(store.reload(), "a good version is taken again");
        assertEquals(second, store.snapshot().select(Optional.of("b.example"), List.of()).get().served().leaf());
    }

    @Test
    void aNewBrokenPairServesNothing() throws Exception {
        store.configure(new CertificateStore.Source(dir, "", false));
        write(dir.resolve("enc.crt"), TestCerts.pem(cert(key("rsa"), "enc.example", List.of("enc.example"))));
        write(dir.resolve("enc.key"), TestCerts.encryptedPkcs8(key("rsa").getPrivate(), "pw"));
        store.reload();
        assertEquals(Optional.empty(), servedFor("enc.example"));
        store.configure(new CertificateStore.Source(dir, "pw", false));
        assertEquals(Optional.of("enc"), servedFor("enc.example"), "a new password has every pair read again");
    }

    @Test
    void theFileRule() throws Exception {
        store.configure(new CertificateStore.Source(dir, "", false));
        // B.pem serves like B.crt; B.crt wins when both are there; a lone chain or key is ignored
        write(dir.resolve("p.pem"), TestCerts.pem(cert(key("ec"), "p.example", List.of("p.example"))));
        write(dir.resolve("p.key"), TestCerts.pkcs8(key("ec").getPrivate()));
        write(dir.resolve("both.crt"), TestCerts.pem(cert(key("ec"), "crt.example", List.of("crt.example"))));
        write(dir.resolve("both.pem"), TestCerts.pem(cert(key("ec"), "pem.example", List.of("pem.example"))));
        write(dir.resolve("both.key"), TestCerts.pkcs8(key("ec").getPrivate()));
        write(dir.resolve("lonely.crt"), TestCerts.pem(cert(key("ec"), "lonely.example", List.of("lonely.example"))));
        write(dir.resolve("README"), "not a certificate");
        store.reload();
        assertEquals(Optional.of("p"), servedFor("p.example"));
        assertEquals(Optional.of("both"), servedFor("crt.example"));
        assertEquals(Optional.empty(), servedFor("pem.example"));
        assertEquals(Optional.empty(), servedFor("lonely.example"));
        assertEquals(null, CertificateStore.baseName("README"));
        assertEquals("example.com", CertificateStore.baseName("example.com.key"));
    }

    @Test
    void theSelfSignedDefaultStandsInUntilADefaultFileArrives() throws Exception {
        store.configure(new CertificateStore.Source(dir, "", true));
        assertEquals(SelfSignedDefault.SOURCE, store.snapshot().select(Optional.empty(), List.of()).get().served().source());
        assertEquals(SelfSignedDefault.SOURCE, store.snapshot().select(Optional.of("demo.example.com"), List.of()).get().served().source());

        pair(dir, "default", key("rsa"), cert(key("rsa"), "mine.example", List.of("mine.example")));
        assertTrue(store.reload());
        assertEquals("default.crt", store.snapshot().select(Optional.empty(), List.of()).get().id());
        assertEquals(1, store.snapshot().all().size());

        Files.delete(dir.resolve("default.crt"));
        assertTrue(store.reload());
        assertEquals(SelfSignedDefault.SOURCE, store.snapshot().select(Optional.empty(), List.of()).get().served().source());

        store.configure(new CertificateStore.Source(dir, "", false));
        assertEquals(Optional.empty(), store.snapshot().select(Optional.empty(), List.of()));
    }

    @Test
    void aMissingDirectoryServesNothingUntilItAppears() throws Exception {
        Path later = dir.resolve("later");
        store.configure(new CertificateStore.Source(later, "", false));
        assertFalse(store.reload());
        pair(later, "x", key("ec"), cert(key("ec"), "x.example", List.of("x.example")));
        assertTrue(store.reload());
        assertEquals(Optional.of(later), store.directory());
    }
}
