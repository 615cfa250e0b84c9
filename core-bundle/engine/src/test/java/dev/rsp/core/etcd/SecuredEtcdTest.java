package dev.rsp.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.proxy.TestPki;
import dev.rsp.core.testing.RealEtcd;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rsp against a secured etcd (Debian's etcd-server 3.4, started by the test): https with a client certificate
 * (etcd's {@code --client-cert-auth}), and etcd's own authentication with a token that becomes invalid while rsp uses it (revoked, as an expired one).
 */
class SecuredEtcdTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void etcdInstalled() {
        RealEtcd.assumeInstalled();
    }

    private static EtcdSettings settings(Map<String, String> properties) {
        EtcdSettings.Parsed p = EtcdSettings.read(properties);
        return assertInstanceOf(EtcdSettings.Valid.class, p, p.toString()).settings();
    }

    @Test
    void httpsWithAClientCertificate() throws Exception {
        TestPki.Identity server = TestPki.selfSigned("localhost");
        TestPki.Identity client = TestPki.selfSigned("rsp-client");
        Path serverCert = tmp.resolve("server.pem");
        Path clientCert = tmp.resolve("client.pem");
        server.writePem(serverCert, tmp.resolve("server.key"));
        client.writePem(clientCert, tmp.resolve("client.key"));
        // etcd's own gateway dials etcd with the server certificate as its client certificate: trust both.
        Path trusted = Files.writeString(tmp.resolve("trusted.pem"), server.certificatePem() + client.certificatePem());
        Map<String, String> rsp = new HashMap<>(Map.of("tls.ca", serverCert.toString(), "tls.cert", clientCert.toString(),
                "tls.key", tmp.resolve("client.key").toString()));
        try (RealEtcd etcd = new RealEtcd(tmp).tls(serverCert, tmp.resolve("server.key"), trusted,
                settings(withEndpoint(rsp, "https://localhost:1")).access().sslContext()).start()) {
            etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
            EtcdSettings s = settings(withEndpoint(rsp, etcd.endpoint()));
            List<EtcdSnapshot> got = new CopyOnWriteArrayList<>();
            try (EtcdWatch watch = new EtcdWatch(s, new EtcdStats(), new Random(3), got::add)) {
                watch.start();
                EtcdWatchTest.await("the set over https", () -> !got.isEmpty());
                assertEquals(Map.of("backends/a", "10.0.0.1:80"), got.get(0).values());
                etcd.put("/rsp/default/backends/b", "10.0.0.2:80");
                EtcdWatchTest.await("a change through the watch", () -> got.get(got.size() - 1).values().size() == 2);
            }

            Map<String, String> noCertificate = new HashMap<>(Map.of("tls.ca", serverCert.toString()));
            EtcdClient anonymous = new EtcdClient(settings(withEndpoint(noCertificate, etcd.endpoint())));
            assertThrows(java.io.IOException.class, () -> anonymous.range(URI.create(etcd.endpoint())),
                    "etcd refuses a client without a certificate");
            EtcdClient untrusting = new EtcdClient(settings(withEndpoint(new HashMap<>(), etcd.endpoint())));
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> untrusting.range(URI.create(etcd.endpoint())));
            assertTrue(String.valueOf(e).contains("SSL") || String.valueOf(e.getCause()).contains("PKIX"),
                    "the JDK's trust store does not know etcd's certificate: " + e);
        }
    }

    @Test
    void authenticationWithATokenThatBecomesInvalid() throws Exception {
        try (RealEtcd etcd = new RealEtcd(tmp).start()) {
            etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
            etcd.enableAuth("rootpw", "rsp", "s3cret");
            Path password = Files.writeString(tmp.resolve("etcd-password"), "s3cret\n");
            EtcdClient client = new EtcdClient(settings(Map.of("endpoints", etcd.endpoint(), "username", "rsp",
                    "password.file", password.toString())));
            URI at = URI.create(etcd.endpoint());
            assertEquals(1, client.range(at).kvs().size());
            String first = client.token();
            etcd.revokeTokens();   // as a token that expired (--auth-token-ttl) or one another member never knew
            assertEquals(401, etcd.statusWithToken(first), "the token is no longer valid");
            assertEquals(1, client.range(at).kvs().size(), "refused once, authenticated again, read");
            assertNotEquals(first, client.token());

            Path wrong = Files.writeString(tmp.resolve("wrong"), "guess");
            EtcdClient guessing = new EtcdClient(settings(Map.of("endpoints", etcd.endpoint(), "username", "rsp",
                    "password.file", wrong.toString())));
            EtcdClient.Refused refused = assertThrows(EtcdClient.Refused.class, () -> guessing.range(at));
            assertTrue(refused.getMessage().startsWith("etcd refused user 'rsp' (HTTP 400)"), refused.getMessage());
            assertTrue(!refused.getMessage().contains("guess"), "the password is never in a message");

            EtcdClient nobody = new EtcdClient(settings(Map.of("endpoints", etcd.endpoint())));
            EtcdClient.Refused anonymous = assertThrows(EtcdClient.Refused.class, () -> nobody.range(at));
            assertTrue(anonymous.getMessage().endsWith("(etcd has authentication on: set username and password.file)"),
                    anonymous.getMessage());
        }
    }

    private static Map<String, String> withEndpoint(Map<String, String> properties, String endpoint) {
        Map<String, String> m = new HashMap<>(properties);
        m.put("endpoints", endpoint);
        return m;
    }
}
