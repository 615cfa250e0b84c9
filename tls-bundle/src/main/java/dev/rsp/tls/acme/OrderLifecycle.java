package dev.rsp.tls.acme;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of the orders of one {@link AcmeCertificates}: whether a name is due ({@link #review}), starting its order,
 * running it on the {@code rsp-acme-order} threads ({@code orders.parallel}) under the name's {@link StorageLock},
 * recording the outcome (counters, backoff, renewal time) and releasing whoever waits for the name. One order per name
 * at a time ({@link NameState#running}); the old certificate stays in storage, and served, until the new one replaces
 * it.
 *
 * <p>Locks: {@link NameState}s are read and changed only under the {@link NameStates} monitor ({@code names}), and
 * never while reading or writing storage or talking to the CA, which happen on the order threads outside it. The
 * account's {@link Login} has a lock of its own ({@link #loginLock}), never taken under {@code names}.
 */
final class OrderLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OrderLifecycle.class);

    private final Clock clock;
    private final NameStates names;
    private final AcmeStorage storage;
    private final AcmeSettings settings;
    private final RenewalPlan plan;
    private final StorageLock locks;
    private final OrderRunner runner;
    private final AcmeCounters counters;
    /** The on-demand policy in force, told when an order it allowed has ended. */
    private final Supplier<IssuancePolicy> policy;
    private final ExecutorService orders;
    private volatile Runnable storageChanged = () -> { };
    /** Guards {@link #login}: logging in talks to the CA, so never under {@code names} (network threads wait on it). */
    private final Object loginLock = new Object();
    private Login login;

    /**
     * @param owner this instance's id in lock files
     * @param random the renewal jitter's source (fixed seed in tests)
     */
    OrderLifecycle(AcmeSettings settings, Clock clock, Random random, String owner, AcmeStorage storage,
            NameStates names, AcmeCounters counters, OrderRunner runner, Supplier<IssuancePolicy> policy) {
        this.settings = settings;
        this.clock = clock;
        this.plan = new RenewalPlan(settings.renewFraction(), settings.backoffMin(), settings.backoffMax(), random);
        this.storage = storage;
        this.locks = new StorageLock(settings.storage(), owner, clock, settings.lockStale());
        this.names = names;
        this.counters = counters;
        this.runner = runner;
        this.policy = policy;
        this.orders = Executors.newFixedThreadPool(settings.ordersParallel(), new DaemonThreads("rsp-acme-order"));
    }

    /** Runs after each write to storage, on the order thread that wrote (the TLS listener re-reads storage). */
    void onStorageChanged(Runnable listener) {
        storageChanged = listener;
    }

    /**
     * Reads the certificate of {@code s} from storage (another instance may have written it; waiters for it are
     * released), then starts its order if due at {@code now}. On the checker thread; takes {@code names} itself.
     */
    void review(NameState s, Instant now) {
        Optional<AcmeStorage.Stored> stored = readStored(s.name);
        synchronized (names) {
            stored.ifPresent(st -> adopt(s, st));
            if (due(s, now)) {
                start(s);
            }
        }
    }

    /**
     * Queues an order for {@code s} and marks it running; nothing when the order threads are stopping. Call holding
     * {@code names}; it does not block.
     */
    void start(NameState s) {
        s.running = true;
        try {
            orders.execute(() -> order(s));
        } catch (RejectedExecutionException stopping) {
            s.running = false;
        }
    }

    /** Interrupts running orders (their lock files are released as they unwind) and fails every waiter. */
    void close() {
        orders.shutdownNow();
        synchronized (names) {
            names.all().forEach(s -> settle(s, Optional.of("rsp.acme stopped")));
        }
    }

    /** Whether an order for {@code s} should start at {@code now}. Call holding {@code names}. */
    private boolean due(NameState s, Instant now) {
        if (s.running || now.isBefore(s.retryAt)) {
            return false;
        }
        if (s.stored == null) {
            return s.configured || s.waiters != null;
        }
        return !now.isBefore(s.renewAt);
    }

    /**
     * Takes a stored certificate into {@code s}: its renewal time is planned once per certificate; when the name is not
     * due, whoever waits for it is released. Call holding {@code names}.
     */
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

    /** On an order thread: one order for the name under its storage lock, and its outcome recorded. */
    private void order(NameState s) {
        String name = s.name;
        boolean renewal;
        synchronized (names) {
            renewal = s.stored != null;
        }
        OrderRunner.Outcome outcome;
        try {
            StorageLock.Attempt attempt = locks.tryLock(name, () -> {
                counters.lockTakenOver.increment();
                log.warn("rsp.acme: took over a stale lock on {}", name);
            });
            if (attempt instanceof StorageLock.Busy busy) {
                // not running any more before anyone can see the wait counted: a check right after it may start it
                synchronized (names) {
                    s.running = false;
                }
                counters.lockWaited.increment();
                log.info("rsp.acme: {} is being ordered by {} (locked since {}); waiting for its certificate", name,
                        busy.owner(), busy.since());
                return;
            }
            try (StorageLock.Held held = (StorageLock.Held) attempt) {
                Optional<AcmeStorage.Stored> fresh = readStored(name);
                synchronized (names) {
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
        } catch (IOException | AcmeException | RuntimeException e) {
            outcome = new OrderRunner.Failed(e instanceof AcmeServerException server
                    ? OrderRunner.describe(server.getProblem()) : e.toString(), Optional.empty());
        }
        record(s, outcome, renewal);
    }

    private Login login() throws AcmeException, IOException {
        synchronized (loginLock) {
            if (login == null) {
                login = AcmeAccount.login(settings, storage);
            }
            return login;
        }
    }

    /** On the order thread, after the storage lock is released: counters, next times, waiters, the TLS listener. */
    private void record(NameState s, OrderRunner.Outcome outcome, boolean renewal) {
        String name = s.name;
        if (outcome instanceof OrderRunner.Issued) {
            Optional<AcmeStorage.Stored> written = readStored(name);
            // The TLS side first: once the issuance is counted (and its waiters released), it has been told.
            try {
                storageChanged.run();
            } catch (RuntimeException e) {
                log.error("rsp.acme: the storage listener failed after {} was written: {}", name, e.toString(), e);
            }
            synchronized (names) {
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
        } else {
            OrderRunner.Failed failed = (OrderRunner.Failed) outcome;
            synchronized (loginLock) {
                login = null; // log in again next time: the CA may have lost or deactivated the account
            }
            synchronized (names) {
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
     * The name's certificate is in storage (no {@code problem}) or its order failed: releases whoever waits for it
     * (the handshakes of {@link OnDemandRequests}) and tells the on-demand policy that the order it allowed has ended.
     * Call holding {@code names}.
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
                policy.get().finished(s.name, problem.isEmpty());
            } catch (RuntimeException e) {
                log.error("rsp.acme: the on-demand policy failed on {}: {}", s.name, e.toString(), e);
            }
        }
    }

    /** The certificate stored for {@code name}; empty when there is none, or (logged) when it cannot be read. */
    private Optional<AcmeStorage.Stored> readStored(String name) {
        try {
            return storage.read(name);
        } catch (IOException e) {
            log.warn("rsp.acme: {}: {}; ordering a new certificate", name, e.getMessage());
            return Optional.empty();
        }
    }
}
