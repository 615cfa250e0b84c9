package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of every backend as the core routes by it: passive connect failures ({@link PassiveHealth}), the active
 * check's verdict (rise/fall), outlier detection (consecutive 5xx answers or timeouts eject a backend for a growing
 * period, never more than {@code health.max.ejected.percent} of the backends out at once) and slow start. A backend is
 * <em>out</em> while passive health has it down, its check failed {@code fall} times, or it is ejected; out backends
 * go to the end of a request's candidates (still tried when nothing else is left), and a backend in slow start gets,
 * as first candidate, only a growing share of the requests: the others go to the next candidate first.
 *
 * <p>Every state change is logged once on logger {@code dev.rsp.core.backend}, with the backend and the reason, and
 * counted ({@link #events}); {@link #snapshot} gives the state and reason of each backend for the status page.
 *
 * <p>Threads: every method may be called from any thread. {@link #preferUp}, {@link #isUp} and
 * {@link #recordResponse} of a healthy backend neither block nor allocate; an ejection takes this object's lock (the
 * cap counts the backends out), at most once per {@code health.outlier.*} failures. Only 5xx answers of the backend
 * itself may be given to {@link #recordResponse}: rsp's own 502/503/504 never count against a backend.
 */
public final class BackendHealth {

    private static final Logger LOG = LoggerFactory.getLogger("dev.rsp.core.backend");

    /** The state of one backend, for the status page and {@code /api/backends}. */
    public enum State {
        UP("up"), SLOW_START("slow-start"), DOWN("down"), EJECTED("ejected");

        private final String text;

        State(String text) {
            this.text = text;
        }

        /** As shown: {@code up}, {@code slow-start}, {@code down}, {@code ejected}. */
        public String text() {
            return text;
        }

        /** Whether traffic goes to the backend in its turn (up or in slow start). */
        public boolean in() {
            return this == UP || this == SLOW_START;
        }
    }

    /** One backend's health at the time of {@link #snapshot()}: its state, why (empty when up), and its failures. */
    public record Status(State state, String reason, long totalFailures) {
    }

    /** The counters this object keeps, by the name of their {@code Counter}. */
    public record Events(long checkFailed, long checkDown, long checkBack, long ejected, long ejectionCapped,
                         long slowStartDeferred) {
    }

    private final PassiveHealth passive;
    private final LongSupplier clock;
    private volatile HealthSettings settings;
    private final ConcurrentHashMap<String, HealthEntry> entries = new ConcurrentHashMap<>();
    private final AtomicLong checkFailed = new AtomicLong();
    private final AtomicLong checkDown = new AtomicLong();
    private final AtomicLong checkBack = new AtomicLong();
    private final AtomicLong ejected = new AtomicLong();
    private final AtomicLong ejectionCapped = new AtomicLong();
    private final AtomicLong slowStartDeferred = new AtomicLong();

    /**
     * @param clock monotonic nanoseconds, e.g. {@code System::nanoTime}; the same clock {@code passive} uses
     */
    public BackendHealth(PassiveHealth passive, HealthSettings settings, LongSupplier clock) {
        this.passive = Objects.requireNonNull(passive, "passive");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** New settings apply from the next outcome on; states already reached stay. */
    public void settings(HealthSettings next) {
        settings = Objects.requireNonNull(next, "settings");
    }

    public HealthSettings settings() {
        return settings;
    }

    public PassiveHealth passive() {
        return passive;
    }

    // ---------------------------------------------------------------- traffic (loops)

    /** True unless the backend is out (passive, check or ejection); slow start counts as up. */
    public boolean isUp(String backend) {
        HealthEntry e = entries.get(backend);
        return passive.isUp(backend) && (e == null || e.plain() || !out(e, clock.getAsLong()));
    }

    private static boolean out(HealthEntry e, long now) {
        return e != null && !e.plain() && (e.checkDown() || e.ejected(now));
    }

    /** A connect failure, connect timeout or reset before any response byte: passive health's. */
    public void recordFailure(String backend, String why) {
        passive.recordFailure(backend, why);
    }

    /** A response head from the backend (any status: this is where its 5xx count). */
    public void recordResponse(String backend, int status) {
        passive.recordSuccess(backend);
        HealthSettings s = settings;
        HealthEntry e = entries.get(backend);
        if (e == null) {
            if (status < 500 || s.outlier5xx() == 0) {
                return;
            }
            e = entries.computeIfAbsent(backend, n -> new HealthEntry());
        }
        int n = e.answered(status, s.outlier5xx());
        if (n > 0) {
            tryEject(backend, e, n + " consecutive 5xx", s);
        }
    }

    /** The backend did not begin a response within {@code timeout.backend.ms} (rsp answered 504). */
    public void recordTimeout(String backend) {
        HealthSettings s = settings;
        if (s.outlierTimeouts() == 0) {
            return;
        }
        HealthEntry e = entries.computeIfAbsent(backend, n -> new HealthEntry());
        int n = e.timedOut(s.outlierTimeouts());
        if (n > 0) {
            tryEject(backend, e, n + " consecutive timeouts", s);
        }
    }

    /**
     * The candidates with the backends that are out moved to the end (order otherwise kept, so a request still has
     * somewhere to go when all are out), and a first candidate in slow start moved behind the next one unless this
     * request is in its share. Returns {@code candidates} itself (no allocation) when nothing changes.
     */
    public List<Backend> preferUp(List<Backend> candidates) {
        if (candidates.isEmpty()) {
            return candidates;
        }
        long now = clock.getAsLong();
        int firstOut = -1;
        for (int i = 0; i < candidates.size(); i++) {
            if (isOut(candidates.get(i).name(), now)) {
                firstOut = i;
                break;
            }
        }
        List<Backend> ordered = candidates;
        if (firstOut >= 0) {
            List<Backend> in = new ArrayList<>(candidates.size());
            List<Backend> outs = new ArrayList<>(candidates.size() - firstOut);
            in.addAll(candidates.subList(0, firstOut));
            for (int i = firstOut; i < candidates.size(); i++) {
                Backend b = candidates.get(i);
                (isOut(b.name(), now) ? outs : in).add(b);
            }
            in.addAll(outs);
            ordered = in;
        }
        HealthEntry head = entries.get(ordered.get(0).name());
        long window = settings.slowStartNanos();
        if (window > 0 && ordered.size() > 1 && head != null && !head.plain() && !isOut(ordered.get(1).name(), now)
                && !head.admit(now, window)) {
            slowStartDeferred.incrementAndGet();
            List<Backend> swapped = new ArrayList<>(ordered);
            swapped.set(0, ordered.get(1));
            swapped.set(1, ordered.get(0));
            ordered = swapped;
        }
        return ordered == candidates ? candidates : Collections.unmodifiableList(ordered);
    }

    private boolean isOut(String backend, long now) {
        return !passive.isUp(backend) || out(entries.get(backend), now);
    }

    // ---------------------------------------------------------------- active check (its threads)

    /** A check of {@code backend} passed; {@code what} names the check for the log. */
    public void checkPassed(String backend, String what) {
        passive.recordCheckSuccess(backend);
        HealthSettings s = settings;
        HealthEntry e = entries.computeIfAbsent(backend, n -> new HealthEntry());
        if (e.checkPassed(s.rise(), clock.getAsLong()) == HealthEntry.Change.BACK) {
            checkBack.incrementAndGet();
            LOG.info("Backend {} back: {} passed {} time(s) in a row{}", backend, what, s.rise(), slowStartNote(s));
        }
    }

    /** A check of {@code backend} failed; {@code reason} says how, e.g. {@code health check GET /healthz answered 503}. */
    public void checkFailed(String backend, String reason) {
        checkFailed.incrementAndGet();
        HealthSettings s = settings;
        HealthEntry e = entries.computeIfAbsent(backend, n -> new HealthEntry());
        if (e.checkFailed(reason, s.fall()) == HealthEntry.Change.DOWN) {
            checkDown.incrementAndGet();
            int n = e.checkFailedInARow();
            LOG.warn("Backend {} out: {} ({})", backend, reason,
                    n < s.fall() ? "its first check" : n + " failed check(s) in a row");
        }
    }

    // ---------------------------------------------------------------- ejection

    private synchronized void tryEject(String backend, HealthEntry e, String why, HealthSettings s) {
        long now = clock.getAsLong();
        if (e.ejected(now)) {
            e.resetOutlierCounts();
            return;
        }
        int total = entries.size();
        int allowed = s.maxEjectedPercent() == 0 ? 0 : Math.max(1, total * s.maxEjectedPercent() / 100);
        int out = 0;
        for (Map.Entry<String, HealthEntry> other : entries.entrySet()) {
            if (isOut(other.getKey(), now)) {
                out++;
            }
        }
        if (out >= allowed) {
            ejectionCapped.incrementAndGet();
            e.resetOutlierCounts();
            if (e.capNoted.compareAndSet(false, true)) {
                LOG.warn("Backend {} kept in despite {}: {} of {} backends are out already (health.max.ejected.percent"
                        + " = {} allows {})", backend, why, out, total, s.maxEjectedPercent(), allowed);
            }
            return;
        }
        long before = now;
        int number = e.eject(now, s.ejectionNanos(), s.ejectionMaxNanos(), why);
        long length = e.ejectedUntil() - before;
        ejected.incrementAndGet();
        LOG.warn("Backend {} ejected for {} ({} ejection): {}", backend, duration(length), ordinal(number), why);
    }

    /**
     * Reports the ejections that ended ("back") and forgets what is over; call it about every second (the status
     * page and routing do not depend on it: states are times, it only writes the log lines and keeps the fast path
     * fast).
     */
    public synchronized void tick() {
        long now = clock.getAsLong();
        HealthSettings s = settings;
        entries.forEach((name, e) -> {
            if (e.ejectionEnded(now)) {
                LOG.info("Backend {} back after its ejection{}", name, slowStartNote(s));
            }
            e.settle(now, s.slowStartNanos());
        });
    }

    // ---------------------------------------------------------------- views and upkeep

    /** Makes {@code names} the known backends (see {@link PassiveHealth#retain}); the others are forgotten. */
    public void retain(Set<String> names) {
        passive.retain(names);
        entries.keySet().retainAll(names);
        for (String name : names) {
            entries.computeIfAbsent(name, n -> new HealthEntry());
        }
    }

    /** The health of every tracked backend, sorted by name. */
    public Map<String, Status> snapshot() {
        long now = clock.getAsLong();
        HealthSettings s = settings;
        Map<String, PassiveHealth.BackendState> passives = passive.snapshot();
        Map<String, Status> out = new TreeMap<>();
        Set<String> names = new java.util.TreeSet<>(entries.keySet());
        names.addAll(passives.keySet());
        for (String name : names) {
            HealthEntry e = entries.get(name);
            PassiveHealth.BackendState p = passives.get(name);
            long failures = p == null ? 0 : p.totalFailures();
            if (e != null && e.checkDown()) {
                out.put(name, new Status(State.DOWN, e.checkReason(), failures));
            } else if (e != null && e.ejected(now)) {
                out.put(name, new Status(State.EJECTED, e.ejectReason() + "; ejected for "
                        + remaining(e.ejectedUntil() - now) + " more", failures));
            } else if (p != null && !p.up()) {
                out.put(name, new Status(State.DOWN, passive.downReason(name), failures));
            } else if (e != null && e.slowStartPermille(now, s.slowStartNanos()) < 1000) {
                out.put(name, new Status(State.SLOW_START, "slow start: " + e.slowStartPermille(now, s.slowStartNanos()) / 10
                        + " % of its requests", failures));
            } else {
                out.put(name, new Status(State.UP, "", failures));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public Events events() {
        return new Events(checkFailed.get(), checkDown.get(), checkBack.get(), ejected.get(), ejectionCapped.get(),
                slowStartDeferred.get());
    }

    /** How many times passive health marked a backend down. */
    public long markedDownCount() {
        return passive.markedDownCount();
    }

    private static String slowStartNote(HealthSettings s) {
        return s.slowStartNanos() == 0 ? "" : "; slow start for " + duration(s.slowStartNanos());
    }

    static String duration(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos));
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** A time left, in whole seconds rounded up from one second on (the status page shows it). */
    static String remaining(long nanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos));
        return ms < 1000 ? ms + " ms" : (ms + 999) / 1000 + " s";
    }

    static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
