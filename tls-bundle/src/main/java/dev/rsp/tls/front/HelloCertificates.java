package dev.rsp.tls.front;

import dev.rsp.spi.tls.Inspection;
import dev.rsp.tls.certs.CertificateManager;
import dev.rsp.tls.certs.CertificateNames;
import dev.rsp.tls.certs.CertificateSnapshot;
import dev.rsp.tls.certs.CertificateStore;
import dev.rsp.tls.certs.IndexedCertificate;
import dev.rsp.tls.certs.ServedCertificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Which certificate a ClientHello gets, and getting it ready first. {@link #prepare} (the core asks before
 * {@link #served}) looks the name up in the index (exact, one-label wildcard, then the default; the key type from the
 * client's signature schemes): a loaded certificate is ready at once; a cold one is loaded off the loop while the core
 * parks the connection. A name no certificate covers is offered to the ACME component ({@code onDemand}) when there is
 * one: the connection then waits for the issuance, a rescan of the ACME storage and the load of the new certificate,
 * and gets it (or the default when issuance failed).
 *
 * <p>Network threads for {@link #prepare} and {@link #served}: map lookups and volatile reads, never blocking.
 */
final class HelloCertificates {

    private final CertificateStore store;
    private final Supplier<Optional<CertificateManager>> manager;
    private final Supplier<CompletionStage<?>> rescan;
    private final LongAdder notReady = new LongAdder();
    private final LongAdder onDemand = new LongAdder();

    /**
     * @param manager the ACME component's manager, when one is registered
     * @param rescan  a reload of the index off the loop, completing when it is done (shared by concurrent callers)
     */
    HelloCertificates(CertificateStore store, Supplier<Optional<CertificateManager>> manager,
            Supplier<CompletionStage<?>> rescan) {
        this.store = store;
        this.manager = manager;
        this.rescan = rescan;
    }

    /**
     * Empty when {@link #served} can answer {@code hello} now; else a stage that completes when it can. A loaded
     * certificate costs the canonical form of the server name (as the core makes it for a Host) and map lookups.
     */
    Optional<CompletionStage<?>> prepare(Inspection.Hello hello) {
        CertificateSnapshot index = store.snapshot();
        String host = hello.serverName().isEmpty() ? null
                : CertificateNames.canonicalHost(hello.serverName().get()).orElse(null);
        IndexedCertificate c = host == null ? null : index.find(host, hello.signatureSchemes());
        if (c == null && host != null) {
            Optional<CompletionStage<?>> issuing = issue(host);
            // ondemand.wait.ms = 0: the order runs in the background and this handshake gets the default now
            if (issuing.isPresent() && !manager.get().map(CertificateManager::onDemandWait).orElse(java.time.Duration.ZERO)
                    .isZero()) {
                onDemand.increment();
                return Optional.of(issuing.get().handle((done, failed) -> null)
                        .thenCompose(x -> rescan.get())
                        .thenCompose(x -> loadFor(hello)));
            }
        }
        if (c == null) {
            c = index.defaultCertificate().orElse(null);
        }
        return c == null ? Optional.empty() : store.cache().prepare(c);
    }

    private Optional<CompletionStage<?>> issue(String host) {
        Optional<CertificateManager> m = manager.get();
        if (m.isEmpty()) {
            return Optional.empty();
        }
        try {
            return m.get().onDemand(host);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** After an issuance: the load of what the hello now selects (the new certificate, or the default). */
    private CompletionStage<?> loadFor(Inspection.Hello hello) {
        Optional<IndexedCertificate> c = store.snapshot().select(hello.serverName(), hello.signatureSchemes());
        if (c.isEmpty() || c.get().served() != null) {
            return CompletableFuture.completedFuture(null);
        }
        return store.cache().load(c.get()).handle((served, failed) -> null);
    }

    /**
     * The loaded certificate for {@code hello} now; null when none can serve it. A selected certificate that is not
     * loaded (evicted since {@link #prepare}, or prepare was not asked) starts loading for the next handshakes and
     * this one gets the default, if loaded (counted {@code tls.certs.not_ready}).
     */
    ServedCertificate served(Inspection.Hello hello) {
        CertificateSnapshot index = store.snapshot();
        Optional<IndexedCertificate> chosen = index.select(hello.serverName(), hello.signatureSchemes());
        if (chosen.isEmpty()) {
            return null;
        }
        ServedCertificate served = chosen.get().served();
        if (served != null) {
            return served;
        }
        notReady.increment();
        store.cache().load(chosen.get());
        return index.defaultCertificate().map(IndexedCertificate::served).orElse(null);
    }

    /** The cache's counters, and {@code tls.certs.not_ready} and {@code tls.certs.on_demand} (handshakes that waited for an issuance). */
    Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>(store.cache().counts());
        m.put("tls.certs.not_ready", notReady.sum());
        m.put("tls.certs.on_demand", onDemand.sum());
        manager.get().ifPresent(acme -> m.putAll(acme.counts()));
        return m;
    }

    /** How long a handshake may wait: {@code certs.wait.timeout.ms}, or the ACME component's on-demand wait if longer. */
    java.time.Duration waitLimit(java.time.Duration certsWait) {
        Optional<CertificateManager> m = manager.get();
        if (m.isEmpty()) {
            return certsWait;
        }
        java.time.Duration onDemandWait = m.get().onDemandWait();
        return onDemandWait.compareTo(certsWait) > 0 ? onDemandWait : certsWait;
    }

    /** The listing of {@link dev.rsp.spi.tls.TlsFront#certificates}: the index, and the manager's view of each name. */
    List<dev.rsp.spi.tls.CertificateInfo> list(String filter, int limit) {
        Optional<CertificateManager> m = manager.get();
        return store.snapshot().list(filter, Math.max(0, limit)).stream().map(c -> info(c, m)).toList();
    }

    private static dev.rsp.spi.tls.CertificateInfo info(IndexedCertificate c, Optional<CertificateManager> m) {
        String first = c.names().isEmpty() ? "" : c.names().get(0);
        Optional<java.time.Instant> renewal = Optional.empty();
        Optional<String> error = c.failure();
        if (m.isPresent() && c.source() == IndexedCertificate.Source.ACME && !first.isEmpty()) {
            try {
                renewal = m.get().nextRenewal(first);
                if (error.isEmpty()) {
                    error = m.get().lastError(first);
                }
            } catch (RuntimeException e) {
                // the manager's view is optional
            }
        }
        return new dev.rsp.spi.tls.CertificateInfo(c.names(), c.keyType(), c.issuer(), c.notAfter(), c.source().label(),
                c.chainFile().map(f -> c.id()), c.served() != null, renewal, error);
    }
}
