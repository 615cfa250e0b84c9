package dev.rsp.tls.audit;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the audit checks against.
 *
 * @param trust           where chains must end
 * @param distrusted      CA names flagged when they appear (case-insensitively, anywhere) in the issuer DN of any
 *                        certificate of the served or best chain, or in a root's subject
 * @param expiresSoonDays EXPIRES_SOON when fewer days than this are left
 * @param now             the instant the audit looks at
 * @param stapling        why a leaf the running listener serves names an OCSP responder but goes out without a staple;
 *                        empty for every other certificate (and always for the offline command, which fetches nothing)
 */
record AuditPolicy(TrustStore trust, List<String> distrusted, int expiresSoonDays, Instant now,
        Function<X509Certificate, Optional<String>> stapling) {

    static final List<String> DEFAULT_DISTRUSTED = List.of("StartCom", "WoSign");
    static final int DEFAULT_EXPIRES_SOON_DAYS = 30;
    /** The date after which browsers stopped accepting SHA-1 signed certificates. */
    static final Instant SHA1_CUTOFF = Instant.parse("2016-01-01T00:00:00Z");

    public AuditPolicy {
        distrusted = List.copyOf(distrusted);
    }

    /** Without a running listener: no stapling to report. */
    AuditPolicy(TrustStore trust, List<String> distrusted, int expiresSoonDays, Instant now) {
        this(trust, distrusted, expiresSoonDays, now, leaf -> Optional.empty());
    }
}
