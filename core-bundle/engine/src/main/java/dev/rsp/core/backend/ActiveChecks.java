package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active health check: every {@code health.check.interval.ms} one {@link CheckProbe} per backend (HTTP when
 * {@code health.check.path} is set, else a connect), each outcome given to {@link BackendHealth} (which applies rise and
 * fall). Off the loops: probes block, on a pool of at most {@code health.check.concurrency} threads of its own; the
 * timer (not owned) starts rounds and ends probes at their deadline. It resolves nothing: a probe connects to the
 * address {@link BackendResolver} found for traffic.
 *
 * <p>Rounds never overlap: the next starts one interval after the last probe of a round ended. The first starts at
 * once. An outcome is recorded only when its backend is still configured at the same address.
 *
 * <p>Thread-safety: {@link #update}, {@link #settingsChanged} and {@link #close} may be called from any thread.
 */
public final class ActiveChecks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.rsp.core.backend");

    private final BackendHealth health;
    private final ScheduledExecutorService timer;
    private final CheckTls tls;
    private final ThreadPoolExecutor probes;
    private volatile BackendDirectory directory = BackendDirectory.EMPTY;
    // Guarded by this.
    private ScheduledFuture<?> next;
    private boolean running;
    private boolean closed;
    private long intervalNanos;

    /**
     * Starts the first round at once when {@code health.check.interval.ms} is not 0.
     *
     * @param timer runs rounds' starts and deadlines (short tasks only); not owned, never a loop
     */
    public ActiveChecks(BackendHealth health, ScheduledExecutorService timer, CheckTls tls) {
        this.health = Objects.requireNonNull(health, "health");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.tls = Objects.requireNonNull(tls, "tls");
        int threads = health.settings().checkConcurrency();
        AtomicInteger n = new AtomicInteger();
        this.probes = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "rsp-health-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        probes.allowCoreThreadTimeOut(true);
        settingsChanged();
    }

    /** The backends to check and their addresses, from the next round on. */
    public void update(BackendDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Applies the health settings in force now: the pool's size, and the interval (a change of interval, or turning
     * the check on, starts a round at once unless one is running).
     */
    public synchronized void settingsChanged() {
        HealthSettings s = health.settings();
        int threads = s.checkConcurrency();
        if (threads > probes.getMaximumPoolSize()) {
            probes.setMaximumPoolSize(threads);
            probes.setCorePoolSize(threads);
        } else if (threads < probes.getMaximumPoolSize()) {
            probes.setCorePoolSize(threads);
            probes.setMaximumPoolSize(threads);
        }
        if (closed || s.checkIntervalNanos() == intervalNanos) {
            return;
        }
        intervalNanos = s.checkIntervalNanos();
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        if (intervalNanos > 0 && !running) {
            schedule(0);
        }
    }

    /** Stops further rounds; probes in progress end within their timeout and record nothing more. */
    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
        probes.shutdownNow();
    }

    private void schedule(long delayNanos) {
        try {
            next = timer.schedule(this::round, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            closed = true;
        }
    }

    /** Starts one probe per backend; the round ends when the last one has. */
    private void round() {
        BackendDirectory round = directory;
        HealthSettings s = health.settings();
        List<Backend> backends = round.backends().all();
        synchronized (this) {
            next = null;
            if (closed || s.checkIntervalNanos() == 0) {
                return;
            }
            running = true;
            if (backends.isEmpty()) {
                roundEnded();
                return;
            }
        }
        AtomicInteger left = new AtomicInteger(backends.size());
        for (Backend b : backends) {
            CheckProbe probe = new CheckProbe(b, round.address(b), s.check(), s.checkTimeoutNanos(), tls);
            try {
                probes.execute(() -> {
                    try {
                        run(probe, s.checkTimeoutNanos());
                    } finally {
                        if (left.decrementAndGet() == 0) {
                            synchronized (this) {
                                roundEnded();
                            }
                        }
                    }
                });
            } catch (RejectedExecutionException stopping) {
                return;
            }
        }
    }

    private void roundEnded() {
        running = false;
        if (!closed && intervalNanos > 0) {
            schedule(intervalNanos);
        }
    }

    private void run(CheckProbe probe, long timeoutNanos) {
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(probe::abort, timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            return;
        }
        CheckProbe.Outcome outcome;
        try {
            outcome = probe.run();
        } catch (RuntimeException e) {
            LOG.warn("health check of backend {} failed unexpectedly", probe.backend().name(), e);
            return;
        } finally {
            deadline.cancel(false);
        }
        record(probe, outcome);
    }

    private void record(CheckProbe probe, CheckProbe.Outcome outcome) {
        BackendDirectory now = directory;
        Backend b = probe.backend();
        if (closed || !now.backends().all().contains(b) || !now.address(b).equals(probe.address())) {
            return;
        }
        if (outcome.passed()) {
            health.checkPassed(b.name(), probe.what());
        } else {
            health.checkFailed(b.name(), outcome.reason());
        }
    }
}
