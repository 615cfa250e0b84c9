package dev.rsp.spi.tls;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operator sees of one certificate a TLS front serves or manages (see {@link TlsFront#certificates}).
 *
 * @param names       the DNS names it covers (its subjectAltNames), wildcards included, canonical (lower case)
 * @param keyType     e.g. {@code EC 256} or {@code RSA 2048}
 * @param issuer      the issuer's distinguished name
 * @param notAfter    when it expires
 * @param source      where it comes from: {@code file}, {@code certbot}, {@code acme} or {@code generated}
 * @param file        the file it was read from, relative to the certificate directory where possible; empty when it
 *                    has none (generated in memory)
 * @param loaded      whether its key pair is in memory now (certificates are loaded when a handshake first needs them)
 * @param nextRenewal when rsp will next try to renew it; empty when rsp does not manage its renewal
 * @param lastError   the last problem with it (a load or renewal failure), short and free of secrets; empty when none
 * @since 0.6.0
 */
public record CertificateInfo(List<String> names, String keyType, String issuer, Instant notAfter, String source,
        Optional<String> file, boolean loaded, Optional<Instant> nextRenewal, Optional<String> lastError) {
    public CertificateInfo {
        names = List.copyOf(names);
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(nextRenewal, "nextRenewal");
        Objects.requireNonNull(lastError, "lastError");
    }
}
