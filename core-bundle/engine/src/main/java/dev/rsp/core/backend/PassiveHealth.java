package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Passive health of backends, by name: a backend that fails {@code failuresToMarkDown} times in a row is marked
 * down for a cool-down.
 *
 * <p>States of one backend:
 * <ul>
 *   <li><b>up</b>: {@link #isUp} is true; each failure counts, {@link #recordSuccess} resets the count; the
 *       {@code failuresToMarkDown}-th consecutive failure marks it <b>down</b> until now + cool-down.</li>
 *   <li><b>down</b> (cooling): {@link #isUp} is false. Failures still count; successes (from requests that were
 *       already in flight) are ignored, so a backend that fails most requests stays down for the whole cool-down.</li>
 *   <li><b>half-open</b> (cool-down over, not yet confirmed): {@link #isUp} is true; the first failure marks it down
 *       again for a full cool-down, the first success makes it up with a count of zero.</li>
 * </ul>
 * Logged on logger {@code dev.rsp.core.backend}, naming the backend: the first failure of a backend that was
 * answering (WARN, with the reason: refused, timed out, reset, bad response; at most one such line per backend every
 * {@link #FIRST_FAILURE_LOG_NANOS}), its marking down (WARN, with the reason), and its answering again (INFO, at the
 * first success after a logged failure; during a cool-down only a health check's success counts, see
 * {@link #recordCheckSuccess}). Backends never reported on are up.
 *
 * <p>Thread-safety: every method may be called concurrently from any thread, in particular from all selector loops.
 * The implementation is lock-free (a {@link ConcurrentHashMap} of per-backend atomics). {@link #isUp},
 * {@link #recordSuccess} on a healthy backend and {@link #preferUp} when all candidates are up neither block nor
 * allocate. {@link #recordFailure} allocates a small state object. The only potentially slow work on the calling
 * thread is the one log line written at a state change (at most once per backend and cool-down).
 *
 * <p>Which outcomes count is the caller's contract: a failure is a refused or timed-out connect or a reset before any
 * response byte; a 5xx response is a success here (the backend answered).
 */
public final class PassiveHealth {

    private static final Logger LOG = LoggerFactory.getLogger("dev.rsp.core.backend");

    /** The health of one backend at the time of {@link #snapshot()}. */
    public record BackendState(boolean up, int consecutiveFailures, long downUntilNanos, long totalFailures) {
    }

    /**
     * Immutable health of one backend; replaced by compare-and-set.
     *
     * @param down      marked down; cooling while the clock is before {@code downUntil}, half-open after it
     * @param downUntil end of the current or last cool-down, in the clock's nanoseconds; meaningful only when down
     */
    private record State(int consecutive, boolean down, long downUntil) {
        static final State HEALTHY = new State(0, false, 0);
    }

    /** Rate limit of the "failing" WARN per backend. */
    static final long FIRST_FAILURE_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final class Entry {
        final AtomicReference<State> state = new AtomicReference<>(State.HEALTHY);
        final AtomicLong totalFailures = new AtomicLong();
        /** When the last "failing" WARN was written, and whether a failure was logged since the last success. */
        final AtomicLong failureLoggedAt = new AtomicLong(Long.MIN_VALUE);
        volatile boolean failureLogged;
        /** Why it was last marked down, for the status page. */
        volatile String downReason = "";
    }

    private final int failuresToMarkDown;
    private final long coolDownNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong markedDown = new AtomicLong();

    /**
     * @param failuresToMarkDown consecutive failures that mark a backend down, at least 1
     * @param coolDownNanos      how long a backend stays down before it is tried again, at least 0
     * @param nanoClock          monotonic clock in nanoseconds, such as {@code System::nanoTime}; called only when a
     *                           failure is recorded or a down backend is looked at; must not block
     */
    public PassiveHealth(int failuresToMarkDown, long coolDownNanos, LongSupplier nanoClock) {
        if (failuresToMarkDown < 1) {
            throw new IllegalArgumentException("failuresToMarkDown must be at least 1: " + failuresToMarkDown);
        }
        if (coolDownNanos < 0) {
            throw new IllegalArgumentException("coolDownNanos must not be negative: " + coolDownNanos);
        }
        this.failuresToMarkDown = failuresToMarkDown;
        this.coolDownNanos = coolDownNanos;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** True unless the backend is down and its cool-down has not ended; true for backends never reported on. */
    public boolean isUp(String backend) {
        Entry e = entries.get(backend);
        return e == null || isUp(e.state.get());
    }

    private boolean isUp(State s) {
        return !s.down() || nanoClock.getAsLong() - s.downUntil() >= 0;
    }

    /** Records a failure whose reason the caller does not know. */
    public void recordFailure(String backend) {
        recordFailure(backend, "failed");
    }

    /**
     * Records a connect failure, connect timeout or reset before any response byte; {@code reason} says which, for
     * the log (e.g. {@code connection refused}).
     */
    public void recordFailure(String backend, String reason) {
        Entry e = entries.computeIfAbsent(backend, name -> new Entry());
        e.totalFailures.incrementAndGet();
        long now = nanoClock.getAsLong();
        while (true) {
            State s = e.state.get();
            int count = s.consecutive() == Integer.MAX_VALUE ? Integer.MAX_VALUE : s.consecutive() + 1;
            State next;
            boolean markedDown;
            if (s.down() && now - s.downUntil() < 0) {
                next = new State(count, true, s.downUntil());
                markedDown = false;
            } else if (s.down() || count >= failuresToMarkDown) {
                next = new State(count, true, now + coolDownNanos);
                markedDown = true;
            } else {
                next = new State(count, false, 0);
                markedDown = false;
            }
            if (e.state.compareAndSet(s, next)) {
                if (markedDown) {
                    this.markedDown.incrementAndGet();
                    e.downReason = count + " failure(s) in a row, the last: " + reason;
                    e.failureLogged = true;
                    logDown(backend, s.down(), count, reason);
                } else if (s.consecutive() == 0 && !s.down()) {
                    logFirstFailure(e, backend, reason, now);
                }
                return;
            }
        }
    }

    private void logFirstFailure(Entry e, String backend, String reason, long now) {
        long last = e.failureLoggedAt.get();
        if (last != Long.MIN_VALUE && now - last < FIRST_FAILURE_LOG_NANOS || !e.failureLoggedAt.compareAndSet(last, now)) {
            return;
        }
        e.failureLogged = true;
        LOG.warn("Backend {} failing: {} ({} failure(s) in a row mark it down)", backend, reason, failuresToMarkDown);
    }

    private void logDown(String backend, boolean wasHalfOpen, int count, String reason) {
        long millis = TimeUnit.NANOSECONDS.toMillis(coolDownNanos);
        if (wasHalfOpen) {
            LOG.warn("Backend {} still failing after its cool-down ({}); down again for {} ms", backend, reason, millis);
        } else {
            LOG.warn("Backend {} marked down for {} ms after {} failure(s) in a row, the last: {}", backend, millis, count,
                    reason);
        }
    }

    /** Why {@code backend} is down (the failures that marked it), or empty while it is up. */
    public String downReason(String backend) {
        Entry e = entries.get(backend);
        return e == null || isUp(e.state.get()) ? "" : e.downReason;
    }

    /** How many times a backend was marked down (again) since this object was made, over all backends. */
    public long markedDownCount() {
        return markedDown.get();
    }

    /**
     * Records a response (any status, 5xx included). During a cool-down it is ignored: it may come from a request that
     * was sent before the backend was marked down.
     */
    public void recordSuccess(String backend) {
        recordSuccess(backend, false);
    }

    /**
     * Records a successful health check: a connection made just now, so it also ends a cool-down at once.
     */
    public void recordCheckSuccess(String backend) {
        recordSuccess(backend, true);
    }

    private void recordSuccess(String backend, boolean endsCoolDown) {
        Entry e = entries.get(backend);
        if (e == null) {
            return;
        }
        while (true) {
            State s = e.state.get();
            if (s == State.HEALTHY) {
                return;
            }
            if (s.down() && !isUp(s) && !endsCoolDown) {
                return;
            }
            if (e.state.compareAndSet(s, State.HEALTHY)) {
                if (e.failureLogged) {
                    e.failureLogged = false;
                    LOG.info("Backend {} is back up ({})", backend, endsCoolDown ? "health check connected" : "answered");
                }
                return;
            }
        }
    }

    /**
     * Makes {@code names} the known backends: forgets every other one and starts tracking new ones as up, so that
     * {@link #snapshot()} lists exactly these. Call it whenever the configured backends change. A failure reported
     * later for a removed name (a draining connection) tracks that name again until the next call.
     */
    public void retain(Set<String> names) {
        entries.keySet().retainAll(names);
        for (String name : names) {
            entries.computeIfAbsent(name, n -> new Entry());
        }
    }

    /**
     * The health of every tracked backend, sorted by name. {@code downUntilNanos} is the end of the current or last
     * cool-down and 0 for a backend not marked down since its last success. Each entry is consistent in itself;
     * entries are read one after another, not at a single instant.
     */
    public Map<String, BackendState> snapshot() {
        Map<String, BackendState> out = new TreeMap<>();
        entries.forEach((name, e) -> {
            State s = e.state.get();
            out.put(name, new BackendState(isUp(s), s.consecutive(), s.down() ? s.downUntil() : 0,
                    e.totalFailures.get()));
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * The candidates with the ones that are down moved to the end, the order otherwise kept, so that a request still
     * has somewhere to go when all are down. Returns {@code candidates} itself (no allocation) when none is down.
     */
    public List<Backend> preferUp(List<Backend> candidates) {
        int firstDown = -1;
        for (int i = 0; i < candidates.size(); i++) {
            if (!isUp(candidates.get(i).name())) {
                firstDown = i;
                break;
            }
        }
        if (firstDown < 0) {
            return candidates;
        }
        List<Backend> up = new ArrayList<>(candidates.size());
        List<Backend> down = new ArrayList<>(candidates.size() - firstDown);
        up.addAll(candidates.subList(0, firstDown));
        down.add(candidates.get(firstDown));
        for (int i = firstDown + 1; i < candidates.size(); i++) {
            Backend b = candidates.get(i);
            (isUp(b.name()) ? up : down).add(b);
        }
        up.addAll(down);
        return Collections.unmodifiableList(up);
    }
}
