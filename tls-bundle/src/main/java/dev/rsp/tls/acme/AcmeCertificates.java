package dev.rsp.tls.acme;

import dev.rsp.tls.certs.CertificateManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.shredzone.acme4j.Login;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates rsp obtains itself, for one {@link AcmeSettings}: the names configured, the ones obtained on demand,
 * and whatever else storage holds. Each name has a {@link NameState}; {@link #check()} (every
 * {@code check.interval.ms}, on the {@code rsp-acme} thread) reads storage and starts the orders that are due: a name
 * without a certificate, a certificate past its renewal time, a failed name whose backoff is over. Orders run on the
 * {@code rsp-acme-order} threads ({@code orders.parallel}), one per name at a time, under the name's
 * {@link StorageLock}; the old certificate stays in storage (and served) until the new one replaces it.
 *
 * <p>Threads: {@link CertificateManager}'s methods are called on network threads and only read memory (short
 * {@code synchronized} sections, no I/O); everything touching disk or the CA runs on this object's own threads. Times
 * come from the injected clock, so tests move renewals forward by advancing it.
 */
public final class AcmeCertificates implements CertificateManager {

    private static final Logger log = LoggerFactory.getLogger(AcmeCertificates.class);

    private final AcmeSettings settings;
    private final Clock clock;
    private final RenewalPlan plan;
    private final AcmeStorage storage;
    private final StorageLock locks;
    private final OrderRunner runner;
    private final AcmeCounters counters;
    private final Http01Book http01;
    private final AlpnChallengeCert alpn;
    private final Map<String, NameState> states = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker;
    private final ExecutorService orders;
    private volatile IssuancePolicy policy = IssuancePolicy.REFUSE_ALL;
    private volatile java.time.Duration onDemandWait = java.time.Duration.ofSeconds(10);
    private volatile Runnable storageChanged = () -> { };
    /** Whether a TLS listener serves this manager (it set {@link #onStorageChanged}): TLS-ALPN-01 can be answered. */
    private volatile boolean servedByTls;
    /** Whether rsp's listeners can answer the configured challenges (see {@link #readyWhen}). */
    private volatile java.util.function.BooleanSupplier listenersReady = () -> true;
    /** Guards {@link #login}: logging in talks to the CA, so never under this object's lock (network threads wait on it). */
    private final Object loginLock = new Object();
    private Login login;

    /**
     * @param owner this instance's id in lock files (host and process, say)
     * @param random the renewal jitter's source (fixed seed in tests)
     */
    AcmeCertificates(AcmeSettings settings, Clock clock, Random random, String owner, AcmeCounters counters,
            Http01Book http01, AlpnChallengeCert alpn) {
        this.settings = settings;
        this.clock = clock;
        this.plan = new RenewalPlan(settings.renewFraction(), settings.backoffMin(), settings.backoffMax(), random);
        this.storage = new AcmeStorage(settings.storage());
        this.locks = new StorageLock(settings.storage(), owner, clock, settings.lockStale());
        this.runner = new OrderRunner(settings, http01, alpn);
        this.counters = counters;
        this.http01 = http01;
        this.alpn = alpn;
        settings.names().forEach(n -> states.put(n, new NameState(n, true)));
        this.checker = Executors.newSingleThreadScheduledExecutor(daemon("rsp-acme"));
        this.orders = Executors.newFixedThreadPool(settings.ordersParallel(), daemon("rsp-acme-order"));
    }

    /** The longest the first orders wait for rsp's listeners to answer challenges (see {@link #readyWhen}). */
    static final java.time.Duration LISTENERS_WAIT = java.time.Duration.ofSeconds(30);

    /**
     * Starts the periodic {@link #check()}, reading what storage already has at once. The first round waits, up to
     * {@link #LISTENERS_WAIT}, until rsp's listeners can answer the configured challenges: an order placed while they
     * start would fail its validation and cost a failed authorization at the CA (Let's Encrypt allows 5 per name per
     * hour) and a backoff.
     */
    void start() {
        checker.execute(this::adoptStored);
        long until = System.nanoTime() + LISTENERS_WAIT.toNanos();
        checker.execute(() -> firstRound(until));
    }

