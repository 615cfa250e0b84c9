package dev.rsp.distribution;

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
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/rsp} with the TLS bundle from deploy/, for the {@code Tls*IT}: a fresh rsp home whose
 * {@code rsp.tls} serves a certs directory of self-signed test certificates ({@link Identity}), started, restarted
 * and stopped after each test (with any helper process); clients for it (the JDK's TLS client, curl and
 * {@code openssl s_client} run as processes with a deadline), the log, {@code /metrics}, and the engine to expect.
 */
abstract class TlsFixture {

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

    void start(Identity alice) throws Exception {
        start(alice, "mode = terminate");
    }

    void start(Identity alice, String tlsConfig) throws Exception {
        certs = Files.createDirectories(tmp.resolve("certs"));
        write(alice, "alice.example.com");
        startWith(tlsConfig);
    }

    /** A new rsp home whose rsp.tls adds {@code tlsConfig} and serves {@link #certs}, started. */
    void startWith(String tlsConfig) throws Exception {
        prepare(tlsConfig);
        launch();
    }

    /** {@link #startWith} without the start: the home is ready for more configuration, then {@link #launch}. */
    void prepare(String tlsConfig) throws Exception {
        if (certs == null) {
            certs = Files.createDirectories(tmp.resolve("certs"));
        }
        home = RspHome.copyTo(tmp.resolve("rsp"));
        tlsPort = home.tlsPort;
        adminPort = home.adminPort;
        Path cfg = home.etc().resolve("rsp.tls.cfg");
        Files.writeString(cfg, Files.readString(cfg) + "\n" + tlsConfig + "\ncerts.dir = " + certs
                + "\ncerts.poll.ms = 200\nselfsigned.default = false\n");
        log = tmp.resolve("rsp.log");
    }

    /**
     * A new rsp home whose rsp.tls adds {@code tlsConfig} and serves {@link #certs}, run until it exits (a start that
     * must fail); returns its exit code. The log is {@link #log}.
     */
    int exitOfStartWith(String tlsConfig) throws Exception {
        home = RspHome.copyTo(tmp.resolve("rsp"));
        Path cfg = home.etc().resolve("rsp.tls.cfg");
        Files.writeString(cfg, Files.readString(cfg) + "\n" + tlsConfig + "\ncerts.dir = " + certs + "\n");
        log = tmp.resolve("rsp.log");
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(rsp.waitFor(60, TimeUnit.SECONDS), "rsp exits");
        return rsp.exitValue();
    }

    /** Stops rsp and starts it again on the same home (a restart); the log goes on in the same file. */
    void restart() throws Exception {
        rsp.destroy();
        assertTrue(rsp.waitFor(20, TimeUnit.SECONDS), "rsp stops");
        launch();
    }

    /**
     * Starts bin/rsp and waits until it routes: its TLS listener accepts and host-hash has its backends (a listener
     * opens before the routing is in place, and a passthrough connection routed to nothing is closed).
     */
    void launch() throws Exception {
        int routed = Waits.count(log, ROUTED);
        int published = Waits.count(log, PUBLISHED);
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Waits.until("the TLS listener, and host-hash with the backends", () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", tlsPort), 200);
            } catch (IOException e) {
                return false;
            }
            return Waits.count(log, ROUTED) > routed && Waits.count(log, PUBLISHED) > published;
        }, log);
    }

    /** Logged when host-hash is in the routing table, and when the file's backends are published. */
    private static final String ROUTED = "routing strategy host-hash added";
    private static final String PUBLISHED = "rsp.backends: ";

    /**
     * The engine the distribution runs: BoringSSL where its native library loads (the shipped one is for
     * linux-x86_64), else the JDK's; {@code engine = jsse} forces the JDK's.
     */
    static String expectedEngine(String engine) {
        boolean linuxX64 = System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
        return engine.equals("jsse") || !linuxX64 ? "jsse" : "boringssl";
    }

    // ---------------------------------------------------------------- helpers

    long errorsNaming(String file) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains("ERROR") && l.contains(file)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    String metricsQuietly() {
        try {
            return RawHttp.get(adminPort, "127.0.0.1", "/metrics");
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The count of {@code event} in /metrics ({@code rsp_events_total}), -1 while it is not there. */
    long eventCount(String event) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rsp_events_total\\{event=\"" + java.util.regex.Pattern.quote(event)
                + "\"\\} (\\d+)").matcher(metricsQuietly());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    void write(Identity id, String base) throws IOException {
        // The key first, then the certificate: each file appears whole (renamed into place).
        RspHome.writeAtomically(certs.resolve(base + ".key"), pem(new JcaPKCS8Generator(id.keys.getPrivate(), null)));
        RspHome.writeAtomically(certs.resolve(base + ".crt"), pem(id.certificate));
    }

    SSLSocket connect(Identity trusted, String sni) throws IOException {
        return connect(trusted, sni, tlsPort);
    }

    SSLSocket connect(Identity trusted, String sni, int port) throws IOException {
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
    static String get(SSLSocket s, String host, String path) throws IOException {
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

    String run(List<String> cmd, String stdin) throws Exception {
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

    /** A self-signed EC P-256 certificate and its key (fields, not a record, so the tests read them as before). */
    static final class Identity {
        final X509Certificate certificate;
        final KeyPair keys;

        private Identity(X509Certificate certificate, KeyPair keys) {
            this.certificate = certificate;
            this.keys = keys;
        }

        static Identity of(X509Certificate certificate, KeyPair keys) {
            return new Identity(certificate, keys);
        }

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
