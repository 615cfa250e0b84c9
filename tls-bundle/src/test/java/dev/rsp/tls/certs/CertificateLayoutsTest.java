package dev.rsp.tls.certs;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static dev.rsp.tls.certs.TestCerts.pem;
import static dev.rsp.tls.certs.TestCerts.pkcs8;
import static dev.rsp.tls.certs.TestCerts.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layouts of certs.dir, mixed; change detection that re-reads only what changed; conflicts and broken files. */
class CertificateLayoutsTest {

    /** A TLS 1.3 client's schemes with ECDSA, and an RSA-only one. */
    static final List<Integer> WITH_ECDSA = List.of(0x0403, 0x0804, 0x0401);
    static final List<Integer> RSA_ONLY = List.of(0x0804, 0x0401);

    @TempDir
    Path dir;
    /** After every file's time: directories look settled (not "racily" fresh) to the scanner. */
    Instant later = Instant.now().plus(Duration.ofHours(1));
    CertificateStore store;

    @BeforeEach
    void store() {
        store = new CertificateStore(() -> later);
    }

    private Optional<String> servedFor(String sni, List<Integer> schemes) {
        return store.snapshot().select(Optional.ofNullable(sni), schemes).map(IndexedCertificate::id);
    }

    private Optional<String> servedFor(String sni) {
        return servedFor(sni, List.of());
    }

    static String combined(KeyPair k, X509Certificate... chain) {
        return pem((Object[]) chain) + pkcs8(k.getPrivate());
    }

