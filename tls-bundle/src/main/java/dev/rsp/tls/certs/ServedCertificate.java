package dev.rsp.tls.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * One certificate the store serves, ready for handshakes: its chain, the names it covers and an {@link SSLContext}
 * built over it ahead of time. Immutable.
 *
 * @param baseName the file base name ({@code example.com} for {@code example.com.crt}); {@code default} for the
 *                 default certificate, also the generated one
 * @param source   where it came from, for log lines: the chain file, or a note that it was generated in memory
 * @param names    the canonical DNS names it covers, wildcards included ({@code *.example.com})
 * @param chain    leaf first
 * @param keyType  e.g. {@code EC 256} or {@code RSA 2048}
 * @param context  a TLS context whose only key is this certificate's
 * @param key      the private key, for the contexts of other engines (never printed: {@link #toString()} leaves it out)
 */
public record ServedCertificate(String baseName, String source, List<String> names, List<X509Certificate> chain,
        String keyType, SSLContext context, PrivateKey key) {

    /** The base name of the default certificate (served when SNI is absent or matches no name). */
    public static final String DEFAULT = "default";

    public ServedCertificate {
        names = List.copyOf(names);
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public boolean isDefault() {
        return baseName.equals(DEFAULT);
    }

    /** Whether one of {@link #names} covers the canonical host (exactly, or a wildcard one label in front). */
    public boolean covers(String canonicalHost) {
        for (String name : names) {
            if (CertificateNames.covers(name, canonicalHost)) {
                return true;
            }
        }
        return false;
    }

    static String keyType(PrivateKey key) {
        if (key instanceof RSAKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return "EC " + ec.getParams().getCurve().getField().getFieldSize();
        }
        return key.getAlgorithm();
    }

    @Override
    public String toString() {
        return "ServedCertificate[" + summary() + "]";
    }

    /** For log lines: {@code example.com.crt: [example.com, www.example.com] EC 256, not after 2026-01-01T00:00:00Z}. */
    public String summary() {
        return source + ": " + names + " " + keyType + ", not after " + notAfter();
    }
}