    private void firstRound(long until) {
        if (!listenersReady.getAsBoolean()) {
            if (System.nanoTime() - until < 0) {
                checker.schedule(() -> firstRound(until), 100, TimeUnit.MILLISECONDS);
                return;
            }
            log.warn("rsp.acme: after {} s rsp's listeners still cannot answer every challenge in challenges = {} "
                    + "(is the HTTP or TLS listener missing?); ordering anyway", LISTENERS_WAIT.toSeconds(),
                    settings.challenges());
        }
        long ms = settings.checkInterval().toMillis();
        checker.scheduleWithFixedDelay(this::check, 0, ms, TimeUnit.MILLISECONDS);
    }

    /** Sets when rsp's listeners can answer the configured challenges (the component knows; default: at once). */
    void readyWhen(java.util.function.BooleanSupplier ready) {
        listenersReady = ready;
    }

    /** Whether a TLS listener has taken this manager (it serves the storage and the TLS-ALPN-01 certificates). */
    boolean servedByTls() {
        return servedByTls;
    }

    /** Stops checking and interrupts running orders (their lock files are released as they unwind). */
    void close() {
        checker.shutdownNow();
        orders.shutdownNow();
        synchronized (this) {
            states.values().forEach(s -> settle(s, Optional.of("rsp.acme stopped")));
        }
    }

    /** How long a handshake may wait for an on-demand certificate ({@code ondemand.wait.ms}). */
    void onDemandWait(java.time.Duration wait) {
        onDemandWait = wait;
    }

    @Override
    public java.time.Duration onDemandWait() {
        return onDemandWait;
    }

    /** The on-demand policy; {@link IssuancePolicy#REFUSE_ALL} until one is set. */
    public void policy(IssuancePolicy next) {
        policy = next;
    }

    @Override
    public Map<String, Long> counts() {
        Map<String, Long> all = new java.util.TreeMap<>(policy.counts());
        all.putAll(counters.snapshot());
        return all;
    }

