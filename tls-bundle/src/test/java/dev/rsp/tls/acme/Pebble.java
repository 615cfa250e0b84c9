package dev.rsp.tls.acme;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.math.BigInteger;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * Pebble (Let's Encrypt's test CA) and pebble-challtestsrv as its DNS server (every name resolves to 127.0.0.1),
 * started for a test on free ports with a configuration written here. Pebble ships no certificates for its own
 * HTTPS: a CA and a localhost certificate are made here, and the CA is the client's {@link #truststore()}. Pebble
 * validates HTTP-01 on {@code httpPort} and TLS-ALPN-01 on {@code tlsPort}: the ports of {@link ChallengeServers}.
 * Without pebble installed the test is skipped, except under CI (env CI set), where it fails.
 */
final class Pebble implements AutoCloseable {

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final int port;
    private final Path truststore;

    /** Starts both; {@code env} adds to pebble's environment (e.g. PEBBLE_WFE_NONCEREJECT). */
    Pebble(Path dir, int httpPort, int tlsPort, Map<String, String> env) throws Exception {
        requireInstalled();
        this.dir = dir;
        int dns = freeUdpAndTcpPort();
        int challManagement = freeTcpPort();
        port = freeTcpPort();
        int management = freeTcpPort();
        KeyPair caKeys = AcmeKeys.generate(AcmeSettings.KeyType.EC_P256);
        X509Certificate ca = cert(caKeys, "CN=rsp test CA for pebble", caKeys, "CN=rsp test CA for pebble", true);
        KeyPair leafKeys = AcmeKeys.generate(AcmeSettings.KeyType.EC_P256);
        X509Certificate leaf = cert(leafKeys, "CN=localhost", caKeys, "CN=rsp test CA for pebble", false);
        truststore = Files.writeString(dir.resolve("pebble-ca.pem"), AcmeKeys.pem(ca));
        Files.writeString(dir.resolve("pebble-cert.pem"), AcmeKeys.pem(leaf) + AcmeKeys.pem(ca));
        Files.writeString(dir.resolve("pebble-key.pem"), AcmeKeys.pem("PRIVATE KEY", leafKeys.getPrivate().getEncoded()));
        Path config = Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(port, management, dir.resolve("pebble-cert.pem"), dir.resolve("pebble-key.pem"),
                httpPort, tlsPort));
        start(List.of(executable("pebble-challtestsrv"), "-dns01", "127.0.0.1:" + dns, "-http01", "", "-https01", "",
                "-tlsalpn01", "", "-management", "127.0.0.1:" + challManagement, "-defaultIPv4", "127.0.0.1",
                "-defaultIPv6", ""), Map.of(), "challtestsrv.log");
        Map<String, String> pebbleEnv = new java.util.HashMap<>(Map.of("PEBBLE_VA_NOSLEEP", "1",
                "PEBBLE_AUTHZREUSE", "0", "PEBBLE_WFE_NONCEREJECT", "0"));
        pebbleEnv.putAll(env);
        start(List.of(executable("pebble"), "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dns), pebbleEnv,
                "pebble.log");
        awaitDirectory();
    }

    URI directory() {
        return URI.create("https://localhost:" + port + "/dir");
    }

    Path truststore() {
        return truststore;
    }

    /** Pebble's output so far, for failure messages. */
    String log() {
        try {
            return Files.readString(dir.resolve("pebble.log"));
        } catch (IOException e) {
            return "(no pebble log: " + e + ")";
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void requireInstalled() {
        if (executable("pebble") != null && executable("pebble-challtestsrv") != null) {
            return;
        }
        String message = "pebble and pebble-challtestsrv are not installed (Debian: apt-get install pebble)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    private static String executable(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return Files.isExecutable(Path.of("/usr/bin", name)) ? "/usr/bin/" + name : null;
    }

    private void start(List<String> command, Map<String, String> env, String log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).directory(dir.toFile());
        pb.environment().putAll(env);
        processes.add(pb.start());
    }

    private void awaitDirectory() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(AcmeAccount.trust(truststore))
                .connectTimeout(Duration.ofSeconds(2)).build();
        String[] last = {"no answer yet"};
        dev.rsp.tls.Poll.until("pebble answering on " + directory(), Duration.ofSeconds(30), () -> {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("pebble or challtestsrv exited: " + log());
                }
            }
            try {
                return client.send(HttpRequest.newBuilder(directory()).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200;
            } catch (IOException e) {
                last[0] = e.toString();
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for pebble", e);
            }
        }, () -> last[0] + "\n" + log());
    }

    private static X509Certificate cert(KeyPair keys, String subject, KeyPair issuerKeys, String issuer, boolean ca)
            throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), new X500Name(subject), keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 20; i++) {
            int p = freeTcpPort();
            try (DatagramSocket u = new DatagramSocket(p, InetAddress.getByName("127.0.0.1"))) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }
}
