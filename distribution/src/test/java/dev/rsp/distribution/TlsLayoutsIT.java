package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The certificate layouts platforms have, served by a real {@code bin/rsp} and checked with {@code openssl s_client}:
 * a combined PEM (chain and key in one file), certbot's {@code live/} symlinks renewed by swapping them while a
 * connection stays open, and an ECDSA and an RSA certificate for one name, each served to the client that can verify
 * it, with both engines.
 */
class TlsLayoutsIT extends TlsFixture {

    static String key(KeyPair keys) throws Exception {
        return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
    }

    /** A self-signed RSA 2048 certificate for {@code name}. */
    static Identity rsa(String name) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name + " RSA");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        return Identity.of(cert, kp);
    }

    /** What {@code openssl s_client} says of the certificate rsp presents for {@code sni} with {@code sigalgs}. */
    String opensslSees(String sni, String sigalgs) throws Exception {
        return run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername", sni,
                "-sigalgs", sigalgs, "-tls1_3"), "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jsse"})
    void ecdsaAndRsaForOneNameEachGoToTheClientThatCanVerifyIt(String engine) throws Exception {
        certs = Files.createDirectories(tmp.resolve("certs"));
        Identity ec = Identity.make("shop.example.com");
        Identity rsa = rsa("shop.example.com");
        // combined PEMs: chain then key in one file each
        RspHome.writeAtomically(certs.resolve("shop.ecdsa.pem"), pem(ec.certificate) + key(ec.keys));
        RspHome.writeAtomically(certs.resolve("shop.rsa.pem"), pem(rsa.certificate) + key(rsa.keys));
        startWith("mode = terminate\nengine = " + engine);
        String toEcdsa = opensslSees("shop.example.com", "ECDSA+SHA256:RSA-PSS+SHA256");
        assertTrue(toEcdsa.contains("subject=CN = shop.example.com\n") || toEcdsa.contains("subject=CN=shop.example.com\n"),
                "a client offering ECDSA gets the ECDSA certificate: " + toEcdsa);
        String toRsa = opensslSees("shop.example.com", "RSA-PSS+SHA256:RSA+SHA256");
        assertTrue(toRsa.contains("shop.example.com RSA"), "an RSA-only client gets the RSA certificate: " + toRsa);
        assertTrue(toRsa.contains("Peer signature type: RSA-PSS"), toRsa);
    }

    @Test
    void certbotsLiveSymlinksAreServedAndARenewalIsPickedUpWithoutDroppingConnections() throws Exception {
        certs = Files.createDirectories(tmp.resolve("letsencrypt"));
        Path archive = Files.createDirectories(certs.resolve("archive/blog.example.org"));
        Path live = Files.createDirectories(certs.resolve("live/blog.example.org"));
        Files.writeString(certs.resolve("live/README"), "This directory contains your keys and certificates.\n");
        Identity first = Identity.make("blog.example.org");
        Files.writeString(archive.resolve("fullchain1.pem"), pem(first.certificate));
        Files.writeString(archive.resolve("privkey1.pem"), key(first.keys));
        Files.createSymbolicLink(live.resolve("fullchain.pem"), Path.of("../../archive/blog.example.org/fullchain1.pem"));
        Files.createSymbolicLink(live.resolve("privkey.pem"), Path.of("../../archive/blog.example.org/privkey1.pem"));
        startWith("mode = terminate");
        try (SSLSocket open = connect(first, "blog.example.org")) {
            assertEquals(first.certificate, open.getSession().getPeerCertificates()[0]);
            assertTrue(get(open, "blog.example.org", "/before").startsWith("HTTP/1.1 200 "));

            // certbot renew: new files in archive/, then each live symlink replaced by a rename
            Identity second = Identity.make("blog.example.org");
            Files.writeString(archive.resolve("fullchain2.pem"), pem(second.certificate));
            Files.writeString(archive.resolve("privkey2.pem"), key(second.keys));
            for (String[] link : new String[][] {{"privkey.pem", "privkey2.pem"}, {"fullchain.pem", "fullchain2.pem"}}) {
                Path tmpLink = live.resolve("." + link[0] + ".new");
                Files.createSymbolicLink(tmpLink, Path.of("../../archive/blog.example.org/" + link[1]));
                Files.move(tmpLink, live.resolve(link[0]), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Waits.until("the renewed certificate served", () -> {
                try (SSLSocket s = connect(second, "blog.example.org")) {
                    return second.certificate.equals(s.getSession().getPeerCertificates()[0]);
                } catch (Exception e) {
                    return false;
                }
            }, log);
            assertTrue(get(open, "blog.example.org", "/after").startsWith("HTTP/1.1 200 "), "the open connection goes on");
        }
        String api = RawHttp.get(adminPort, "127.0.0.1", "/api/certificates?name=blog");
        assertTrue(api.contains("\"source\":\"certbot\"") && api.contains("live/blog.example.org/fullchain.pem"), api);
        assertEquals(0, errorsNaming("README"), "live/README is no certificate");
    }
}
