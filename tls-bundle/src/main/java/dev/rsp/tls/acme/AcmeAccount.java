package dev.rsp.tls.acme;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * The ACME account rsp orders with: a {@link Session} on {@code directory.url} whose HTTPS trusts {@code truststore}
 * (when set) through its own {@link SSLContext} (never JVM-wide settings), and the account of the key in storage,
 * registered (or found again: RFC 8555 7.3.1) with the CA's terms of service agreed to. Runs on the component's order
 * threads: it talks to the CA.
 */
final class AcmeAccount {

    private AcmeAccount() {
    }

    /** Logs in (registering the account when the CA does not know its key yet). */
    static Login login(AcmeSettings settings, AcmeStorage storage) throws AcmeException, IOException {
        Session session = new Session(settings.directoryUrl(), new Provider(trust(settings.truststore().orElse(null))));
        session.networkSettings().setTimeout(settings.networkTimeout());
        AccountBuilder account = new AccountBuilder().agreeToTermsOfService()
                .useKeyPair(storage.accountKey(AcmeSettings.KeyType.EC_P256));
        settings.email().ifPresent(account::addEmail);
        return account.createLogin(session);
    }

    /** The TLS context for the CA's HTTPS: the JDK's default without a trust store file. */
    static SSLContext trust(Path truststore) throws IOException {
        try {
            if (truststore == null) {
                return SSLContext.getDefault();
            }
            List<byte[]> ders = AcmeKeys.certificates(Files.readString(truststore, StandardCharsets.US_ASCII));
            if (ders.isEmpty()) {
                throw new IOException("truststore " + truststore + " holds no BEGIN CERTIFICATE block");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < ders.size(); i++) {
                store.setCertificateEntry("ca" + i, factory.generateCertificate(new ByteArrayInputStream(ders.get(i))));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("truststore " + truststore + ": " + e.getMessage(), e);
        }
    }

    /** acme4j's generic provider with an HTTP client of rsp's TLS context. */
    private static final class Provider extends GenericAcmeProvider {
        private final SSLContext tls;

        Provider(SSLContext tls) {
            this.tls = tls;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout()).proxy(settings.getProxySelector()).sslContext(tls).build();
        }
    }
}
