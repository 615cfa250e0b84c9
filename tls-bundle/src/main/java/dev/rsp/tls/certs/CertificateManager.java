package dev.rsp.tls.certs;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The seam between the certificates rsp serves (the TLS listener, {@code rsp.tls}) and a bundle-internal component
 * that obtains certificates itself (the ACME client, {@code rsp.acme}). The ACME component registers one as an OSGi
 * service inside this bundle; the TLS component tracks it (optional, dynamic) and asks it only for what its own
 * certificate directory does not have. Every method is cheap and never blocks: the ones the TLS front calls during a
 * handshake run on the core's network threads.
 */
public interface CertificateManager {

    /** The certificate to present for a TLS-ALPN-01 validation (RFC 8737) of {@code name}, and its key. */
    record AlpnChallenge(X509Certificate certificate, PrivateKey key) {
    }

    /**
     * The directory where the manager stores the certificates it obtained, as combined PEM files (chain, then key):
     * the TLS component indexes it as it indexes {@code certs.dir}, with source {@code acme}.
     */
    Path storage();

    /**
     * While a TLS-ALPN-01 challenge for {@code name} (canonical) is pending: the validation certificate. A ClientHello
     * whose only ALPN protocol is {@code acme-tls/1} gets it, and nothing else.
     */
    Optional<AlpnChallenge> alpnChallenge(String name);

    /**
     * On-demand issuance for a name no certificate covers: empty when the manager knows from memory that it will not
     * issue for it now (on-demand off, not allowed by the allow-list and a cached ask answer, over a budget, backing
     * off; counted by the manager); else a stage that completes once the certificate is in {@link #storage()}
     * (normally), or when the name was refused after all (an {@code ask} URL said no), or issuance failed or was given
     * up (exceptionally). Several handshakes for one name share one stage. Called on a network thread: never blocks,
     * does its I/O on its own threads.
     */
    Optional<CompletionStage<?>> onDemand(String name);

    /** The most time a handshake may wait for {@link #onDemand} (the TLS front's wait limit while it does). */
    default java.time.Duration onDemandWait() {
        return java.time.Duration.ofSeconds(10);
    }

    /** When the manager will next try to renew the certificate it stored for {@code name}; empty if it does not. */
    Optional<Instant> nextRenewal(String name);

    /** The last problem obtaining or renewing a certificate for {@code name}; empty when none. */
    Optional<String> lastError(String name);

    /**
     * Calls {@code storageChanged} (on the manager's thread) after each write to {@link #storage()}, so that a renewal
     * is served without waiting for the next poll; replaces any earlier listener.
     */
    void onStorageChanged(Runnable storageChanged);

    /**
     * The manager's counters by name (the ACME client's {@code acme.issued}, {@code acme.renewed}, {@code acme.failed},
     * {@code acme.ondemand.allowed}, {@code acme.ondemand.refused}, ...), for the TLS front to add to its events. Cheap;
     * any thread.
     */
    default java.util.Map<String, Long> counts() {
        return java.util.Map.of();
    }
}
