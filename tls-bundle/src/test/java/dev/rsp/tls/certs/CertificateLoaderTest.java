package dev.rsp.tls.certs;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static dev.rsp.tls.certs.TestCerts.pem;
import static dev.rsp.tls.certs.TestCerts.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificateLoaderTest {

    private static final String PASSWORD = "s3cret pass";

    @TempDir
    Path dir;

    private CertificateLoader.Loaded load(String keyName, Function<KeyPair, String> keyPem, String password) throws Exception {
        KeyPair keys = key(keyName);
        write(dir.resolve("site.crt"), pem(cert(keys, "site.example", List.of("site.example", "*.site.example"))));
        write(dir.resolve("site.key"), keyPem.apply(keys));
        return CertificateLoader.load("site", dir.resolve("site.crt"), dir.resolve("site.key"), password.toCharArray());
    }

    private static ServedCertificate served(CertificateLoader.Loaded l) {
        assertInstanceOf(CertificateLoader.Served.class, l, () -> l.toString());
        return ((CertificateLoader.Served) l).certificate();
    }

    private static String broken(CertificateLoader.Loaded l) {
        assertInstanceOf(CertificateLoader.Broken.class, l, () -> l.toString());
        return ((CertificateLoader.Broken) l).reason();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "rsa, traditional, BEGIN RSA PRIVATE KEY, RSA 2048",
        "rsa, pkcs8, BEGIN PRIVATE KEY, RSA 2048",
        "ec, traditional, BEGIN EC PRIVATE KEY, EC 256",
        "ec, pkcs8, BEGIN PRIVATE KEY, EC 256",
        "rsa, encryptedPkcs8, BEGIN ENCRYPTED PRIVATE KEY, RSA 2048",
        "ec, encryptedPkcs8, BEGIN ENCRYPTED PRIVATE KEY, EC 256",
        "rsa, legacyEncrypted, 'Proc-Type: 4,ENCRYPTED', RSA 2048",
        "ec, legacyEncrypted, 'Proc-Type: 4,ENCRYPTED', EC 256",
    })
    void readsEveryKeyFormat(String keyName, String format, String marker, String keyType) throws Exception {
        Function<KeyPair, String> pem = switch (format) {
            case "traditional" -> k -> TestCerts.traditional(k.getPrivate());
            case "pkcs8" -> k -> TestCerts.pkcs8(k.getPrivate());
            case "encryptedPkcs8" -> k -> TestCerts.encryptedPkcs8(k.getPrivate(), PASSWORD);
            default -> k -> TestCerts.legacyEncrypted(k.getPrivate(), PASSWORD);
        };
        assertTrue(pem.apply(key(keyName)).contains(marker), "the test writes the format it names");
        ServedCertificate c = served(load(keyName, pem, PASSWORD));
        assertEquals(keyType, c.keyType());
        assertEquals(List.of("site.example", "*.site.example"), c.names());
        assertEquals("site", c.baseName());
        assertTrue(c.context().getProtocol().startsWith("TLS"));
    }

    @Test
    void anEcParametersBlockBeforeTheKeyIsSkipped() throws Exception {
        String ecParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        served(load("ec", k -> ecParameters + TestCerts.sec1WithoutCurve(k.getPrivate()), ""));
        String reason = broken(load("ec", k -> TestCerts.sec1WithoutCurve(k.getPrivate()), ""));
        assertTrue(reason.contains("names no curve"), reason);
    }

    @Test
    void aWrongPasswordIsBroken() throws Exception {
        assertTrue(broken(load("rsa", k -> TestCerts.encryptedPkcs8(k.getPrivate(), PASSWORD), "wrong")).contains("wrong password"));
        assertTrue(broken(load("ec", k -> TestCerts.legacyEncrypted(k.getPrivate(), PASSWORD), "wrong")).contains("wrong password"));
    }

    @Test
    void anEncryptedKeyWithoutPasswordSaysSo() throws Exception {
        assertTrue(broken(load("rsa", k -> TestCerts.encryptedPkcs8(k.getPrivate(), PASSWORD), "")).contains("key.password is not set"));
        assertTrue(broken(load("rsa", k -> TestCerts.legacyEncrypted(k.getPrivate(), PASSWORD), "")).contains("key.password is not set"));
    }

    @Test
    void aKeyThatDoesNotMatchTheLeafIsBroken() throws Exception {
        String reason = broken(load("rsa", k -> TestCerts.pkcs8(key("rsa2").getPrivate()), ""));
        assertTrue(reason.contains("does not match"), reason);
        reason = broken(load("ec", k -> TestCerts.pkcs8(key("rsa").getPrivate()), ""));
        assertTrue(reason.contains("does not match"), reason);
    }

    @Test
    void theChainMustStartWithTheLeaf() throws Exception {
        KeyPair keys = key("ec");
        X509Certificate other = cert(key("ec2"), "Test CA", List.of());
        X509Certificate leaf = TestCerts.issuedBy(key("ec2"), "Test CA", keys, "leaf.example", List.of("leaf.example"));
        write(dir.resolve("leaf.crt"), pem(other, leaf));
        write(dir.resolve("leaf.key"), TestCerts.pkcs8(keys.getPrivate()));
        String reason = broken(CertificateLoader.load("leaf", dir.resolve("leaf.crt"), dir.resolve("leaf.key"), new char[0]));
        assertTrue(reason.contains("must start with the leaf"), reason);
        write(dir.resolve("leaf.crt"), pem(leaf, other));
        ServedCertificate c = served(CertificateLoader.load("leaf", dir.resolve("leaf.crt"), dir.resolve("leaf.key"), new char[0]));
        assertEquals(2, c.chain().size());
    }

    @Test
    void badPemIsBrokenWithTheFileToBlame() throws Exception {
        KeyPair keys = key("ec");
        write(dir.resolve("x.crt"), "-----BEGIN CERTIFICATE-----\n!!!notbase64\n-----END CERTIFICATE-----\n");
        write(dir.resolve("x.key"), TestCerts.pkcs8(keys.getPrivate()));
        CertificateLoader.Loaded l = CertificateLoader.load("x", dir.resolve("x.crt"), dir.resolve("x.key"), new char[0]);
        broken(l);
        assertEquals(dir.resolve("x.crt"), ((CertificateLoader.Broken) l).file());

        write(dir.resolve("x.crt"), pem(cert(keys, "x.example", List.of("x.example"))));
        write(dir.resolve("x.key"), "not a key at all\n");
        l = CertificateLoader.load("x", dir.resolve("x.crt"), dir.resolve("x.key"), new char[0]);
        assertTrue(broken(l).contains("no private key"), broken(l));
        assertEquals(dir.resolve("x.key"), ((CertificateLoader.Broken) l).file());
    }

    @Test
    void namesAreTheDnsSansElseTheCn() {
        assertEquals(List.of("a.example", "*.b.example"),
                CertificateLoader.names(cert(key("ec"), "ignored.example", List.of("A.Example.", "*.b.example"))));
        assertEquals(List.of("cn-only.example"), CertificateLoader.names(cert(key("ec"), "CN-Only.example", List.of())));
    }
}
