package dev.rsp.tls.audit;

import dev.rsp.tls.audit.CertificateRow.FileReport;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Audits one served chain (one file) against an {@link AuditPolicy}. Stateless; safe to share. */
final class Auditor {

    private final AuditPolicy policy;

    Auditor(AuditPolicy policy) {
        this.policy = policy;
    }

    FileReport audit(Path file, Optional<String> domain) {
        PemCertificates.Loaded loaded = PemCertificates.read(file);
        if (loaded instanceof PemCertificates.Unreadable u) {
            return FileReport.unreadable(file.toString(), domain, u.reason());
        }
        return audit(file.toString(), domain, ((PemCertificates.Read) loaded).certificates());
    }

    FileReport audit(String file, Optional<String> domain, List<X509Certificate> served) {
        List<ChainBuilder.Chain> chains = ChainBuilder.chains(served, policy.trust(), policy.now());
        List<X509Certificate> best = chains.isEmpty() ? List.of() : chains.get(0).certificates();
        List<CertificateRow> rows = new ArrayList<>();
        for (int i = 0; i < served.size(); i++) {
            X509Certificate c = served.get(i);
            Set<Flag> flags = EnumSet.noneOf(Flag.class);
            List<String> notes = new ArrayList<>();
            certificateFlags(c, flags, notes);
            if (i == 0) {
                chainFlags(served, best, domain, flags, notes);
            }
            OptionalInt at = indexIn(best, c);
            if (at.isEmpty() && i > 0) {
                notes.add("not part of the best chain");
            }
            rows.add(row("served", i, at, c, flags, notes));
        }
        for (int i = 0; i < best.size(); i++) {
            X509Certificate c = best.get(i);
            if (indexIn(served, c).isEmpty()) {
                Set<Flag> flags = EnumSet.noneOf(Flag.class);
                List<String> notes = new ArrayList<>();
                certificateFlags(c, flags, notes);
                notes.add("from " + policy.trust());
                rows.add(row("trust_store", i, OptionalInt.of(i), c, flags, notes));
            }
        }
        return new FileReport(file, domain, rows, Optional.empty(), chains.size());
    }

    private void certificateFlags(X509Certificate c, Set<Flag> flags, List<String> notes) {
        boolean selfSigned = CertificateFacts.selfSigned(c);
        if (c.getNotAfter().toInstant().isBefore(policy.now())) {
            flags.add(Flag.EXPIRED);
        } else if (daysLeft(c) < policy.expiresSoonDays()) {
            flags.add(Flag.EXPIRES_SOON);
        }
        if (c.getNotBefore().toInstant().isAfter(policy.now())) {
            notes.add("not valid yet");
        }
        if (CertificateFacts.key(c).weak()) {
            flags.add(Flag.WEAK_KEY);
        }
        if (!selfSigned && CertificateFacts.hashStrength(c) <= 1) {
            flags.add(Flag.WEAK_SIGNATURE);
            if (CertificateFacts.isSha1(c) && !c.getNotAfter().toInstant().isBefore(AuditPolicy.SHA1_CUTOFF)) {
                notes.add("SHA-1 certificate valid after 2015-12-31, the cut-off browsers applied");
            }
        }
        if (distrusted(CertificateFacts.dn(c.getIssuerX500Principal()))) {
            flags.add(Flag.DISTRUSTED_ISSUER);
        }
    }

    private void chainFlags(List<X509Certificate> served, List<X509Certificate> best, Optional<String> domain,
            Set<Flag> flags, List<String> notes) {
        X509Certificate leaf = served.get(0);
        boolean selfSigned = CertificateFacts.selfSigned(leaf);
        if (selfSigned) {
            flags.add(Flag.SELF_SIGNED);
        } else if (best.isEmpty()) {
            flags.add(Flag.CHAIN_INCOMPLETE);
            notes.add("no chain to " + policy.trust() + " from the served certificates");
        }
        for (int i = 0; i + 1 < served.size(); i++) {
            if (!CertificateFacts.signedBy(served.get(i), served.get(i + 1))) {
                flags.add(Flag.CHAIN_ORDER);
                notes.add("certificate " + (i + 1) + " is not the issuer of certificate " + i);
                break;
            }
        }
        List<X509Certificate> chain = new ArrayList<>(served);
        chain.addAll(best);
        for (X509Certificate c : chain) {
            if (distrusted(CertificateFacts.dn(c.getIssuerX500Principal()))) {
                flags.add(Flag.DISTRUSTED_ISSUER);
            }
        }
        policy.stapling().apply(leaf).ifPresent(problem -> {
            flags.add(Flag.OCSP_NO_STAPLE);
            notes.add("served without an OCSP staple: " + problem);
        });
        if (domain.isEmpty()) {
            notes.add("no domain: names not checked");
        } else if (!NameMatch.covers(CertificateFacts.dnsNames(leaf), domain.get())) {
            flags.add(Flag.NAME_MISMATCH);
            notes.add(CertificateFacts.dnsNames(leaf).isEmpty()
                    ? "no DNS subject alternative name (the CN is not used)" : "does not cover " + domain.get());
        }
    }

    private boolean distrusted(String dn) {
        String lower = dn.toLowerCase(Locale.ROOT);
        return policy.distrusted().stream().anyMatch(d -> !d.isBlank() && lower.contains(d.toLowerCase(Locale.ROOT)));
    }

    private long daysLeft(X509Certificate c) {
        return Math.floorDiv(Duration.between(policy.now(), c.getNotAfter().toInstant()).toSeconds(), 86_400);
    }

    private CertificateRow row(String source, int position, OptionalInt bestAt, X509Certificate c, Set<Flag> flags,
            List<String> notes) {
        CertificateFacts.KeyFacts key = CertificateFacts.key(c);
        return new CertificateRow(source, position, bestAt, CertificateFacts.dn(c.getSubjectX500Principal()),
                CertificateFacts.altNames(c), CertificateFacts.issuerName(c), CertificateFacts.dn(c.getIssuerX500Principal()),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), daysLeft(c), key.type(), key.bits(),
                c.getSigAlgName(), CertificateFacts.selfSigned(c), flags, notes);
    }

    private static OptionalInt indexIn(List<X509Certificate> chain, X509Certificate c) {
        int i = chain.indexOf(c);
        return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
    }
}
