package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS termination by a real {@code bin/rsp}: certificates chosen by SNI from a certs directory, requests answered by
 * the demo backends, checked with the JDK's TLS client, curl and {@code openssl s_client}; certificates replaced while a
 * connection stays open; a broken file keeps the old one; 421 for a host the certificate does not cover, 400 for plain
 * HTTP; both engines (BoringSSL, the default here, and the JDK's forced by {@code engine = jsse}), named in the log and
 * {@code /metrics}, and only the linux-x86_64 native library shipped.
 */
class TlsTerminateIT extends TlsFixture {

    @Test
    void terminatesWithTheCertificateItsServerNameSelectsAndReloadsCertificatesWithoutDroppingConnections() throws Exception {
        Identity first = Identity.make("alice.example.com");
        start(first);
        try (SSLSocket open = connect(first, "alice.example.com")) {
            assertEquals(first.certificate, open.getSession().getPeerCertificates()[0]);
            String answer = get(open, "alice.example.com", "/one");
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.contains("demo-"), answer);

            // A new certificate for the same name: new connections get it, the open one keeps working.
            Identity second = Identity.make("alice.example.com");
            write(second, "alice.example.com");
            Waits.until("the new certificate served", () -> {
                try (SSLSocket s = connect(second, "alice.example.com")) {
                    return second.certificate.equals(s.getSession().getPeerCertificates()[0]);
                } catch (IOException e) {
                    return false;
                }
            }, log);
            assertTrue(get(open, "alice.example.com", "/two").startsWith("HTTP/1.1 200 "));

            // A broken file is refused with a log line naming it; the last good certificate stays.
            long before = errorsNaming("alice.example.com.crt");
            RspHome.writeAtomically(certs.resolve("alice.example.com.crt"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
            Waits.until("an ERROR naming the broken file", () -> errorsNaming("alice.example.com.crt") > before, log);
            try (SSLSocket s = connect(second, "alice.example.com")) {
                assertEquals(second.certificate, s.getSession().getPeerCertificates()[0]);
                assertTrue(get(s, "alice.example.com", "/three").startsWith("HTTP/1.1 200 "));
            }
            // A Host the certificate does not cover: 421.
            assertTrue(get(open, "bob.example.com", "/").startsWith("HTTP/1.1 421 "));
        }
    }

    @Test
    void plainHttpToTheTlsPortGets400() throws Exception {
        start(Identity.make("alice.example.com"));
        try (Socket s = new Socket("127.0.0.1", tlsPort)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: alice.example.com\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400 ") && answer.contains("https"), answer);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jsse"})
    void curlAndOpensslTalkToItWithEitherEngine(String engine) throws Exception {
        Identity alice = Identity.make("alice.example.com");
        start(alice, "mode = terminate\nengine = " + engine);
        String expected = expectedEngine(engine);
        String line = "rsp.tls: TLS engine " + expected + " (";
        Waits.until("the INFO line naming the engine (" + line + ")", () -> readQuietly(log).contains(line), log);
        String gauge = "rsp_tls_engine{address=\"127.0.0.1:" + tlsPort + "\",engine=\"" + expected + "\"} 1";
        Waits.until("the engine in /metrics (" + gauge + ")", () -> metricsQuietly().contains(gauge), log);
        Path ca = tmp.resolve("alice-ca.pem");
        Files.writeString(ca, pem(alice.certificate));
        String curl = tool("curl");
        String body = run(List.of(curl, "-sS", "--max-time", "10", "--cacert", ca.toString(), "--resolve",
                "alice.example.com:" + tlsPort + ":127.0.0.1", "https://alice.example.com:" + tlsPort + "/curl"), "");
        assertTrue(body.contains("demo-"), body);
        String openssl = tool("openssl");
        String out = run(List.of(openssl, "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername", "alice.example.com",
                "-CAfile", ca.toString(), "-verify_return_error", "-ign_eof"), "GET /s HTTP/1.1\r\nHost: alice.example.com\r\nConnection: close\r\n\r\n");
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        assertTrue(out.contains("HTTP/1.1 200 "), out);
        assertTrue(out.contains("No ALPN negotiated"), "s_client offers none here: " + out);
        // curl offers h2 and http/1.1 and gets h2 (rsp's preference), or http/1.1 when it asks for that alone
        String version = run(List.of(curl, "-sS", "--http2", "-o", "/dev/null", "-w", "%{http_version}", "--max-time", "10",
                "--cacert", ca.toString(), "--resolve", "alice.example.com:" + tlsPort + ":127.0.0.1",
                "https://alice.example.com:" + tlsPort + "/v"), "");
        assertEquals("2", version.strip());
        String http11 = run(List.of(curl, "-sS", "--http1.1", "-o", "/dev/null", "-w", "%{http_version}", "--max-time", "10",
                "--cacert", ca.toString(), "--resolve", "alice.example.com:" + tlsPort + ":127.0.0.1",
                "https://alice.example.com:" + tlsPort + "/v"), "");
        assertEquals("1.1", http11.strip());
        String made = "rsp_events_total{event=\"tls.engine." + expected + "\"} ";
        assertTrue(metricsQuietly().contains(made), "engines made are counted: " + made);
    }

    @Test
    void onlyTheLinuxX64NativeLibraryIsShipped() throws IOException {
        try (var jars = Files.list(Path.of(System.getProperty("rsp.dist"), "bundle"))) {
            List<String> natives = jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("netty-tcnative-boringssl"))
                    .toList();
            assertEquals(List.of("netty-tcnative-boringssl-static-linux-x86_64.jar"), natives);
        }
    }
}
