package dev.rsp.tls.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.tls.certs.CertificateLoader;
import dev.rsp.tls.certs.CertificateManager;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * The TLS-ALPN-01 validation certificate as the TLS listener serves it: in a context made by the certificate loader,
 * with the listener's protocols, a handshake offering only {@code acme-tls/1} presents it and agrees on that protocol.
 */
class AlpnChallengeHandshakeTest {

    @Test
    void theValidationCertificateServesAnAcmeTls1Handshake() throws Exception {
        // As rsp's TLS front does before its first JSSE server handshake (JSSE reads it once, for the whole JVM).
        System.getProperties().putIfAbsent("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        CertificateManager.AlpnChallenge c = AlpnChallengeCert.create("alpn.test", "token.thumbprint", Instant.now());
        SSLContext server = CertificateLoader.context(c.key(), List.of(c.certificate()));
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
            SSLParameters sp = listener.getSSLParameters();
            sp.setApplicationProtocols(new String[] {"acme-tls/1"});
            sp.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            listener.setSSLParameters(sp);
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    return s.getApplicationProtocol();
                } catch (Exception e) {
                    return e.toString();
                }
            });
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName("alpn.test")));
                p.setApplicationProtocols(new String[] {"acme-tls/1"});
                s.setSSLParameters(p);
                s.startHandshake();
                assertEquals(c.certificate(), s.getSession().getPeerCertificates()[0]);
                assertEquals("acme-tls/1", s.getApplicationProtocol());
            }
            assertEquals("acme-tls/1", accepted.get(10, TimeUnit.SECONDS));
        }
    }
}
