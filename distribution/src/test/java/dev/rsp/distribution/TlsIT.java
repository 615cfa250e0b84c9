package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS termination by a real {@code bin/rsp} with the TLS bundle from deploy/: certificates chosen by SNI from a
 * certs directory, requests answered by the demo backends, checked with the JDK's TLS client, curl and
 * {@code openssl s_client}; certificates replaced while a connection stays open; a broken file keeps the old one;
 * both engines (BoringSSL, the default here, and the JDK's forced by {@code engine = jsse}) and their ALPN answers
 * (h2 first, then http/1.1; HTTP/2 itself is {@link Http2IT}'s).
 */
class TlsIT {

    @TempDir
    Path tmp;
    Process rsp;
    Path log;
    Path certs;
    int tlsPort;
    int adminPort;
    RspHome home;
    final List<Process> helpers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : helpers) {
            p.destroyForcibly();
        }
        if (rsp != null) {
            rsp.destroy();
            if (!rsp.waitFor(10, TimeUnit.SECONDS)) {
                rsp.destroyForcibly();
            }
        }
    }

    private void start(Identity alice) throws Exception {
        start(alice, "mode = terminate");
    }

    private void start(Identity alice, String tlsConfig) throws Exception {
        certs = Files.createDirectories(tmp.resolve("certs"));
        write(alice, "alice.example.com");
        startWith(tlsConfig);
    }

    /** A new rsp home whose rsp.tls adds {@code tlsConfig} and serves {@link #certs}, started. */
    private void startWith(String tlsConfig) throws Exception {
        home = RspHome.copyTo(tmp.resolve("rsp"));
        tlsPort = home.tlsPort;
        adminPort = home.adminPort;
        Path cfg = home.etc().resolve("rsp.tls.cfg");
        Files.writeString(cfg, Files.readString(cfg) + "\n" + tlsConfig + "\ncerts.dir = " + certs
                + "\ncerts.poll.ms = 200\nselfsigned.default = false\n");
        log = tmp.resolve("rsp.log");
        launch();
    }

    /** Stops rsp and starts it again on the same home (a restart); the log goes on in the same file. */
    private void restart() throws Exception {
        rsp.destroy();
        assertTrue(rsp.waitFor(20, TimeUnit.SECONDS), "rsp stops");
        launch();
    }

    private void launch() throws Exception {
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Waits.until("the TLS listener", () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", tlsPort), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }, log);
    }

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

    /**
     * The engine the distribution runs: BoringSSL where its native library loads (the shipped one is for
     * linux-x86_64), else the JDK's; {@code engine = jsse} forces the JDK's.
     */
    static String expectedEngine(String engine) {
        boolean linuxX64 = System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
        return engine.equals("jsse") || !linuxX64 ? "jsse" : "boringssl";
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

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jsse"})
    void alpnAnswersH2FirstAndAClientWithoutACommonProtocolSeesWhatEachEngineDoes(String engine) throws Exception {
        Identity alice = Identity.make("alice.example.com");
        start(alice, "mode = terminate\nengine = " + engine);
        Path ca = tmp.resolve("alice-ca.pem");
        Files.writeString(ca, pem(alice.certificate));
        String both = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "http/1.1,h2"), "");
        assertTrue(both.contains("ALPN protocol: h2"), "rsp's preference among the client's: " + both);
        String h2Only = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "h2"), "");
        assertTrue(h2Only.contains("ALPN protocol: h2"), "an h2-only client is served: " + h2Only);
        String out = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "spdy/3.1"), "");
        if (expectedEngine(engine).equals("boringssl")) {
            assertTrue(out.contains("No ALPN negotiated") && out.contains("Verify return code: 0 (ok)"),
                    "BoringSSL completes the handshake without ALPN: " + out);
        } else {
            assertTrue(out.toLowerCase().contains("no application protocol"), "the JDK's engine sends the alert: " + out);
        }
    }

    @Test
    void aConfiguredProtocolRspDoesNotSpeakIsNegotiatedThenClosedAndCounted() throws Exception {
        Identity alice = Identity.make("alice.example.com");
        start(alice, "mode = terminate\nalpn = spdy/3.1, h2, http/1.1");
        Path ca = tmp.resolve("alice-ca.pem");
        Files.writeString(ca, pem(alice.certificate));
        Waits.until("the warning about spdy/3.1", () -> readQuietly(log).contains("rsp does not speak 'spdy/3.1'"), log);
        assertFalse(readQuietly(log).contains("rsp does not speak 'h2'"), "h2 is spoken");
        String out = run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername",
                "alice.example.com", "-CAfile", ca.toString(), "-alpn", "http/1.1,spdy/3.1"), "");
        assertTrue(out.contains("ALPN protocol: spdy/3.1"), "rsp's preference among the client's: " + out);
        String closed = "rsp_events_total{event=\"tls.alpn.unspoken\"} 1";
        Waits.until("the connection closed and counted (" + closed + ")", () -> metricsQuietly().contains(closed), log);
        String version = run(List.of(tool("curl"), "-sS", "--http2", "-o", "/dev/null", "-w", "%{http_version}", "--max-time", "10",
                "--cacert", ca.toString(), "--resolve", "alice.example.com:" + tlsPort + ":127.0.0.1",
                "https://alice.example.com:" + tlsPort + "/one"), "");
        assertEquals("2", version.strip(), "an h2 client is served");
        String body = run(List.of(tool("curl"), "-sS", "--http1.1", "--max-time", "10", "--cacert", ca.toString(), "--resolve",
                "alice.example.com:" + tlsPort + ":127.0.0.1", "https://alice.example.com:" + tlsPort + "/one"), "");
        assertTrue(body.contains("demo-"), "an http/1.1 client is served: " + body);
    }

    @Test
    void onlyTheLinuxX64NativeLibraryIsShipped() throws IOException {
        try (var jars = Files.list(Path.of(System.getProperty("rsp.dist"), "bundle"))) {
            List<String> natives = jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("netty-tcnative-boringssl"))
                    .toList();
            assertEquals(List.of("netty-tcnative-boringssl-static-linux-x86_64.jar"), natives);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "jsse"})
    void clientInitiatedRenegotiationIsRefusedAndOthersAreStillServed(String engine) throws Exception {
        Identity alice = Identity.make("alice.example.com");
        start(alice, "mode = terminate\nengine = " + engine);
        Path ca = tmp.resolve("alice-ca.pem");
        Files.writeString(ca, pem(alice.certificate));
        Path out = tmp.resolve("renegotiation.out");
        // Without -ign_eof (and -quiet) s_client takes commands from stdin: a line "R" renegotiates (TLS 1.2 and older).
        Process client = new ProcessBuilder(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-tls1_2",
                "-servername", "alice.example.com", "-CAfile", ca.toString(), "-verify_return_error")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream stdin = client.getOutputStream()) {
            stdin.write("GET /before HTTP/1.1\r\nHost: alice.example.com\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            stdin.flush();
            Waits.until("the answer before renegotiating", () -> readQuietly(out).contains("HTTP/1.1 200 "), out);
            stdin.write("R\n".getBytes(StandardCharsets.ISO_8859_1));
            stdin.flush();
            // stdin stays open, so s_client ends only when rsp closes the connection.
            Waits.until("s_client ended by rsp", () -> !client.isAlive(), out);
        } finally {
            client.destroyForcibly();
        }
        String transcript = readQuietly(out);
        int renegotiating = transcript.indexOf("RENEGOTIATING");
        assertTrue(renegotiating >= 0, transcript);
        String after = transcript.substring(renegotiating);
        assertFalse(after.contains("verify return:"), "no second handshake was completed: " + after);
        assertTrue(after.contains("closed") || after.contains("alert"), after);
        String refused = "rsp_events_total{event=\"tls.renegotiation.refused\"} 1";
        Waits.until("the refusal counted (" + refused + ")", () -> metricsQuietly().contains(refused), out);

        // rsp still serves others, keep-alive included.
        try (SSLSocket s = connect(alice, "alice.example.com")) {
            assertTrue(get(s, "alice.example.com", "/after").startsWith("HTTP/1.1 200 "));
            assertTrue(get(s, "alice.example.com", "/again").startsWith("HTTP/1.1 200 "));
        }
    }

    @Test
    void passthroughRelaysTheBackendsOwnTlsByServerNameEvenWhenTheHelloComesOneByteAtATime() throws Exception {
        Identity backendId = Identity.make("bob.example.com");
        try (javax.net.ssl.SSLServerSocket backend = (javax.net.ssl.SSLServerSocket) backendId.serverContext()
                .getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> TlsEchoBackend.serve(backend), "tls-backend");
            serving.setDaemon(true);
            serving.start();
            // Every backend (the demo's, all on 127.0.0.1) takes TLS on the test server's port.
            start(Identity.make("alice.example.com"), "mode = passthrough\npassthrough.backend.port = " + backend.getLocalPort());
            Path ca = tmp.resolve("bob-ca.pem");
            Files.writeString(ca, pem(backendId.certificate));
            String body = run(List.of(tool("curl"), "-sS", "--max-time", "10", "--cacert", ca.toString(), "--resolve",
                    "bob.example.com:" + tlsPort + ":127.0.0.1", "https://bob.example.com:" + tlsPort + "/through"), "");
            assertEquals("tls-backend /through", body);
            try (OneByteRelay relay = new OneByteRelay(new InetSocketAddress("127.0.0.1", tlsPort), 4096);
                 SSLSocket s = connect(backendId, "bob.example.com", relay.address().getPort())) {
                assertEquals(backendId.certificate, s.getSession().getPeerCertificates()[0], "the backend's own certificate");
                assertTrue(get(s, "bob.example.com", "/slow").endsWith("tls-backend /slow"));
            }
            // Garbage gets closed, nothing reaches the backend.
            try (Socket g = new Socket("127.0.0.1", tlsPort)) {
                g.setSoTimeout(10_000);
                g.getOutputStream().write(new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});
                assertEquals(-1, g.getInputStream().read());
            }
        }
    }

    // ---------------------------------------------------------------- resumption

    @Test
    void sessionsResumeAcrossARestartWithTheTicketKeyFileAndSurviveARotation() throws Exception {
        Assumptions.assumeTrue(expectedEngine("auto").equals("boringssl"), "BoringSSL does not load here");
        Identity alice = Identity.make("alice.example.com");
        Path keys = tmp.resolve("tickets.keys");
        String first = ticketKey();
        RspHome.writeAtomically(keys, first + "\n");
        start(alice, "mode = terminate\nengine = native\ntickets.keys.file = " + keys);
        Path ca = trust(alice);
        Path session = tmp.resolve("session.pem");
        assertHandshake("New, TLSv1.3", ca, "-sess_out", session.toString());
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        awaitCount("tls.handshake.full", 1);
        awaitCount("tls.handshake.resumed", 1);

        restart();
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        awaitCount("tls.handshake.resumed", 1);
        awaitCount("tls.handshake.full", 0);

        // Rotation: a new key encrypts, the previous one still decrypts; once dropped, its tickets get a full handshake.
        RspHome.writeAtomically(keys, ticketKey() + "\n" + first + "\n");
        Waits.until("the rotated file read", () -> readQuietly(log).contains("2 keys (digest"), log);
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        RspHome.writeAtomically(keys, ticketKey() + "\n");
        Waits.until("the old key dropped", () -> readQuietly(log).contains("1 key (digest") 
                && readQuietly(log).contains("replacing 2 keys"), log);
        assertHandshake("New, TLSv1.3", ca, "-sess_in", session.toString());

        // A broken file keeps the keys in force.
        RspHome.writeAtomically(keys, "not base64 !\n");
        Waits.until("an ERROR naming the key file", () -> readQuietly(log).contains("tickets.keys.file: " + keys + " line 1"), log);
        Path again = tmp.resolve("again.pem");
        assertHandshake("New, TLSv1.3", ca, "-sess_out", again.toString());
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", again.toString());
    }

    @Test
    void theJdkEngineResumesWithinOneProcessOnlyAndSaysSo() throws Exception {
        Identity alice = Identity.make("alice.example.com");
        Path keys = tmp.resolve("tickets.keys");
        RspHome.writeAtomically(keys, ticketKey() + "\n");
        start(alice, "mode = terminate\nengine = jsse\ntickets.keys.file = " + keys);
        Waits.until("the WARN about the key file", () -> readQuietly(log).contains("cannot take ticket keys"), log);
        Path ca = trust(alice);
        Path session = tmp.resolve("session.pem");
        Path session12 = tmp.resolve("session12.pem");
        assertHandshake("New, TLSv1.3", ca, "-sess_out", session.toString());
        assertHandshake("Reused, TLSv1.3", ca, "-sess_in", session.toString());
        // TLS 1.2 without tickets: the session cache (resumption by session id)
        assertHandshake("New, TLSv1.2", ca, "-tls1_2", "-no_ticket", "-sess_out", session12.toString());
        assertHandshake("Reused, TLSv1.2", ca, "-tls1_2", "-no_ticket", "-sess_in", session12.toString());
        awaitCount("tls.handshake.full", 2);
        awaitCount("tls.handshake.resumed", 2);
        restart();
        assertHandshake("New, TLSv1.3", ca, "-sess_in", session.toString());
    }

    @Test
    void aWrongSessionSettingFailsTheStart() throws Exception {
        Identity alice = Identity.make("alice.example.com");
        certs = Files.createDirectories(tmp.resolve("certs"));
        write(alice, "alice.example.com");
        Path keys = tmp.resolve("short.keys");
        Files.writeString(keys, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        home = RspHome.copyTo(tmp.resolve("rsp"));
        Path cfg = home.etc().resolve("rsp.tls.cfg");
        Files.writeString(cfg, Files.readString(cfg) + "\ncerts.dir = " + certs + "\ntickets.keys.file = " + keys
                + "\nsession.timeout.ms = 0\n");
        log = tmp.resolve("rsp.log");
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(rsp.waitFor(60, TimeUnit.SECONDS), "rsp exits");
        assertEquals(1, rsp.exitValue());
        String out = readQuietly(log);
        assertTrue(out.contains("session.timeout.ms = '0'"), out);
    }

    // ---------------------------------------------------------------- OCSP stapling

    @Test
    void theNativeEngineStaplesTheResponderAnswerAndServesWithoutAStapleWhenThereIsNone() throws Exception {
        Assumptions.assumeTrue(expectedEngine("auto").equals("boringssl"), "BoringSSL does not load here");
        String openssl = tool("openssl");
        Path pki = Files.createDirectories(tmp.resolve("pki"));
        run(List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "3", "-subj", "/CN=rsp test CA", "-addext", "basicConstraints=critical,CA:true",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", pki.resolve("ca.key").toString(),
                "-out", pki.resolve("ca.crt").toString()), "");
        // The responder knows serial 1001 (alice) as valid; it reads its index at start.
        Files.writeString(pki.resolve("index.txt"), "V\t491231235959Z\t\t1001\tunknown\t/CN=alice.example.com\n");
        Path responderOut = pki.resolve("ocsp.out");
        Process responder = new ProcessBuilder(openssl, "ocsp", "-index", pki.resolve("index.txt").toString(), "-port", "0",
                "-rsigner", pki.resolve("ca.crt").toString(), "-rkey", pki.resolve("ca.key").toString(),
                "-CA", pki.resolve("ca.crt").toString(), "-nmin", "10").redirectErrorStream(true)
                .redirectOutput(responderOut.toFile()).start();
        helpers.add(responder);
        Waits.until("the OCSP responder's port", () -> readQuietly(responderOut).matches("(?s).*ACCEPT \\S*:\\d+.*"), responderOut);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ACCEPT \\S*:(\\d+)").matcher(readQuietly(responderOut));
        assertTrue(m.find());
        int port = Integer.parseInt(m.group(1));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        certs = Files.createDirectories(tmp.resolve("certs"));
        issue(openssl, pki, "alice.example.com", "1001", "http://127.0.0.1:" + port + "/");
        issue(openssl, pki, "bob.example.com", "1002", "http://127.0.0.1:" + closed + "/");
        startWith("mode = terminate\nengine = native");

        Waits.until("alice's handshake with a stapled good response", () -> {
            String out = statusOf("alice.example.com", pki.resolve("ca.crt"));
            return out.contains("OCSP Response Status: successful") && out.contains("Cert Status: good");
        }, log);
        Waits.until("the WARN about bob's responder", () -> readQuietly(log).contains("OCSP: bob.example.com.crt"), log);
        String bob = statusOf("bob.example.com", pki.resolve("ca.crt"));
        assertTrue(bob.contains("OCSP response: no response sent"), bob);
        assertTrue(bob.contains("Verify return code: 0 (ok)"), "served all the same: " + bob);
        String warn = readQuietly(log).lines().filter(l -> l.contains("OCSP: bob.example.com.crt")).findFirst().orElse("");
        assertTrue(warn.contains("WARN") && warn.contains("served without a staple"), warn);
    }

    /** An EC leaf for {@code name} issued by the test CA with serial {@code serialHex} and an OCSP responder URL. */
    private void issue(String openssl, Path pki, String name, String serialHex, String responder) throws Exception {
        Path key = certs.resolve(name + ".key");
        Path csr = pki.resolve(name + ".csr");
        Path ext = pki.resolve(name + ".ext");
        Path leaf = pki.resolve(name + ".leaf");
        run(List.of(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                "/CN=" + name, "-keyout", key.toString(), "-out", csr.toString()), "");
        Files.writeString(ext, "subjectAltName=DNS:" + name + "\nauthorityInfoAccess=OCSP;URI:" + responder + "\n");
        run(List.of(openssl, "x509", "-req", "-in", csr.toString(), "-CA", pki.resolve("ca.crt").toString(), "-CAkey",
                pki.resolve("ca.key").toString(), "-set_serial", "0x" + serialHex, "-days", "2", "-extfile", ext.toString(),
                "-out", leaf.toString()), "");
        RspHome.writeAtomically(certs.resolve(name + ".crt"), Files.readString(leaf) + Files.readString(pki.resolve("ca.crt")));
    }

    private String statusOf(String name, Path ca) {
        try {
            return run(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort, "-servername", name,
                    "-CAfile", ca.toString(), "-status"), "");
        } catch (Exception e) {
            return e.toString();
        }
    }

    private Path trust(Identity id) throws IOException {
        Path ca = tmp.resolve("trust-" + System.nanoTime() + ".pem");
        Files.writeString(ca, pem(id.certificate));
        return ca;
    }

    /** One handshake and request by openssl s_client (with {@code more} options); asserts its "New"/"Reused" line. */
    private void assertHandshake(String expected, Path ca, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tool("openssl"), "s_client", "-connect", "127.0.0.1:" + tlsPort,
                "-servername", "alice.example.com", "-CAfile", ca.toString(), "-verify_return_error", "-ign_eof"));
        cmd.addAll(List.of(more));
        // a request, so that BoringSSL sends its tickets (after the client's first data) before the answer
        String out = run(cmd, "GET /r HTTP/1.1\r\nHost: alice.example.com\r\nConnection: close\r\n\r\n");
        assertTrue(out.contains(expected + ", Cipher is"), "expected " + expected + ": " + out);
        assertTrue(out.contains("HTTP/1.1 200 "), out);
    }

    private void awaitCount(String event, long n) {
        String line = "rsp_events_total{event=\"" + event + "\"} " + n + "\n";
        Waits.until(line.strip(), () -> metricsQuietly().contains(line), log);
    }

    /** A session ticket key as tickets.keys.file takes it: 48 random bytes in base64. */
    private static String ticketKey() {
        byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    // ---------------------------------------------------------------- helpers

    private long errorsNaming(String file) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains("ERROR") && l.contains(file)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private String metricsQuietly() {
        try {
            return RawHttp.get(adminPort, "127.0.0.1", "/metrics");
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void write(Identity id, String base) throws IOException {
        // The key first, then the certificate: each file appears whole (renamed into place).
        RspHome.writeAtomically(certs.resolve(base + ".key"), pem(new JcaPKCS8Generator(id.keys.getPrivate(), null)));
        RspHome.writeAtomically(certs.resolve(base + ".crt"), pem(id.certificate));
    }

    private SSLSocket connect(Identity trusted, String sni) throws IOException {
        return connect(trusted, sni, tlsPort);
    }

    private SSLSocket connect(Identity trusted, String sni, int port) throws IOException {
        try {
            Socket raw = new Socket();
            raw.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            SSLSocket s = (SSLSocket) trusted.clientContext().getSocketFactory().createSocket(raw, "127.0.0.1", port, true);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            s.setSSLParameters(p);
            s.setSoTimeout(10_000);
            s.startHandshake();
            return s;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** One keep-alive request; returns the status line, headers and body (Content-Length framed). */
    private static String get(SSLSocket s, String host, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static String tool(String name) {
        return tool(name, name);
    }

    /** The path of a command-line tool; in CI (env CI set) a missing one fails the test, elsewhere it skips it. */
    static String tool(String name, String debianPackage) {
        for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/bin"}) {
            if (new File(dir, name).canExecute()) {
                return dir + "/" + name;
            }
        }
        String message = name + " is not installed (apt-get install " + debianPackage + "; .ci/run does)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return "";
    }

    private String run(List<String> cmd, String stdin) throws Exception {
        Path out = Files.createTempFile(tmp, "tool", ".out");
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("did not finish: " + cmd);
        }
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    /** A self-signed EC P-256 certificate and its key. */
    record Identity(X509Certificate certificate, KeyPair keys) {

        static Identity make(String name) throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(System.nanoTime()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, kp.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new Identity(cert, kp);
        }

        SSLContext serverContext() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", keys.getPrivate(), "x".toCharArray(), new X509Certificate[] {certificate});
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "x".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        }

        SSLContext clientContext() throws Exception {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("trusted", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        }
    }
}
