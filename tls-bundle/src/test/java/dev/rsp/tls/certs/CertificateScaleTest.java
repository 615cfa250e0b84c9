package dev.rsp.tls.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A platform's directory: many combined PEMs issued by one CA (EC keys; the leaves share one key pair to make the
 * files fast). Indexing reads each file once and loads nothing but the default; a poll with nothing changed reads
 * nothing; a name asked for loads on its own. 2,000 files here; 100,000 in the long form, which prints the start-up
 * figures ({@code mvn -B verify -P long-tests -pl tls-bundle -am -Dtest=CertificateScaleTest}).
 */
class CertificateScaleTest {

    @TempDir
    Path dir;

    @Test
    void twoThousandCertificatesIndexWithoutLoading() throws Exception {
        platform(2_000, 100);
    }

    @Test
    @Tag("long")
    void aHundredThousandCertificatesIndexWithinTwoSeconds() throws Exception {
        long extra = platform(100_000, 10_000);
        assertTrue(extra < 2_000, "100,000 certificates indexed (restart with the index file) in " + extra
                + " ms more than none");
    }

    /** Returns how many milliseconds more than an empty directory the start took (the faster of the two starts). */
    private long platform(int n, int cacheSize) throws Exception {
        KeyPair ca = TestCerts.key("ec-ca");
        KeyPair leafKey = TestCerts.key("ec-leaf");
        String key = TestCerts.pkcs8(leafKey.getPrivate());
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate());
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        long g0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String name = "customer" + i + ".example";
            X509Certificate leaf = converter.getCertificate(new JcaX509v3CertificateBuilder(new X500Name("CN=Platform CA"),
                    BigInteger.valueOf(i + 1L), Date.from(TestCerts.NOW.minus(Duration.ofDays(1))),
                    Date.from(TestCerts.NOW.plus(Duration.ofDays(90))), new X500Name("CN=" + name), leafKey.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, name), new GeneralName(GeneralName.dNSName, "www." + name)}))
                    .build(signer));
            Files.writeString(dir.resolve(name + ".pem"), TestCerts.pem(leaf) + key, StandardCharsets.US_ASCII);
        }
        TestCerts.write(dir.resolve("default.pem"), TestCerts.pem(TestCerts.cert(leafKey, "fallback.example",
                List.of("fallback.example"))) + key);
        long generated = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - g0);

        Path empty = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-empty"));
        long e0 = System.nanoTime();
        new CertificateStore(() -> TestCerts.NOW).configure(new CertificateStore.Source(empty, "", false, cacheSize));
        long none = System.nanoTime() - e0;

        System.gc();
        long heap0 = usedHeap();
        CertificateStore store = new CertificateStore(() -> TestCerts.NOW);
        long s0 = System.nanoTime();
        store.configure(new CertificateStore.Source(dir, "", false, cacheSize));
        long indexed = System.nanoTime() - s0;

        // a restart: the index remembered in a file (written here, on this thread), only stats of the files
        Path indexFile = dir.resolveSibling(dir.getFileName() + "-data").resolve("certs-index.txt");
        CertificateStore writer = new CertificateStore(() -> TestCerts.NOW, Runnable::run);
        writer.indexFile(Optional.of(indexFile));
        long w0 = System.nanoTime();
        writer.configure(new CertificateStore.Source(dir, "", false, cacheSize));
        long withWrite = System.nanoTime() - w0;
        CertificateStore restarted = new CertificateStore(() -> TestCerts.NOW, Runnable::run);
        restarted.indexFile(Optional.of(indexFile));
        long x0 = System.nanoTime();
        restarted.configure(new CertificateStore.Source(dir, "", false, cacheSize));
        long restart = System.nanoTime() - x0;
        assertEquals(0, restarted.filesRead(), "a restart reads no unchanged file");
        assertEquals(n + 1, restarted.snapshot().size());
        System.gc();
        long heap = usedHeap() - heap0;
        assertEquals(n + 1, store.snapshot().size());
        assertEquals(1, store.cache().size(), "only the default loaded: the index exceeds certs.cache.size");
        assertEquals(n + 1, store.filesRead());

        long r0 = System.nanoTime();
        assertFalse(store.reload(), "nothing changed");
        long rescan = System.nanoTime() - r0;
        assertEquals(n + 1, store.filesRead(), "a poll with nothing changed reads no file");

        int served = Math.min(n, 1_000);
        long l0 = System.nanoTime();
        for (int i = 0; i < served; i++) {
            IndexedCertificate c = store.snapshot().select(Optional.of("www.customer" + (i * 7 % n) + ".example"),
                    List.of()).orElseThrow();
            store.cache().load(c).get(10, TimeUnit.SECONDS);
        }
        long loads = System.nanoTime() - l0;
        long extra = TimeUnit.NANOSECONDS.toMillis(indexed - none);
        long extraRestart = TimeUnit.NANOSECONDS.toMillis(restart - none);
        System.out.printf("CertificateScaleTest: %d certificates (generated in %d ms): indexed in %d ms (%d ms more "
                + "than none; %d ms writing the index file too), restarted with the index file in %d ms; about %d "
                + "bytes of heap each; a poll with nothing changed %d ms; %d loads on demand %.2f ms each%n", n,
                generated, TimeUnit.NANOSECONDS.toMillis(indexed), extra, TimeUnit.NANOSECONDS.toMillis(withWrite),
                TimeUnit.NANOSECONDS.toMillis(restart), heap / n, TimeUnit.NANOSECONDS.toMillis(rescan), served,
                loads / 1e6 / served);
        assertTrue(store.cache().size() <= cacheSize);
        return Math.min(extra, extraRestart);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
