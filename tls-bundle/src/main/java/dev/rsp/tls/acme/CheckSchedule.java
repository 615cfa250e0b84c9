package dev.rsp.tls.acme;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When {@link AcmeCertificates} looks at its names: once at {@link #start} for the names storage has that the
 * configuration does not list, then a {@link #check} round every {@code check.interval.ms}, all on the single
 * {@code rsp-acme} thread. The first round waits for rsp's listeners (see {@link #start}). A round only reads storage
 * and starts orders ({@link OrderLifecycle#review}); the orders run on their own threads, so a round is short.
 */
final class CheckSchedule {

    private static final Logger log = LoggerFactory.getLogger(CheckSchedule.class);

    /** The longest the first orders wait for rsp's listeners to answer challenges (see {@link #readyWhen}). */
    static final Duration LISTENERS_WAIT = Duration.ofSeconds(30);

    private final AcmeSettings settings;
    private final Clock clock;
    private final AcmeStorage storage;
    private final NameStates names;
    private final OrderLifecycle orders;
    private final ScheduledExecutorService checker;
    /** Whether rsp's listeners can answer the configured challenges (see {@link #readyWhen}). */
    private volatile BooleanSupplier listenersReady = () -> true;

    CheckSchedule(AcmeSettings settings, Clock clock, AcmeStorage storage, NameStates names, OrderLifecycle orders) {
        this.settings = settings;
        this.clock = clock;
        this.storage = storage;
        this.names = names;
        this.orders = orders;
        this.checker = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("rsp-acme"));
    }

    /** Sets when rsp's listeners can answer the configured challenges (the component knows; default: at once). */
    void readyWhen(BooleanSupplier ready) {
        listenersReady = ready;
    }

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

    /** Stops the rounds; a round under way is interrupted. */
    void close() {
        checker.shutdownNow();
    }

    /**
     * Polls {@link #listenersReady} every 100 ms on the checker thread (no thread sleeps), then schedules the rounds.
     */
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

    /**
     * One round, on the checker thread (tests call it directly): reads each name's certificate from storage (another
     * instance may have written it; waiters for it are released), then starts the orders that are due. Never throws:
     * a failed round is logged and the next one runs.
     */
    void check() {
        try {
            Instant now = clock.instant();
            for (NameState s : names.all()) {
                orders.review(s, now);
            }
        } catch (RuntimeException e) {
            log.error("rsp.acme: check failed: {}", e.toString(), e);
        }
    }

    /** Names storage has that the configuration does not list: served as they are, renewed when on demand is on. */
    private void adoptStored() {
        for (String name : storage.storedNames()) {
            if (names.contains(name)) {
                continue;
            }
            if (settings.onDemand()) {
                names.add(name);
            } else {
                log.info("rsp.acme: {} is in storage but not in names (and ondemand is off): it is served until it "
                        + "expires, not renewed", storage.file(name));
            }
        }
    }
}
