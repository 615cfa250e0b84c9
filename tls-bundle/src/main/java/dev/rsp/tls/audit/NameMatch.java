package dev.rsp.tls.audit;

import dev.rsp.tls.certs.CertificateNames;
import java.util.List;
import java.util.Optional;

/**
 * Whether DNS names from a certificate cover a domain (RFC 6125 6.4), compared as the TLS front selects certificates
 * ({@link CertificateNames}): canonical host names, and a wildcard only as the whole left-most label, standing for
 * exactly one label ({@code *.example.com} covers {@code www.example.com}, not {@code example.com} nor
 * {@code a.b.example.com}).
 */
final class NameMatch {

    private NameMatch() {
    }

    static boolean covers(List<String> dnsNames, String domain) {
        Optional<String> d = CertificateNames.canonicalHost(domain);
        return d.isPresent() && dnsNames.stream().map(CertificateNames::canonicalName).flatMap(Optional::stream)
                .anyMatch(n -> CertificateNames.covers(n, d.get()));
    }
}
