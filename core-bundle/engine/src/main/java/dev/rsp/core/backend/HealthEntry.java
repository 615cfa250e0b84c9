package dev.rsp.core.backend;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link BackendHealth} knows of one backend beyond passive connect failures: the active check's verdict (rise and
 * fall), outlier detection (consecutive 5xx answers and timeouts, ejections) and slow start. Pure state: it logs and
 * counts nothing (its owner does, from the transitions it returns), and reads no clock (times are passed in, in the
 * owner's nanoseconds).
 *
 * <p>Threads: the check methods are called by the active check's threads, one check of a backend at a time; the answer
 * and admission methods by every loop at once, lock-free; {@link #eject} under the owner's lock (the ejection cap looks
 * at every backend). Readers see each field's latest value; a reader may see a check verdict and an ejection of
 * slightly different moments, which only delays a reordering by one request.
 */
final class HealthEntry {

    static final long NONE = Long.MIN_VALUE;
    /** The share of its requests a backend gets at the start of its slow start, in per mille (Envoy's default 10 %). */
    static final int SLOW_START_FLOOR_PERMILLE = 100;

    /** What a check outcome changed. */
    enum Change { NONE, DOWN, BACK }

    // ---- active check: changed under this object's lock
    private volatile boolean checkDown;
    private volatile String checkReason = "";
    private int passedInARow;
    private int failedInARow;
    /** A backend never checked is up, but its first failed check takes it out at once (HAProxy's initial state). */
    private boolean probation = true;

    // ---- outlier detection
    private final AtomicInteger consecutive5xx = new AtomicInteger();
    private final AtomicInteger consecutiveTimeouts = new AtomicInteger();
    private volatile long ejectedUntil = NONE;
    private volatile String ejectReason = "";
    /** Set at an ejection, cleared by the one caller that reports its end. */
    private final AtomicBoolean ejectionOpen = new AtomicBoolean();
    /** Guarded by the owner's lock. */
    private int ejections;
    private long lastBackAt = NONE;
    /** Whether the cap kept this backend in since its last ejection or healthy answer (logged once). */
    final AtomicBoolean capNoted = new AtomicBoolean();

    // ---- slow start
    private volatile long slowStartFrom = NONE;
    private final AtomicLong offered = new AtomicLong();

    // ---------------------------------------------------------------- active check

    synchronized Change checkPassed(int rise, long now) {
        failedInARow = 0;
        probation = false;
        if (!checkDown) {
            return Change.NONE;
        }
        if (++passedInARow < rise) {
            return Change.NONE;
        }
        passedInARow = 0;
        checkDown = false;
        checkReason = "";
        startSlowStart(now);
        return Change.BACK;
    }

    synchronized Change checkFailed(String reason, int fall) {
        passedInARow = 0;
        failedInARow++;
        if (checkDown) {
            checkReason = reason;
            return Change.NONE;
        }
        if (failedInARow < fall && !probation) {
            return Change.NONE;
        }
        probation = false;
        checkDown = true;
        checkReason = reason;
        return Change.DOWN;
    }

    boolean checkDown() {
        return checkDown;
    }

    String checkReason() {
        return checkReason;
    }

    synchronized int checkFailedInARow() {
        return failedInARow;
    }

    // ---------------------------------------------------------------- outlier detection

    /**
     * A response from the backend (never rsp's own answer). Returns the consecutive 5xx count when it is at
     * {@code threshold} or beyond (the caller then tries to eject), else 0. A threshold of 0 counts nothing.
     */
    int answered(int status, int threshold) {
        if (consecutiveTimeouts.get() != 0) {
            consecutiveTimeouts.set(0);
        }
        if (status < 500) {
            if (consecutive5xx.get() != 0) {
                consecutive5xx.set(0);
            }
            if (capNoted.get()) {
                capNoted.set(false);
            }
            return 0;
        }
        if (threshold == 0) {
            return 0;
        }
        int n = consecutive5xx.incrementAndGet();
        return n >= threshold ? n : 0;
    }

    /** The backend did not answer in time; returns the consecutive count when it reached {@code threshold}, else 0. */
    int timedOut(int threshold) {
        if (threshold == 0) {
            return 0;
        }
        int n = consecutiveTimeouts.incrementAndGet();
        return n >= threshold ? n : 0;
    }

    /** The cap kept the backend in: it needs as many failures again before the next try. */
    void resetOutlierCounts() {
        consecutive5xx.set(0);
        consecutiveTimeouts.set(0);
    }

    /**
     * Ejects the backend from {@code now}: the ejection count, less one for every {@code baseNanos} the backend spent
     * back since its last ejection, goes up by one and sets the length (count x base, at most {@code maxNanos}); slow
     * start begins when it ends. Call under the owner's lock (the cap). Returns the ejection's number (1 for a first).
     */
    synchronized int eject(long now, long baseNanos, long maxNanos, String reason) {
        if (ejections > 0 && lastBackAt != NONE && now - lastBackAt > 0) {
            ejections = (int) Math.max(0, ejections - (now - lastBackAt) / baseNanos);
        }
        ejections++;
        long length = Math.min(maxNanos, baseNanos * Math.min(ejections, Integer.MAX_VALUE / 2));
        long until = now + length;
        lastBackAt = until;
        ejectReason = reason;
        ejectedUntil = until;
        ejectionOpen.set(true);
        capNoted.set(false);
        resetOutlierCounts();
        startSlowStart(until);
        return ejections;
    }

    boolean ejected(long now) {
        long until = ejectedUntil;
        return until != NONE && now - until < 0;
    }

    /** True once per ejection, for the first caller that sees it over: that caller reports the backend back. */
    boolean ejectionEnded(long now) {
        long until = ejectedUntil;
        return until != NONE && now - until >= 0 && ejectionOpen.compareAndSet(true, false);
    }

    long ejectedUntil() {
        return ejectedUntil;
    }

    String ejectReason() {
        return ejectReason;
    }

    // ---------------------------------------------------------------- slow start

    private void startSlowStart(long from) {
        offered.set(0);
        slowStartFrom = from;
    }

    /** The share of its requests the backend gets now, in per mille; 1000 outside a slow start. */
    int slowStartPermille(long now, long windowNanos) {
        long from = slowStartFrom;
        if (from == NONE || windowNanos == 0 || now - from >= windowNanos) {
            return 1000;
        }
        long elapsed = Math.max(0, now - from);
        return (int) Math.max(SLOW_START_FLOOR_PERMILLE, elapsed * 1000 / windowNanos);
    }

    /**
     * Whether a request for which the backend is the first candidate goes to it: the {@code k}-th such request since
     * the slow start began is admitted when {@code floor((k+1) s) > floor(k s)} for the share {@code s} of the
     * moment, so of any n requests in a row about {@code n s} are, deterministically.
     */
    boolean admit(long now, long windowNanos) {
        int permille = slowStartPermille(now, windowNanos);
        if (permille >= 1000) {
            return true;
        }
        long k = offered.getAndIncrement();
        return (k + 1) * permille / 1000 > k * permille / 1000;
    }

    /** Neither taken out by its check nor ejected, nor in slow start: the common case, decided without a clock read. */
    boolean plain() {
        return !checkDown && ejectedUntil == NONE && slowStartFrom == NONE;
    }

    /** Forgets an ejection and a slow start that are over, so that {@link #plain} holds again. */
    synchronized void settle(long now, long windowNanos) {
        long until = ejectedUntil;
        if (until != NONE && now - until >= 0 && !ejectionOpen.get()) {
            ejectedUntil = NONE;
        }
        long from = slowStartFrom;
        if (from != NONE && (windowNanos == 0 || now - from >= windowNanos)) {
            slowStartFrom = NONE;
        }
    }
}
