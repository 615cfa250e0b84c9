package dev.rsp.tls.audit;

/** What the audit flags. Any flag makes {@code rsp certs audit} exit with 1. */
public enum Flag {
    /** The issuer of a certificate in the chain names a distrusted CA (StartCom, WoSign by default). */
    DISTRUSTED_ISSUER,
    /** SHA-1 or MD5 (or MD2) signature on a certificate below the root. */
    WEAK_SIGNATURE,
    /** Past its notAfter date. */
    EXPIRED,
    /** Expires within the configured number of days (30 by default). */
    EXPIRES_SOON,
    /** RSA or DSA key below 2048 bits, EC key below 256 bits. */
    WEAK_KEY,
    /** The leaf's DNS subject alternative names do not cover the domain. */
    NAME_MISMATCH,
    /** No chain from the leaf to the trust store can be built from the served certificates. */
    CHAIN_INCOMPLETE,
    /** The served certificates are not leaf first, each followed by its issuer. */
    CHAIN_ORDER,
    /** The leaf is self-signed. */
    SELF_SIGNED,
    /**
     * The leaf names an OCSP responder, stapling is on, and the running listener has no good response to staple (the
     * responder cannot be reached, answers an error, revoked or unknown, or the issuer is missing from the chain).
     * Only the Gogo command {@code rsp:certs-audit} knows it; the offline command fetches nothing.
     */
    OCSP_NO_STAPLE,
    /** The file could not be read or holds no certificate. */
    UNREADABLE
}
