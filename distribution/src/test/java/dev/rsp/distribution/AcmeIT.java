package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * ACME end to end: a real {@code bin/rsp} gets certificates from Debian's pebble, which validates every challenge
 * against rsp's own listeners (HTTP-01 on the HTTP listener, TLS-ALPN-01 on the TLS listener), with nonces it rejects
 * at random; then serves them. On-demand issuance for an allowed name makes its first handshake wait for the new
 * certificate; a name that is not allowed gets the default certificate and no order.
 */
class AcmeIT extends TlsFixture {

    PebbleCa pebble;

    /** rsp with rsp.acme pointing at a fresh pebble, {@code acme} added to its rsp.acme.cfg, started. */
    void startWithAcme(String acme) throws Exception {
        certs = java.nio.file.Files.createDirectories(tmp.resolve("certs"));
        write(Identity.make("default.example"), "default");
        prepare("mode = terminate");
        pebble = PebbleCa.start(tmp.resolve("pebble"), home.httpPort, home.tlsPort,
                Map.of("PEBBLE_WFE_NONCEREJECT", "20"), helpers);
        Files.writeString(home.etc().resolve("rsp.acme.cfg"), "directory.url = " + pebble.directoryUrl
                + "\ntruststore = " + pebble.trustStore + "\nemail = ops@example.org\n" + acme + "\n");
        launch();
    }

    /** The certificate rsp presents for {@code sni}, trusting anything (pebble's roots are made at its start). */
    X509Certificate served(String sni) throws Exception {
        SSLContext any = TrustingAnything.context();
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", tlsPort), 2000);
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket(raw, "127.0.0.1", tlsPort, true)) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            s.setSSLParameters(p);
            s.setSoTimeout(30_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    boolean servedByPebble(String sni) {
        try {
            return served(sni).getIssuerX500Principal().getName().contains("Pebble");
        } catch (Exception e) {
            return false;
        }
    }

    String certificatesApi(String name) throws IOException {
        return RawHttp.get(adminPort, "127.0.0.1", "/api/certificates?name=" + name);
    }

    @Test
    void issuesOverHttp01ThroughRspsOwnListenerAndServesTheCertificate() throws Exception {
        startWithAcme("names = shop.test, www.shop.test\nchallenges = http-01");
        Waits.until("certificates from pebble served for shop.test and www.shop.test",
                () -> servedByPebble("shop.test") && servedByPebble("www.shop.test"), log);
        assertTrue(eventCount("acme.http01.answered") >= 2, "pebble fetched both tokens from rsp's HTTP listener");
        assertEquals(2, eventCount("acme.issued"), "one certificate per configured name");
        String api = certificatesApi("shop.test");
        assertTrue(api.contains("\"source\":\"acme\"") && api.contains("\"next_renewal\":\"20"), api);
        Path stored = home.dir.resolve("etc/certs/acme");
        try (var files = Files.list(stored)) {
            Path pem = files.filter(f -> f.getFileName().toString().endsWith(".pem")).findFirst().orElseThrow();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pem)));
        }
        // A restart serves the stored certificate at once and orders nothing new.
        restart();
        assertTrue(servedByPebble("shop.test"), readQuietly(log));
        // the ACME component comes up on its own after the TLS listener: its counters appear with it
        Waits.until("the ACME client's counters after the restart", () -> eventCount("acme.issued") >= 0, log);
        assertEquals(0, eventCount("acme.issued"));
    }

    @Test
    void issuesOverTlsAlpn01OnTheTlsListener() throws Exception {
        startWithAcme("names = alpn.test\nchallenges = tls-alpn-01");
        Waits.until("a certificate from pebble served for alpn.test", () -> servedByPebble("alpn.test"), log);
        assertTrue(eventCount("tls.acme.validation") >= 1, "pebble validated on rsp's TLS listener");
        assertEquals(0, eventCount("acme.http01.answered") > 0 ? 1 : 0);
    }

    @Test
    void onDemandIssuesForAllowedNamesWhileTheFirstHandshakeWaitsAndRefusesOthers() throws Exception {
        Path allow = Files.writeString(tmp.resolve("allowed.txt"), "# customers\n*.platform.test\n");
        startWithAcme("ondemand = true\nondemand.allow.file = " + allow + "\nchallenges = http-01");
        // The first handshake for a new allowed name waits for issuance and gets the new certificate.
        X509Certificate first = served("new.platform.test");
        assertTrue(first.getIssuerX500Principal().getName().contains("Pebble"), first.getIssuerX500Principal().getName());
        assertTrue(eventCount("tls.certificate.waited") >= 1);
        assertEquals(1, eventCount("acme.ondemand.allowed"));
        // A name that is not allowed: the default certificate, no order.
        X509Certificate other = served("random.elsewhere.test");
        assertEquals("CN=default.example", other.getSubjectX500Principal().getName());
        assertEquals(1, eventCount("acme.issued"));
        assertTrue(eventCount("acme.ondemand.refused") >= 1 || eventCount("acme.ondemand.refused.not_allowed") >= 1,
                metricsQuietly());
    }
}
