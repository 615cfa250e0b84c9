package dev.rsp.tls.acme;

import dev.rsp.tls.certs.CertificateManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The certificates rsp obtains itself, for one {@link AcmeSettings}: the names configured, the ones obtained on demand,
 * and whatever else storage holds. This class wires the parts and answers {@link CertificateManager}:
 * <ul>
 * <li>{@link NameStates}: each name's {@link NameState}; <b>its monitor guards every {@code NameState}</b>;</li>
 * <li>{@link CheckSchedule}: the rounds ({@code check.interval.ms}, on the {@code rsp-acme} thread) that read storage
 * and start the orders due: a name without a certificate, a certificate past its renewal time, a failed name whose
 * backoff is over;</li>
 * <li>{@link OrderLifecycle}: the orders, on the {@code rsp-acme-order} threads ({@code orders.parallel}), one per
 * name at a time under the name's {@link StorageLock}, their outcomes and the release of their waiters;</li>
 * <li>{@link OnDemandRequests}: the handshakes asking for a name no certificate covers.</li>
 * </ul>
 *
 * <p>Threads: {@link CertificateManager}'s methods are called on network threads and only read memory (short sections
 * under the {@link NameStates} monitor, no I/O); everything touching disk or the CA runs on the schedule's and the
 * orders' own threads, which never hold that monitor while they do. Times come from the injected clock, so tests move
 * renewals forward by advancing it.
 */
public final class AcmeCertificates implements CertificateManager {

    private final AcmeSettings settings;
    private final AcmeCounters counters;
    private final AlpnChallengeCert alpn;
    private final NameStates names;
    private final OrderLifecycle orders;
    private final CheckSchedule schedule;
    private final OnDemandRequests onDemand;
    /** Set by the component before {@link #start}; read by the orders (when one it allowed ends) and on demand. */
    private volatile IssuancePolicy policy = IssuancePolicy.REFUSE_ALL;
    private volatile Duration onDemandWait = Duration.ofSeconds(10);
    /** Whether a TLS listener serves this manager (it set {@link #onStorageChanged}): TLS-ALPN-01 can be answered. */
    private volatile boolean servedByTls;

    /**
     * @param owner this instance's id in lock files (host and process, say)
     * @param random the renewal jitter's source (fixed seed in tests)
     */
    AcmeCertificates(AcmeSettings settings, Clock clock, Random random, String owner, AcmeCounters counters,
            Http01Book http01, AlpnChallengeCert alpn) {
        this.settings = settings;
        this.counters = counters;
        this.alpn = alpn;
        this.names = new NameStates(settings.names());
        AcmeStorage storage = new AcmeStorage(settings.storage());
        this.orders = new OrderLifecycle(settings, clock, random, owner, storage, names, counters,
                new OrderRunner(settings, http01, alpn), () -> policy);
        this.schedule = new CheckSchedule(settings, clock, storage, names, orders);
        this.onDemand = new OnDemandRequests(settings, clock, names, orders, counters, () -> policy);
    }

    /** Starts the rounds (see {@link CheckSchedule#start}). */
    void start() {
        schedule.start();
    }

    /** Sets when rsp's listeners can answer the configured challenges (the component knows; default: at once). */
    void readyWhen(BooleanSupplier ready) {
        schedule.readyWhen(ready);
    }

    /** Whether a TLS listener has taken this manager (it serves the storage and the TLS-ALPN-01 certificates). */
    boolean servedByTls() {
        return servedByTls;
    }

    /** Stops checking and interrupts running orders (their lock files are released as they unwind). */
    void close() {
        schedule.close();
        orders.close();
    }

    /** One round now, on the caller's thread (tests; see {@link CheckSchedule#check}). */
    void check() {
        schedule.check();
    }

    /** How long a handshake may wait for an on-demand certificate ({@code ondemand.wait.ms}). */
    void onDemandWait(Duration wait) {
        onDemandWait = wait;
    }

    @Override
    public Duration onDemandWait() {
        return onDemandWait;
    }

    /** The on-demand policy; {@link IssuancePolicy#REFUSE_ALL} until one is set. */
    public void policy(IssuancePolicy next) {
        policy = next;
    }

    @Override
    public Map<String, Long> counts() {
        Map<String, Long> all = new TreeMap<>(policy.counts());
        all.putAll(counters.snapshot());
        return all;
    }

    @Override
    public Path storage() {
        return settings.storage();
    }

    @Override
    public Optional<AlpnChallenge> alpnChallenge(String name) {
        return alpn.get(name);
    }

    @Override
    public Optional<CompletionStage<?>> onDemand(String name) {
        return onDemand.request(name);
    }

    @Override
    public Optional<Instant> nextRenewal(String name) {
        synchronized (names) {
            NameState s = names.get(name);
            if (s == null || s.stored == null || s.renewAt == null) {
                return Optional.empty();
            }
            return Optional.of(s.retryAt.isAfter(s.renewAt) ? s.retryAt : s.renewAt);
        }
    }

    @Override
    public Optional<String> lastError(String name) {
        synchronized (names) {
            NameState s = names.get(name);
            return s == null ? Optional.empty() : Optional.ofNullable(s.lastError);
        }
    }

    @Override
    public void onStorageChanged(Runnable listener) {
        orders.onStorageChanged(listener == null ? () -> { } : listener);
        servedByTls = listener != null;
    }

    /** The names this instance looks after, for tests and diagnostics. */
    List<String> names() {
        return names.names();
    }
}
