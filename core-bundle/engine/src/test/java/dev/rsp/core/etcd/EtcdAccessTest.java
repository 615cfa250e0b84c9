package dev.rsp.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.net.PemFiles;
import dev.rsp.core.proxy.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS and authentication keys of {@code rsp.etcd}: what is refused, what is warned, and when two readings differ. */
class EtcdAccessTest {

    @TempDir
    Path tmp;

    private static List<String> errors(Map<String, String> properties) {
        EtcdSettings.Parsed p = EtcdSettings.read(properties);
        return assertInstanceOf(EtcdSettings.Invalid.class, p, p.toString()).errors();
    }

    private static EtcdSettings.Valid valid(Map<String, String> properties) {
        EtcdSettings.Parsed p = EtcdSettings.read(properties);
        return assertInstanceOf(EtcdSettings.Valid.class, p, p.toString());
    }

    @Test
    void keysThatGoTogetherAndTlsOverHttpAreRefusedNamingThem() {
        assertEquals(List.of("rsp.etcd: tls.cert and tls.key go together: set both (a client certificate) or neither"),
                errors(Map.of("endpoints", "https://e1:2379", "tls.cert", "c.pem")));
        assertEquals(List.of("rsp.etcd: tls.ca / tls.cert are set but an endpoint is http://: name every endpoint "
                + "https://host:port, or leave the tls keys empty"), errors(Map.of("tls.ca", "ca.pem")));
        assertEquals(List.of("rsp.etcd: username and password.file go together: set both or neither"),
                errors(Map.of("username", "rsp")));
        assertEquals(List.of("rsp.etcd: endpoints = 'http://u:p@e1:2379': a user in the URL is not read; set username and password.file"),
                errors(Map.of("endpoints", "http://u:p@e1:2379")));
        List<String> missing = errors(Map.of("endpoints", "https://e1:2379", "tls.ca", tmp.resolve("none.pem").toString()));
        assertEquals(1, missing.size());
        assertTrue(missing.get(0).startsWith("rsp.etcd: tls: tls.ca = '") && missing.get(0).contains("no such file"), missing.toString());
    }

    @Test
    void aPasswordOverHttpIsWarnedAndNeverShown() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "hunter2\nignored second line\n");
        EtcdSettings.Valid v = valid(Map.of("username", "rsp", "password.file", pw.toString()));
        assertEquals("hunter2", v.settings().access().password(), "the first line, its line end stripped");
        assertEquals(1, v.warnings().size(), v.warnings().toString());
        assertTrue(v.warnings().get(0).contains("in clear"), v.warnings().toString());
        assertFalse(v.settings().toString().contains("hunter2"), v.settings().toString());
        Files.writeString(pw, "\n");
        assertEquals(List.of("rsp.etcd: password.file = '" + pw + "': its first line is empty"),
                errors(Map.of("username", "rsp", "password.file", pw.toString())));
    }

    @Test
    void readingsAreEqualUntilAFileChanges() throws Exception {
        TestPki.Identity server = TestPki.selfSigned("etcd.internal");
        Path ca = tmp.resolve("ca.pem");
        server.writePem(ca, tmp.resolve("ca.key"));
        Map<String, String> props = Map.of("endpoints", "https://etcd.internal:2379", "tls.ca", ca.toString());
        EtcdSettings a = valid(props).settings();
        EtcdSettings b = valid(props).settings();
        assertEquals(a, b, "delivered again unchanged: the source is not restarted");
        assertNotNull(a.access().sslContext());
        TestPki.selfSigned("etcd.internal").writePem(ca, tmp.resolve("ca.key"));
        assertNotEquals(a, valid(props).settings(), "a rotated certificate restarts the source");
    }

    @Test
    void pemKeysInPkcs8AndRsaPkcs1AreRead() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PrivateKey rsa = g.generateKeyPair().getPrivate();
        byte[] pkcs1 = PrivateKeyInfo.getInstance(rsa.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
        Path p1 = Files.writeString(tmp.resolve("rsa.key"), TestPki.pem("RSA PRIVATE KEY", pkcs1));
        assertEquals(rsa, PemFiles.privateKey(p1));
        Path p8 = Files.writeString(tmp.resolve("rsa8.key"), TestPki.pem("PRIVATE KEY", rsa.getEncoded()));
        assertEquals(rsa, PemFiles.privateKey(p8));
        Path sec1 = Files.writeString(tmp.resolve("ec.key"), TestPki.pem("EC PRIVATE KEY", new byte[] {1, 2, 3}));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.security.GeneralSecurityException.class,
                () -> PemFiles.privateKey(sec1));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
    }
}
