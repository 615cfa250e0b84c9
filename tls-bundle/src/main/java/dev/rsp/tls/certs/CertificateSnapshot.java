package dev.rsp.tls.certs;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates in force at one moment, indexed for selection. Immutable; built by {@link CertificateStore} off the
 * network threads and read by them without locks.
 *
 * <p>Selection for a server name: the certificate with that exact name, else the one with the wildcard for its parent
 * ({@code *.example.com} for {@code a.example.com}, never for {@code a.b.example.com}), else the default certificate.
 * When several certificates claim one name, the one valid longest (latest not-after) wins, then the smaller base name.
 */
public final class CertificateSnapshot {

    private static final Comparator<ServedCertificate> PREFERRED = Comparator
            .comparing(ServedCertificate::notAfter, Comparator.reverseOrder())
            .thenComparing(ServedCertificate::baseName);

    public static final CertificateSnapshot EMPTY = new CertificateSnapshot(List.of(), Optional.empty());

    private final List<ServedCertificate> all;
    private final Map<String, ServedCertificate> exact = new HashMap<>();
    private final Map<String, ServedCertificate> wildcard = new HashMap<>();
    private final Map<X509Certificate, ServedCertificate> byLeaf = new HashMap<>();
    private final Optional<ServedCertificate> fallback;

    /**
     * @param fromFiles the certificates loaded from the directory; the one named {@code default}, if any, is the default
     * @param generated the default to use when the files have none
     */
    CertificateSnapshot(Collection<ServedCertificate> fromFiles, Optional<ServedCertificate> generated) {
        List<ServedCertificate> sorted = fromFiles.stream().sorted(PREFERRED).toList();
        for (ServedCertificate c : sorted) {
            for (String name : c.names()) {
                Optional<String> suffix = CertificateNames.wildcardSuffix(name);
                if (suffix.isPresent()) {
                    wildcard.putIfAbsent(suffix.get(), c);
                } else {
                    exact.putIfAbsent(name, c);
                }
            }
            byLeaf.put(c.leaf(), c);
        }
        Optional<ServedCertificate> fromFile = sorted.stream().filter(ServedCertificate::isDefault).findFirst();
        fallback = fromFile.or(() -> generated);
        generated.filter(g -> fromFile.isEmpty()).ifPresent(g -> byLeaf.put(g.leaf(), g));
        List<ServedCertificate> everything = new ArrayList<>(sorted);
        generated.filter(g -> fromFile.isEmpty()).ifPresent(everything::add);
        all = List.copyOf(everything);
    }

    /**
     * The certificate for a ClientHello's server name (as sent, canonicalized here as the core canonicalizes a host;
     * empty without SNI); the default for a name that is not a host name; empty when none can serve it.
     */
    public Optional<ServedCertificate> select(Optional<String> serverName) {
        Optional<String> host = serverName.flatMap(CertificateNames::canonicalHost);
        if (host.isPresent()) {
            ServedCertificate c = exact.get(host.get());
            if (c == null) {
                Optional<String> parent = CertificateNames.parentOf(host.get());
                c = parent.isPresent() ? wildcard.get(parent.get()) : null;
            }
            if (c != null) {
                return Optional.of(c);
            }
        }
        return fallback;
    }

    /** Whether {@code leaf}, a certificate this store served, or any other, covers the canonical {@code host}. */
    public boolean covers(X509Certificate leaf, String host) {
        Optional<String> canonical = CertificateNames.canonicalHost(host);
        if (canonical.isEmpty()) {
            return false;
        }
        String h = canonical.get();
        ServedCertificate c = byLeaf.get(leaf);
        if (c != null) {
            return c.covers(h);
        }
        // Served by an earlier snapshot: read its names (rare, so not worth an index).
        return CertificateLoader.names(leaf).stream().anyMatch(n -> CertificateNames.covers(n, h));
    }

    /** Every certificate in force, the generated default last. */
    public List<ServedCertificate> all() {
        return all;
    }

    public Optional<ServedCertificate> defaultCertificate() {
        return fallback;
    }
}