    /** certbot's lineage: archive/NAME/{fullchainN,privkeyN}.pem and live/NAME/ symlinks to them, swapped by rename. */
    static void certbot(Path root, String name, int version, KeyPair k, X509Certificate leaf) throws Exception {
        Path archive = root.resolve("archive").resolve(name);
        write(archive.resolve("fullchain" + version + ".pem"), pem(leaf));
        write(archive.resolve("privkey" + version + ".pem"), pkcs8(k.getPrivate()));
        Path live = root.resolve("live").resolve(name);
        Files.createDirectories(live);
        for (String f : List.of("fullchain", "privkey")) {
            Path tmp = live.resolve("." + f + ".new");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, Path.of("../../archive/" + name + "/" + f + version + ".pem"));
            Files.move(tmp, live.resolve(f + ".pem"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void everyLayoutMixedInOneDirectory() throws Exception {
        // (c) a flat pair, (a) a combined PEM with its chain, (b) certbot's live/, and the default as a combined PEM
        TestCerts.pair(dir, "pair", key("ec"), cert(key("ec"), "pair.example", List.of("pair.example")));
        X509Certificate ca = cert(key("rsa2"), "Test CA", List.of());
        X509Certificate issued = TestCerts.issuedBy(key("rsa2"), "Test CA", key("ec2"), "combined.example",
                List.of("combined.example", "www.combined.example"));
        write(dir.resolve("combined.pem"), combined(key("ec2"), issued, ca));
        certbot(dir, "certbot.example", 1, key("rsa"), cert(key("rsa"), "certbot.example", List.of("certbot.example")));
        write(dir.resolve("live/README"), "This directory contains your keys and certificates.\n");
        write(dir.resolve("default.pem"), combined(key("ec3"), cert(key("ec3"), "fallback.example", List.of("fallback.example"))));
        store.configure(new CertificateStore.Source(dir, "", false));

        assertEquals(Optional.of("pair.crt"), servedFor("pair.example"));
        assertEquals(Optional.of("combined.pem"), servedFor("www.combined.example"), "names from the SANs, not the file");
        assertEquals(Optional.of("live/certbot.example/fullchain.pem"), servedFor("certbot.example"));
        assertEquals(Optional.of("default.pem"), servedFor("unknown.example"));
        assertEquals(4, store.snapshot().size(), "archive/ is never indexed on its own, live/README is ignored");
        IndexedCertificate c = store.snapshot().select(Optional.of("combined.example"), List.of()).get();
        assertEquals(IndexedCertificate.Source.FILE, c.source());
        assertEquals("EC 256", c.keyType());
        assertEquals("CN=Test CA", c.issuer());
        assertEquals(IndexedCertificate.Source.CERTBOT,
                store.snapshot().select(Optional.of("certbot.example"), List.of()).get().source());
        // small index: everything loaded at once, as before; the combined file's key is the one after the chain
        assertEquals(issued, c.served().leaf());
        assertEquals(2, c.served().chain().size());
    }

    @Test
    void aCertbotRenewalIsPickedUpByReadingOnlyTheRenewedLineage() throws Exception {
        for (int i = 0; i < 5; i++) {
            certbot(dir, "site" + i + ".example", 1, key("ec"), cert(key("ec"), "site" + i + ".example",
                    List.of("site" + i + ".example")));
        }
        TestCerts.pair(dir, "flat", key("ec"), cert(key("ec"), "flat.example", List.of("flat.example")));
        settle(dir);
        store.configure(new CertificateStore.Source(dir, "", false));
        assertEquals(6, store.filesRead(), "each chain read once to index it");
        IndexedCertificate before = store.snapshot().select(Optional.of("site3.example"), List.of()).get();
        assertNotNull(before.served());

        assertFalse(store.reload(), "nothing changed");
        assertEquals(6, store.filesRead(), "nothing re-read");

        X509Certificate renewed = cert(key("ec2"), "site3.example", List.of("site3.example"),
                TestCerts.NOW, TestCerts.NOW.plus(Duration.ofDays(90)));
        certbot(dir, "site3.example", 2, key("ec2"), renewed);
        assertTrue(store.reload());
        assertEquals(7, store.filesRead(), "only the renewed lineage is read again");
        IndexedCertificate after = store.snapshot().select(Optional.of("site3.example"), List.of()).get();
        assertEquals(renewed, after.served().leaf(), "new handshakes get the renewed certificate");
        assertNull(before.served(), "the old one left the cache (connections keep their engines)");
        assertEquals(1L, store.cache().counts().get("tls.certs.cache.dropped"));
    }

    @Test
    void aRestartWithTheIndexFileReadsOnlyWhatChangedMeanwhile() throws Exception {
        for (int i = 0; i < 4; i++) {
            write(dir.resolve("site" + i + ".pem"), combined(key("ec"), cert(key("ec"), "site" + i + ".example",
                    List.of("site" + i + ".example"))));
        }
        Path indexFile = dir.resolveSibling(dir.getFileName() + "-data").resolve("certs-index.txt");
        CertificateStore first = new CertificateStore(() -> later, Runnable::run);
        first.indexFile(Optional.of(indexFile));
        first.configure(new CertificateStore.Source(dir, "", false, 2));
        assertEquals(4, first.filesRead());
        assertTrue(Files.exists(indexFile));

        write(dir.resolve("site2.pem"), combined(key("ec2"), cert(key("ec2"), "site2.example", List.of("site2.example"))));
        CertificateStore second = new CertificateStore(() -> later, Runnable::run);
        second.indexFile(Optional.of(indexFile));
        second.configure(new CertificateStore.Source(dir, "", false, 2));
        assertEquals(1, second.filesRead(), "only the file changed since the last run is read");
        assertEquals(4, second.snapshot().size());
        IndexedCertificate remembered = second.snapshot().select(Optional.of("site1.example"), List.of()).get();
        assertEquals("site1.pem", remembered.id());
        assertEquals("EC 256", remembered.keyType());
        assertTrue(second.cache().load(remembered).get().leaf().getSubjectX500Principal().getName().contains("site1"),
                "a remembered certificate loads from its file");

        write(indexFile, "rsp-certs-index 0\ngarbage\n");
        CertificateStore third = new CertificateStore(() -> later, Runnable::run);
        third.indexFile(Optional.of(indexFile));
        third.configure(new CertificateStore.Source(dir, "", false, 2));
        assertEquals(4, third.filesRead(), "an index file of another format is ignored");
    }

    /** Dates every directory under {@code root} an hour back, as if written long ago. */
    private static void settle(Path root) throws Exception {
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        try (var s = Files.walk(root)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
    }

    @Test
    void twoCertificatesForOneNameServeTheKeyTypeTheClientCanVerify() throws Exception {
        write(dir.resolve("shop-ecdsa.pem"), combined(key("ec"), cert(key("ec"), "shop.example", List.of("shop.example"))));
        write(dir.resolve("shop-rsa.pem"), combined(key("rsa"), cert(key("rsa"), "shop.example", List.of("shop.example"))));
        store.configure(new CertificateStore.Source(dir, "", false));
        assertEquals(Optional.of("shop-ecdsa.pem"), servedFor("shop.example", WITH_ECDSA));
        assertEquals(Optional.of("shop-rsa.pem"), servedFor("shop.example", RSA_ONLY));
        assertEquals(Optional.of("shop-rsa.pem"), servedFor("shop.example", List.of()), "no extension: RSA");
        assertTrue(store.snapshot().conflicts().isEmpty(), "two key types are no conflict");
    }

    @Test
    void aNameCoveredTwicePicksTheLaterExpiryAndReportsTheOtherOnceInOneLine() throws Exception {
        X509Certificate sooner = cert(key("ec"), "a.example", List.of("a.example", "b.example"),
                TestCerts.NOW, TestCerts.NOW.plus(Duration.ofDays(10)));
        X509Certificate longer = cert(key("ec2"), "a.example", List.of("a.example", "b.example", "c.example"),
                TestCerts.NOW, TestCerts.NOW.plus(Duration.ofDays(80)));
        write(dir.resolve("sooner.pem"), combined(key("ec"), sooner));
        write(dir.resolve("longer.pem"), combined(key("ec2"), longer));
        String log = stderrOf(() -> store.configure(new CertificateStore.Source(dir, "", false)));
        assertEquals(Optional.of("longer.pem"), servedFor("a.example"));
        assertEquals(Optional.of("longer.pem"), servedFor("b.example"));
        List<String> lines = log.lines().filter(l -> l.contains("sooner.pem: not served for")).toList();
        assertEquals(1, lines.size(), log);
        assertTrue(lines.get(0).contains("[a.example, b.example]") && lines.get(0).contains("longer.pem"), lines.get(0));
        assertEquals("", stderrOf(() -> store.reload()), "said once, not on every poll");
    }

    @Test
    void brokenFilesAreReportedOneLineEachAndTheRestIsServed() throws Exception {
        write(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        write(dir.resolve("nokey.pem"), pem(cert(key("ec"), "nokey.example", List.of("nokey.example"))));
        write(dir.resolve("mismatch.pem"), combined(key("ec2"), cert(key("ec"), "mismatch.example", List.of("mismatch.example"))));
        write(dir.resolve("good.pem"), combined(key("ec"), cert(key("ec"), "good.example", List.of("good.example"))));
        String log = stderrOf(() -> store.configure(new CertificateStore.Source(dir, "", false)));
        assertEquals(Optional.of("good.pem"), servedFor("good.example"));
        assertEquals(Optional.empty(), servedFor("mismatch.example"));
        for (String file : List.of("garbage.pem", "mismatch.pem")) {
            assertEquals(1, log.lines().filter(l -> l.contains("ERROR") && l.contains(file)).count(), file + " in " + log);
        }
        assertEquals(2, log.lines().filter(l -> l.contains("ERROR")).count(), log);
        assertEquals(1, log.lines().filter(l -> l.contains("WARN") && l.contains("nokey.pem is ignored")).count(),
                "a chain without a key (a CA bundle) is ignored with a warning: " + log);
    }

    @Test
    void aCertificateThatFailsItsFirstLoadIsPassedOverAndListedWithItsError() throws Exception {
        write(dir.resolve("mismatch.pem"), combined(key("ec2"), cert(key("ec"), "shop.example", List.of("shop.example"))));
        write(dir.resolve("shop-rsa.pem"), combined(key("rsa"), cert(key("rsa"), "shop.example", List.of("shop.example"))));
        write(dir.resolve("other.pem"), combined(key("ec"), cert(key("ec"), "other.example", List.of("other.example"))));
        store.configure(new CertificateStore.Source(dir, "", false, 1)); // more than fits: loaded on first use
        IndexedCertificate ec = store.snapshot().select(Optional.of("shop.example"), WITH_ECDSA).get();
        assertEquals("mismatch.pem", ec.id());
        String log = stderrOf(() -> store.cache().load(ec).handle((c, failure) -> c).join());
        assertEquals(1, log.lines().filter(l -> l.contains("ERROR") && l.contains("mismatch.pem")).count(), log);
        assertTrue(ec.failure().get().contains("does not match"), ec.failure().get());
        assertEquals(Optional.of("shop-rsa.pem"), servedFor("shop.example", WITH_ECDSA), "the other key type serves");
        assertFalse(store.reload(), "a failed load is no change of the index");
        assertEquals(3, store.snapshot().size(), "still listed, with its error");
        assertEquals(1L, store.cache().counts().get("tls.certs.cache.load_failed"));
    }

    @Test
    void theAcmeStorageIsASecondRootOfCombinedFiles() throws Exception {
        Path acme = dir.resolve("acme");
        write(acme.resolve("issued.example.pem"), combined(key("ec"), cert(key("ec"), "issued.example", List.of("issued.example"))));
        write(acme.resolve("account.key"), pkcs8(key("ec2").getPrivate()));
        store.configure(new CertificateStore.Source(dir, "", false));
        assertEquals(Optional.empty(), servedFor("issued.example"), "subdirectories of certs.dir are not indexed");
        String log = stderrOf(() -> store.acmeStorage(Optional.of(acme)));
        assertEquals(IndexedCertificate.Source.ACME, store.snapshot().select(Optional.of("issued.example"), List.of())
                .get().source());
        assertFalse(log.contains("account.key"), "other files of the storage are ignored without a word: " + log);
        store.acmeStorage(Optional.empty());
        assertEquals(Optional.empty(), servedFor("issued.example"));
    }

    /** What the store logs (slf4j-simple writes to System.err) while {@code r} runs. */
    static String stderrOf(Runnable r) {
        PrintStream before = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
