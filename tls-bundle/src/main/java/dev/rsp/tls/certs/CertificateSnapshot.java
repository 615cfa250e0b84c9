package dev.rsp.tls.certs;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The index in force at one moment: name to certificates, for selection. Immutable; built by {@link CertificateStore}
 * off the network threads and read by them without locks. Nothing here loads a key: an entry may be cold
 * ({@link IndexedCertificate#served()} null) until a handshake asks for it.
 *
 * <p>Selection for a server name: the certificates with that exact name, else those with the wildcard for its parent
 * ({@code *.example.com} for {@code a.example.com}, never for {@code a.b.example.com}), else the default. Among the
 * certificates of one name, one per key type: the one valid longest (latest not-after), then the smaller id. Between
 * the key types, the client's signature_algorithms decide ({@link KeyTypeChoice}).
 */
public final class CertificateSnapshot {

    private static final Comparator<IndexedCertificate> PREFERRED = Comparator
            .comparing(IndexedCertificate::notAfter, Comparator.reverseOrder())
            .thenComparing(IndexedCertificate::id);
    private static final Comparator<IndexedCertificate> LISTED = Comparator
            .comparing((IndexedCertificate c) -> c.names().isEmpty() ? "" : c.names().get(0))
            .thenComparing(IndexedCertificate::id);

    public static final CertificateSnapshot EMPTY = new CertificateSnapshot(List.of(), Optional.empty());

    /** The certificates of one name (exact or wildcard): the best of each key type, either may be null. */
    private record Candidates(IndexedCertificate ec, IndexedCertificate rsa) {
        Candidates with(IndexedCertificate c) {
            return c.ec() ? new Candidates(c, rsa) : new Candidates(ec, c);
        }

        IndexedCertificate of(boolean wantEc) {
            return wantEc ? ec : rsa;
        }
    }

    private final List<IndexedCertificate> all;
    private final Map<String, Candidates> exact = new HashMap<>();
    private final Map<String, Candidates> wildcard = new HashMap<>();
    private final Optional<IndexedCertificate> fallback;
    /** Per certificate that lost a name to another: one line saying which names and to whom. */
    private final Map<IndexedCertificate, String> conflicts = new LinkedHashMap<>();

    /**
     * @param indexed   the certificates of the roots; the one marked default, if any, is the default
     * @param generated the default to use when the files have none
     */
    CertificateSnapshot(Collection<IndexedCertificate> indexed, Optional<IndexedCertificate> generated) {
        List<IndexedCertificate> sorted = indexed.stream().sorted(PREFERRED).toList();
        Map<IndexedCertificate, List<String>> lost = new LinkedHashMap<>();
        Map<IndexedCertificate, IndexedCertificate> lostTo = new HashMap<>();
        for (IndexedCertificate c : sorted) {
            for (String name : c.names()) {
                Optional<String> suffix = CertificateNames.wildcardSuffix(name);
                Map<String, Candidates> map = suffix.isPresent() ? wildcard : exact;
                String key = suffix.orElse(name);
                Candidates there = map.getOrDefault(key, new Candidates(null, null));
                IndexedCertificate winner = there.of(c.ec());
                if (winner == null) {
                    map.put(key, there.with(c));
                } else if (!c.isDefault()) {
                    lost.computeIfAbsent(c, x -> new ArrayList<>()).add(name);
                    lostTo.put(c, winner);
                }
            }
        }
        lost.forEach((c, names) -> conflicts.put(c, c.id() + ": not served for " + names + " (" + c.keyType()
                + ", not after " + c.notAfter() + "): " + lostTo.get(c).id() + " covers "
                + (names.size() == 1 ? "it" : "them") + " too and expires later"));
        Optional<IndexedCertificate> fromFile = sorted.stream().filter(IndexedCertificate::isDefault).findFirst();
        fallback = fromFile.or(() -> generated);
        List<IndexedCertificate> everything = new ArrayList<>(sorted);
        generated.filter(g -> fromFile.isEmpty()).ifPresent(everything::add);
        everything.sort(LISTED);
        all = List.copyOf(everything);
    }

    /**
     * The certificate for a ClientHello's server name (as sent, canonicalized here as the core canonicalizes a host;
     * empty without SNI) and signature schemes: see the class comment. The default for a name that is not a host name
     * or that no certificate covers; empty when there is none. Certificates that failed to load are passed over.
     */
    public Optional<IndexedCertificate> select(Optional<String> serverName, List<Integer> signatureSchemes) {
        Optional<IndexedCertificate> found = serverName.flatMap(CertificateNames::canonicalHost)
                .flatMap(h -> match(h, signatureSchemes));
        return found.isPresent() ? found : fallback.filter(f -> !f.failed());
    }

    /** The certificate for a canonical host by its names only (exact, then wildcard), without the default. */
    public Optional<IndexedCertificate> match(String canonicalHost, List<Integer> signatureSchemes) {
        return Optional.ofNullable(find(canonicalHost, signatureSchemes));
    }

    /** As {@link #match}, null for none: the handshake path's form, which allocates nothing. */
    public IndexedCertificate find(String canonicalHost, List<Integer> signatureSchemes) {
        Candidates c = exact.get(canonicalHost);
        IndexedCertificate chosen = c == null ? null : KeyTypeChoice.choose(c.ec(), c.rsa(), signatureSchemes);
        if (chosen == null && !wildcard.isEmpty()) {
            Optional<String> parent = CertificateNames.parentOf(canonicalHost);
            c = parent.isPresent() ? wildcard.get(parent.get()) : null;
            chosen = c == null ? null : KeyTypeChoice.choose(c.ec(), c.rsa(), signatureSchemes);
        }
        return chosen;
    }

    /** Whether {@code leaf}, a certificate a handshake presented, covers the {@code host}. */
    public boolean covers(X509Certificate leaf, String host) {
        Optional<String> canonical = CertificateNames.canonicalHost(host);
        if (canonical.isEmpty()) {
            return false;
        }
        return CertificateLoader.names(leaf).stream().anyMatch(n -> CertificateNames.covers(n, canonical.get()));
    }

    /** Every certificate of the index, ordered by first name; the generated default among them when in force. */
    public List<IndexedCertificate> all() {
        return all;
    }

    /** Those whose names contain {@code filter} (case-insensitive; empty: all), at most {@code limit}, by first name. */
    public List<IndexedCertificate> list(String filter, int limit) {
        String f = filter.toLowerCase(Locale.ROOT);
        List<IndexedCertificate> out = new ArrayList<>();
        for (IndexedCertificate c : all) {
            if (out.size() >= limit) {
                break;
            }
            if (f.isEmpty() || c.names().stream().anyMatch(n -> n.contains(f)) || c.id().toLowerCase(Locale.ROOT).contains(f)) {
                out.add(c);
            }
        }
        return out;
    }

    public Optional<IndexedCertificate> defaultCertificate() {
        return fallback;
    }

    /** The lines about certificates that lost names to others (same key type, later expiry), one per certificate. */
    Map<IndexedCertificate, String> conflicts() {
        return conflicts;
    }

    public int size() {
        return all.size();
    }
}