    /**
     * One round, on the checker thread (tests call it directly): reads each name's certificate from storage (another
     * instance may have written it; waiters for it are released), then starts the orders that are due.
     */
    void check() {
        try {
            Instant now = clock.instant();
            for (Map.Entry<String, NameState> e : states.entrySet()) {
                Optional<AcmeStorage.Stored> stored = readStored(e.getKey());
                synchronized (this) {
                    NameState s = e.getValue();
                    stored.ifPresent(st -> adopt(s, st));
                    if (due(s, now)) {
                        startOrder(e.getKey(), s);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("rsp.acme: check failed: {}", e.toString(), e);
        }
    }

    /** Names storage has that the configuration does not list: served as they are, renewed when on demand is on. */
    private void adoptStored() {
        for (String name : storage.storedNames()) {
            if (states.containsKey(name)) {
                continue;
            }
            if (settings.onDemand()) {
                states.putIfAbsent(name, new NameState(name, false));
            } else {
                log.info("rsp.acme: {} is in storage but not in names (and ondemand is off): it is served until it "
                        + "expires, not renewed", storage.file(name));
            }
        }
    }

    private Optional<AcmeStorage.Stored> readStored(String name) {
        try {
            return storage.read(name);
        } catch (IOException e) {
            log.warn("rsp.acme: {}: {}; ordering a new certificate", name, e.getMessage());
            return Optional.empty();
        }
    }

    /** Takes a stored certificate into {@code s}: its renewal time is planned once per certificate. */
    private void adopt(NameState s, AcmeStorage.Stored st) {
        if (!st.equals(s.stored)) {
            boolean sameCertificate = s.stored != null && s.stored.serial().equals(st.serial())
                    && s.stored.notAfter().equals(st.notAfter());
            s.stored = st;
            if (!sameCertificate) {
                s.renewAt = plan.renewAt(st.notBefore(), st.notAfter());
            }
        }
        if (!due(s, clock.instant())) {
            settle(s, Optional.empty());
        }
    }

    private boolean due(NameState s, Instant now) {
        if (s.running || now.isBefore(s.retryAt)) {
            return false;
        }
        if (s.stored == null) {
            return s.configured || s.waiters != null;
        }
        return !now.isBefore(s.renewAt);
    }

    private void startOrder(String name, NameState s) {
        s.running = true;
        try {
            orders.execute(() -> order(name, s));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            s.running = false;
        }
    }

    /** On an order thread: one order for {@code name} under its lock, and its outcome recorded. */
    private void order(String name, NameState s) {
        boolean renewal;
        synchronized (this) {
            renewal = s.stored != null;
        }
        OrderRunner.Outcome outcome;
        try {
            StorageLock.Attempt attempt = locks.tryLock(name, () -> {
                counters.lockTakenOver.increment();
                log.warn("rsp.acme: took over a stale lock on {}", name);
            });
            if (attempt instanceof StorageLock.Busy busy) {
                counters.lockWaited.increment();
                log.info("rsp.acme: {} is being ordered by {} (locked since {}); waiting for its certificate", name,
                        busy.owner(), busy.since());
                synchronized (this) {
                    s.running = false;
                }
                return;
            }
            try (StorageLock.Held held = (StorageLock.Held) attempt) {
                Optional<AcmeStorage.Stored> fresh = readStored(name);
                synchronized (this) {
                    fresh.ifPresent(st -> adopt(s, st));
                    if (s.stored != null && clock.instant().isBefore(s.renewAt)) {
                        s.running = false; // another instance wrote it while this one waited for the lock
                        return;
                    }
                }
                outcome = runner.run(login(), name);
                if (outcome instanceof OrderRunner.Issued issued) {
                    storage.write(name, issued.chain(), issued.key().getPrivate());
                }
            }
        } catch (IOException | org.shredzone.acme4j.exception.AcmeException | RuntimeException e) {
            outcome = new OrderRunner.Failed(e instanceof org.shredzone.acme4j.exception.AcmeServerException server
                    ? OrderRunner.describe(server.getProblem()) : e.toString(), Optional.empty());
        }
        record(name, s, outcome, renewal);
    }

    private Login login() throws org.shredzone.acme4j.exception.AcmeException, IOException {
        synchronized (loginLock) {
            if (login == null) {
                login = AcmeAccount.login(settings, storage);
            }
            return login;
        }
    }

    private void record(String name, NameState s, OrderRunner.Outcome outcome, boolean renewal) {
        if (outcome instanceof OrderRunner.Issued) {
            Optional<AcmeStorage.Stored> written = readStored(name);
            synchronized (this) {
                (renewal ? counters.renewed : counters.issued).increment();
                s.failures = 0;
                s.lastError = null;
                s.retryAt = Instant.MIN;
                s.running = false;
                written.ifPresent(st -> adopt(s, st));
                if (due(s, clock.instant())) {
                    // a certificate due as soon as issued (a CA issuing very short lifetimes): not again at once
                    s.retryAt = clock.instant().plus(plan.backoff(1));
                    log.warn("rsp.acme: the new certificate for {} is already due for renewal (renew.fraction too "
                            + "large for its lifetime?); next order no sooner than {}", name, s.retryAt);
                }
                settle(s, Optional.empty());
                log.info("rsp.acme: {} certificate for {} (valid until {}; renewal planned at {})",
                        renewal ? "renewed the" : "obtained a", name, s.stored == null ? "?" : s.stored.notAfter(),
                        s.renewAt);
            }
            try {
                storageChanged.run();
            } catch (RuntimeException e) {
                log.error("rsp.acme: the storage listener failed after {} was written: {}", name, e.toString(), e);
            }
        } else {
            OrderRunner.Failed failed = (OrderRunner.Failed) outcome;
            synchronized (loginLock) {
                login = null; // log in again next time: the CA may have lost or deactivated the account
            }
            synchronized (this) {
                counters.failed.increment();
                s.failures++;
                Instant retry = clock.instant().plus(plan.backoff(s.failures));
                s.retryAt = failed.retryAfter().filter(retry::isBefore).orElse(retry);
                s.lastError = failed.problem();
                s.running = false;
                log.warn("rsp.acme: order for {} failed: {}; next try at {}", name, failed.problem(), s.retryAt);
                settle(s, Optional.of(failed.problem()));
            }
        }
    }

    /**
     * The name's certificate is in storage (no {@code problem}) or an order for it failed: releases whoever waits for
     * it and tells the on-demand policy that the order it allowed has ended. Called holding this object's lock.
     */
    private void settle(NameState s, Optional<String> problem) {
        if (s.waiters != null) {
            problem.ifPresentOrElse(p -> s.waiters.completeExceptionally(new IOException(p)),
                    () -> s.waiters.complete(null));
            s.waiters = null;
            s.shared = null;
        }
        if (s.allowedOnDemand) {
            s.allowedOnDemand = false;
            try {
                policy.finished(s.name, problem.isEmpty());
            } catch (RuntimeException e) {
                log.error("rsp.acme: the on-demand policy failed on {}: {}", s.name, e.toString(), e);
            }
        }
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
    public Optional<CompletionStage<?>> onDemand(String raw) {
        Optional<String> canonical = AcmeSettings.name(raw);
        if (canonical.isEmpty() || !settings.onDemand()) {
            counters.onDemandRefused.increment();
            return Optional.empty();
        }
        String name = canonical.get();
        Instant now = clock.instant();
        synchronized (this) {
            NameState s = states.get(name);
            if (s != null && s.stored != null && now.isBefore(s.stored.notAfter())) {
                return Optional.of(CompletableFuture.completedFuture(null)); // in storage: the policy is not asked
            }
            if (s != null && s.shared != null) {
                counters.onDemandWaits.increment();
                return Optional.of(s.shared);
            }
            if (s != null && now.isBefore(s.retryAt)) {
                counters.onDemandRefused.increment();
                return Optional.empty();
            }
        }
        CompletableFuture<IssuancePolicy.Decision> decided = policy.decide(name).toCompletableFuture();
        if (decided.isDone()) {
            IssuancePolicy.Decision decision = decided.join();
            return decision instanceof IssuancePolicy.Refuse refuse ? refused(name, refuse) : Optional.of(allowed(name));
        }
        // The policy asks elsewhere (an ask URL): the handshake waits for the answer, then for the order.
        return Optional.of(decided.thenCompose(decision -> {
            if (decision instanceof IssuancePolicy.Refuse refuse) {
                refused(name, refuse);
                return CompletableFuture.failedFuture(new IOException("not allowed on demand: " + refuse.reason()));
            }
            return allowed(name);
        }));
    }

    private Optional<CompletionStage<?>> refused(String name, IssuancePolicy.Refuse refuse) {
        counters.onDemandRefused.increment();
        // DEBUG only: any client can send any server name, and this runs on a network thread for each one
        log.debug("rsp.acme: no certificate on demand for {}: {}", name, refuse.reason());
        return Optional.empty();
    }

    /** Starts the order for {@code name}, or joins the one running: the stage completes when it has ended. */
    private synchronized CompletionStage<Void> allowed(String name) {
        NameState s = states.computeIfAbsent(name, n -> new NameState(n, false));
        counters.onDemandWaits.increment();
        if (s.shared == null) {
            s.waiters = new CompletableFuture<>();
            s.shared = s.waiters.minimalCompletionStage();
            s.allowedOnDemand = true;
            if (!s.running) {
                startOrder(name, s);
            }
        }
        return s.shared;
    }

    @Override
    public synchronized Optional<Instant> nextRenewal(String name) {
        NameState s = states.get(name);
        if (s == null || s.stored == null || s.renewAt == null) {
            return Optional.empty();
        }
        return Optional.of(s.retryAt.isAfter(s.renewAt) ? s.retryAt : s.renewAt);
    }

    @Override
    public synchronized Optional<String> lastError(String name) {
        NameState s = states.get(name);
        return s == null ? Optional.empty() : Optional.ofNullable(s.lastError);
    }

    @Override
    public void onStorageChanged(Runnable listener) {
        storageChanged = listener == null ? () -> { } : listener;
        servedByTls = listener != null;
    }

    /** The names this instance looks after, for tests and diagnostics. */
    List<String> names() {
        return new ArrayList<>(states.keySet());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.incrementAndGet() == 1 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }
}
