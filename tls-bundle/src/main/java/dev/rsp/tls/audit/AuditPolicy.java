package dev.rsp.tls.audit;

import java.time.Instant;
import java.util.List;

/**
 * What the audit checks against.
 *
 * @param trust           where chains must end
 * @param distrusted      CA names flagged when they appear (case-insensitively, anywhere) in the issuer DN of any
 *                        certificate of the served or best chain, or in a root's subject
 * @param expiresSoonDays EXPIRES_SOON when fewer days than this are left
 * @param now             the instant the audit looks at
 */
record AuditPolicy(TrustStore trust, List<String> distrusted, int expiresSoonDays, Instant now) {

    static final List<String> DEFAULT_DISTRUSTED = List.of("StartCom", "WoSign");
    static final int DEFAULT_EXPIRES_SOON_DAYS = 30;
    /** The date after which browsers stopped accepting SHA-1 signed certificates. */
    static final Instant SHA1_CUTOFF = Instant.parse("2016-01-01T00:00:00Z");

    public AuditPolicy {
        distrusted = List.copyOf(distrusted);
    }
}
