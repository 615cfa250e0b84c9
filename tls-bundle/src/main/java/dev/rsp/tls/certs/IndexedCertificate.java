package dev.rsp.tls.certs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One certificate of the index: what its leaf says (read when its file was indexed, without the private key) and,
 * once a handshake asked for it, the loaded {@link ServedCertificate}. The facts are immutable; a new version of the
 * files is a new object, so an entry that a rescan found unchanged keeps what it loaded.
 *
 * <p>The load state is written by {@link CertificateCache} (loader threads, the poll thread) and read by the network
 * threads without locks: {@link #served()} is either null (cold) or a certificate ready for handshakes.
 */
public final class IndexedCertificate {

    /** Where a certificate comes from, as {@link dev.rsp.spi.tls.CertificateInfo#source()} names it. */
    public enum Source {
        FILE, CERTBOT, ACME, GENERATED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String id;
    private final Path chainFile;
    private final Path keyFile;
    private final List<String> names;
    private final Instant notAfter;
    private final String keyType;
    private final boolean ec;
    private final String issuer;
    private final Source source;
    private final boolean isDefault;

    private volatile ServedCertificate served;
    /** The load in flight or done; set once under the cache's lock. */
    CompletableFuture<ServedCertificate> loading;
    /** Why loading failed; null while it did not. A failed entry is not tried again until its files change. */
    private volatile String failure;
    /** {@link System#nanoTime()} of the last handshake that used it: the cache evicts the least recent. */
    volatile long lastUsed;

    /**
     * @param id        the chain file relative to its root ({@code example.com.pem}, {@code live/example.com/fullchain.pem}),
     *                  or a note for a generated certificate
     * @param chainFile the PEM file with the chain (and the key, when {@code keyFile} is the same file); null: generated
     * @param keyType   as {@link ServedCertificate#keyType()} says it, e.g. {@code EC 256}
     */
    IndexedCertificate(String id, Path chainFile, Path keyFile, List<String> names, Instant notAfter, String keyType,
            boolean ec, String issuer, Source source, boolean isDefault) {
        this.id = id;
        this.chainFile = chainFile;
        this.keyFile = keyFile;
        this.names = List.copyOf(names);
        this.notAfter = notAfter;
        this.keyType = keyType;
        this.ec = ec;
        this.issuer = issuer;
        this.source = source;
        this.isDefault = isDefault;
    }

    /** The entry of a certificate made in memory (the self-signed default): loaded from the start, never evicted. */
    static IndexedCertificate generated(ServedCertificate c) {
        IndexedCertificate e = new IndexedCertificate(c.source(), null, null, c.names(), c.notAfter(), c.keyType(),
                c.key().getAlgorithm().equals("EC"), c.leaf().getIssuerX500Principal().getName(), Source.GENERATED, true);
        e.served = c;
        return e;
    }

    public String id() {
        return id;
    }

    public Optional<Path> chainFile() {
        return Optional.ofNullable(chainFile);
    }

    Path keyFile() {
        return keyFile;
    }

    /** Whether chain and key are in one file (a combined PEM, as HAProxy reads it). */
    boolean combined() {
        return chainFile != null && chainFile.equals(keyFile);
    }

    /** The canonical DNS names it covers, wildcards included. */
    public List<String> names() {
        return names;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public String keyType() {
        return keyType;
    }

    /** An ECDSA certificate (else RSA). */
    public boolean ec() {
        return ec;
    }

    public String issuer() {
        return issuer;
    }

    public Source source() {
        return source;
    }

    public boolean isDefault() {
        return isDefault;
    }

    /** The loaded certificate, ready for handshakes; null while it is not loaded (never loaded, or evicted). */
    public ServedCertificate served() {
        return served;
    }

    void served(ServedCertificate c) {
        served = c;
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    boolean failed() {
        return failure != null;
    }

    void failure(String reason) {
        failure = reason;
    }

    /** For log lines: {@code live/example.com/fullchain.pem: [example.com] EC 256, not after ...}. */
    public String summary() {
        return id + ": " + names + " " + keyType + ", not after " + notAfter;
    }

    @Override
    public String toString() {
        return "IndexedCertificate[" + summary() + "]";
    }
}
