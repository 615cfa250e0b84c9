package dev.rsp.tls.audit;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds every chain from a leaf to the trust store that the served certificates allow, and ranks them.
 *
 * <p>A chain is leaf, issuer, issuer's issuer... up to a certificate that the trust store holds (same subject and
 * key); each link is checked by name and by verifying the signature with the issuer's key, and every certificate
 * above the leaf must be a CA (basicConstraints), except a trusted root. This is deliberately not the JDK's PKIX
 * validator: that one returns a single path and refuses MD5 signatures, RSA keys under 1024 bits and EC keys under
 * 224 bits (jdk.certpath.disabledAlgorithms), which are exactly what an audit must still show and flag. Not checked:
 * revocation, policies, name constraints, path length constraints.
 *
 * <p>Ranking, best first: (1) every certificate valid now; (2) the weakest signature hash below the root is
 * stronger (MD5 &lt; SHA-1 &lt; SHA-224 &lt; SHA-256 &lt; SHA-384 &lt; SHA-512/EdDSA); (3) the weakest key in the
 * chain is stronger (security bits: RSA 2048 = 112, RSA 3072 = EC 256 = 128, EC 384 = 192); (4) fewer
 * certificates; (5) the earliest expiry in the chain is later; (6) the order found (served certificates before
 * trust store ones, in file order).
 */
final class ChainBuilder {

    static final int MAX_DEPTH = 10;
    static final int MAX_CHAINS = 32;
    /** Bounds the search on files crafted to branch a lot. */
    static final int MAX_STEPS = 10_000;

    /** One chain, leaf first, ending with a trusted certificate. */
    record Chain(List<X509Certificate> certificates, boolean validNow) {
        int weakestSignature() {
            int min = Integer.MAX_VALUE;
            for (int i = 0; i < certificates.size() - 1; i++) {
                min = Math.min(min, CertificateFacts.hashStrength(certificates.get(i)));
            }
            return min;
        }

        int weakestKey() {
            return certificates.stream().mapToInt(c -> CertificateFacts.key(c).strength()).min().orElse(0);
        }

        Instant earliestExpiry() {
            return certificates.stream().map(c -> c.getNotAfter().toInstant()).min(Comparator.naturalOrder()).orElseThrow();
        }
    }

    static final Comparator<Chain> BEST_FIRST = Comparator.comparing((Chain c) -> !c.validNow())
            .thenComparing(Comparator.comparingInt(Chain::weakestSignature).reversed())
            .thenComparing(Comparator.comparingInt(Chain::weakestKey).reversed())
            .thenComparingInt(c -> c.certificates().size())
            .thenComparing(Comparator.comparing(Chain::earliestExpiry).reversed());

    private final TrustStore trust;
    private final Date now;
    private final List<X509Certificate> candidates;
    private final List<Chain> found = new ArrayList<>();
    private int steps;

    private ChainBuilder(List<X509Certificate> served, TrustStore trust, Instant now) {
        this.trust = trust;
        this.now = Date.from(now);
        Set<X509Certificate> all = new LinkedHashSet<>(served);
        all.addAll(trust.anchors());
        this.candidates = List.copyOf(all);
    }

    /** Every chain from {@code served.get(0)}, best first (at most {@link #MAX_CHAINS}). */
    static List<Chain> chains(List<X509Certificate> served, TrustStore trust, Instant now) {
        ChainBuilder b = new ChainBuilder(served, trust, now);
        List<X509Certificate> path = new ArrayList<>();
        path.add(served.get(0));
        b.extend(path);
        List<Chain> sorted = new ArrayList<>(b.found);
        sorted.sort(BEST_FIRST);
        return List.copyOf(sorted);
    }

    private void extend(List<X509Certificate> path) {
        if (found.size() >= MAX_CHAINS || ++steps > MAX_STEPS) {
            return;
        }
        X509Certificate last = path.get(path.size() - 1);
        if (trust.trusts(last)) {
            if (found.stream().noneMatch(c -> sameEntities(c.certificates(), path))) {
                found.add(new Chain(List.copyOf(path), path.stream().allMatch(this::validNow)));
            }
            return;
        }
        if (path.size() >= MAX_DEPTH) {
            return;
        }
        for (X509Certificate issuer : candidates) {
            boolean anchor = trust.trusts(issuer);
            if (!onPath(path, issuer) && (anchor || issuer.getBasicConstraints() >= 0)
                    && CertificateFacts.signedBy(last, issuer)) {
                path.add(issuer);
                extend(path);
                path.remove(path.size() - 1);
            }
        }
    }

    /** The same CAs in the same order: a served copy of a trusted root and the root itself count once. */
    private static boolean sameEntities(List<X509Certificate> a, List<X509Certificate> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i)) && !CertificateFacts.sameEntity(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean onPath(List<X509Certificate> path, X509Certificate cert) {
        for (X509Certificate c : path) {
            if (c.equals(cert) || CertificateFacts.sameEntity(c, cert)) {
                return true;
            }
        }
        return false;
    }

    private boolean validNow(X509Certificate c) {
        return !now.before(c.getNotBefore()) && !now.after(c.getNotAfter());
    }
}
