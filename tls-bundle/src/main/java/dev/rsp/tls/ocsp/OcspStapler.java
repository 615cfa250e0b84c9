package dev.rsp.tls.ocsp;

import dev.rsp.tls.certs.ServedCertificate;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an OCSP response for every served certificate that names a responder, for the native engine to staple.
 *
 * <p>Build vs select: fetching, checking and scheduling run on this stapler's own thread ({@code rsp-tls-ocsp}), one
 * request at a time, each bounded as a whole by the fetch timeout {@link #track} is given ({@code ocsp.fetch.timeout.ms}:
 * connect, request, head and body) and in size ({@link OcspHttpFetch}); the loops only read the published response
 * with {@link #staple}, a map lookup and a clock read. Every fetch counts one {@link OcspOutcome}.
 *
 * <p>Schedule: a response is fetched when its certificate is first tracked, then again at the middle of its validity
 * ({@code thisUpdate} to {@code nextUpdate}; every hour when the responder gives no {@code nextUpdate}); a failed fetch
 * is retried after 10 s, doubling up to 10 minutes. A response is stapled until its {@code nextUpdate}, also while
 * refreshes fail; after that the certificate is served without a staple. Only a response checked by
 * {@link OcspExchange#check} (signed for the issuer, status good, current) is stapled: a revoked certificate is served
 * without one (as nginx does), and {@link #problem} says why for the audit.
 */
public final class OcspStapler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OcspStapler.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    static final Duration LAST_RETRY = Duration.ofMinutes(10);
    static final Duration WITHOUT_NEXT_UPDATE = Duration.ofHours(1);
    /** The soonest a good response is fetched again (a responder whose responses live for seconds). */
    static final Duration SOONEST_REFRESH = Duration.ofSeconds(30);

    /**
     * Sends a DER request to a responder and returns its DER answer. On the stapler's thread; blocks at most about
     * {@code within} for the whole exchange, then fails with {@link OcspFetchFailed} ({@link OcspOutcome#FETCH_TIMEOUT}).
     * A failure it can name is an {@link OcspFetchFailed}; any other {@link IOException} counts as
     * {@link OcspOutcome#FETCH_FAILED}.
     */
    @FunctionalInterface
    public interface Fetch {
        byte[] post(URI responder, byte[] request, Duration within) throws IOException, InterruptedException;
    }

    /** A checked response in force, stapled until {@code until} (exclusive; {@link Instant#MAX} without nextUpdate). */
    private record Staple(byte[] der, Instant until) {
    }

    /** One tracked certificate. Fields written on the stapler's thread; {@code staple} and {@code problem} read anywhere. */
    private static final class Entry {
        final X509Certificate leaf;
        final X509Certificate issuer;
        final URI responder;
        final String name;
        volatile Staple staple;
        volatile String problem = "no OCSP response fetched yet";
        int failures;
        ScheduledFuture<?> next;

        Entry(X509Certificate leaf, X509Certificate issuer, URI responder, String name) {
            this.leaf = leaf;
            this.issuer = issuer;
            this.responder = responder;
            this.name = name;
        }
    }

    private final ScheduledExecutorService thread;
    private final Fetch fetch;
    private final Clock clock;
    /** By leaf certificate (X509Certificate equality is its encoding): survives reloads that keep a certificate. */
    private final Map<X509Certificate, Entry> entries = new ConcurrentHashMap<>();
    private final Map<OcspOutcome, LongAdder> counts = new EnumMap<>(OcspOutcome.class);
    /** The bound of one whole fetch, set by {@link #track} before it schedules any; read on the stapler's thread. */
    private volatile Duration fetchTimeout;

    /** A stapler over HTTP ({@link OcspHttpFetch}) and the system clock, with a daemon thread of its own. */
    public static OcspStapler overHttp() {
        return new OcspStapler(new OcspHttpFetch(), Clock.systemUTC());
    }

    public OcspStapler(Fetch fetch, Clock clock) {
        this.fetch = fetch;
        this.clock = clock;
        for (OcspOutcome o : OcspOutcome.values()) {
            counts.put(o, new LongAdder());
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rsp-tls-ocsp");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Tracks {@code certificates} from now on (stapling on) or none (stapling off): a certificate new here is fetched
     * at once, one no longer listed is forgotten; each fetch from now on is given {@code fetchTimeout} as a whole.
     * Returns at once; the work runs on the stapler's thread.
     */
    public void track(List<ServedCertificate> certificates, Duration fetchTimeout) {
        this.fetchTimeout = fetchTimeout;
        Map<X509Certificate, ServedCertificate> wanted = new HashMap<>();
        for (ServedCertificate c : certificates) {
            if (OcspExchange.responder(c.leaf()).isPresent()) {
                wanted.put(c.leaf(), c);
            }
        }
        try {
            thread.execute(() -> retrack(wanted));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed: nothing to track
        }
    }

    private void retrack(Map<X509Certificate, ServedCertificate> wanted) {
        entries.values().removeIf(e -> {
            if (wanted.containsKey(e.leaf)) {
                return false;
            }
            if (e.next != null) {
                e.next.cancel(false);
            }
            return true;
        });
        for (ServedCertificate c : wanted.values()) {
            if (entries.containsKey(c.leaf())) {
                continue;
            }
            URI responder = OcspExchange.responder(c.leaf()).orElseThrow();
            X509Certificate issuer = c.chain().size() > 1 ? c.chain().get(1) : null;
            Entry e = new Entry(c.leaf(), issuer, responder, c.summary());
            entries.put(c.leaf(), e);
            if (issuer == null) {
                e.problem = "its issuer's certificate is not in the served chain, so no OCSP request can be made";
                log.warn("rsp.tls: OCSP: {}: {}", e.name, e.problem);
                continue;
            }
            e.next = thread.schedule(() -> refresh(e), 0, TimeUnit.MILLISECONDS);
        }
    }

    private void refresh(Entry e) {
        if (entries.get(e.leaf) != e) {
            return;
        }
        Instant now = clock.instant();
        OcspExchange.Checked checked;
        OcspOutcome outcome;
        try {
            byte[] answer = fetch.post(e.responder, OcspExchange.request(e.leaf, e.issuer), fetchTimeout);
            checked = OcspExchange.check(answer, e.leaf, e.issuer, now);
            outcome = checked instanceof OcspExchange.Good ? OcspOutcome.FETCHED : OcspOutcome.UNFIT;
        } catch (OcspFetchFailed ex) {
            checked = new OcspExchange.Unfit("no answer from " + e.responder + ": " + ex.getMessage());
            outcome = ex.outcome();
        } catch (IOException ex) {
            checked = new OcspExchange.Unfit("no answer from " + e.responder + " (" + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + ex.getMessage()) + ")");
            outcome = OcspOutcome.FETCH_FAILED;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return;
        }
        counts.get(outcome).increment();
        Duration delay;
        if (checked instanceof OcspExchange.Good good) {
            boolean first = e.staple == null;
            e.staple = new Staple(good.der(), good.nextUpdate().orElse(Instant.MAX));
            e.problem = null;
            e.failures = 0;
            delay = nextRefresh(good, now);
            if (first) {
                log.info("rsp.tls: OCSP response stapled for {} (good; next update {}; refreshed in {})", e.name,
                        good.nextUpdate().map(Instant::toString).orElse("not given"), delay);
            }
        } else {
            String reason = ((OcspExchange.Unfit) checked).reason();
            Staple kept = e.staple;
            boolean stillStapled = kept != null && now.isBefore(kept.until());
            String problem = reason + (stillStapled ? "; the previous response is stapled until " + kept.until() : "");
            if (!problem.equals(e.problem)) {
                log.warn("rsp.tls: OCSP: {}: {}{}", e.name, problem, stillStapled ? "" : "; served without a staple");
            }
            e.problem = problem;
            e.failures++;
            delay = retryDelay(e.failures);
        }
        try {
            e.next = thread.schedule(() -> refresh(e), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed meanwhile
        }
    }

    /** When a good response is fetched again: at the middle of its validity, not sooner than 30 s from now. */
    static Duration nextRefresh(OcspExchange.Good good, Instant now) {
        if (good.nextUpdate().isEmpty()) {
            return WITHOUT_NEXT_UPDATE;
        }
        Instant from = good.thisUpdate().isAfter(now) ? now : good.thisUpdate();
        Instant half = from.plus(Duration.between(from, good.nextUpdate().get()).dividedBy(2));
        Duration d = Duration.between(now, half);
        return d.compareTo(SOONEST_REFRESH) < 0 ? SOONEST_REFRESH : d;
    }

    /** 10 s after the first failure, doubling, at most 10 minutes. */
    static Duration retryDelay(int failures) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 16));
        return d.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : d;
    }

    /**
     * The DER response to staple for {@code leaf}, or null (none, or past its nextUpdate). On the loops: a map lookup
     * and a clock read; the array is shared, not to be changed.
     */
    public byte[] staple(X509Certificate leaf) {
        Entry e = entries.get(leaf);
        if (e == null) {
            return null;
        }
        Staple s = e.staple;
        return s != null && clock.instant().isBefore(s.until()) ? s.der() : null;
    }

    /**
     * Why {@code leaf}, which names an OCSP responder, is served without a staple now; empty when it is stapled, or is
     * not tracked (no responder, stapling off). For the audit; any thread.
     */
    public Optional<String> problem(X509Certificate leaf) {
        Entry e = entries.get(leaf);
        if (e == null || staple(leaf) != null) {
            return Optional.empty();
        }
        String p = e.problem;
        return Optional.of(p == null ? "the last OCSP response has expired" : p);
    }

    /** Every {@link OcspOutcome}'s count by its name, in declaration order, from 0. Any thread. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((o, n) -> out.put(o.id(), n.sum()));
        return out;
    }

    /** Whether {@code leaf} is tracked (it names a responder and stapling is on). */
    public boolean tracks(X509Certificate leaf) {
        return entries.containsKey(leaf);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        entries.clear();
    }
}
