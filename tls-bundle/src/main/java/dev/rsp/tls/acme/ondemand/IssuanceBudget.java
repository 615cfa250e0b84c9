package dev.rsp.tls.acme.ondemand;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many on-demand orders may start, so that a flood of allowed names cannot get the ACME account rate-limited
 * (Let's Encrypt: 300 new orders per account per 3 hours, 50 certificates per registered domain per week):
 * <ul>
 * <li>at most {@code maxInFlight} orders at once ({@code ondemand.max.in.flight}), one per name;</li>
 * <li>at most {@code perHour} orders started in any sliding hour ({@code ondemand.orders.per.hour});</li>
 * <li>after a failed order, none for that name for a backoff that starts at {@code backoffInitial} and doubles with
 * each further failure up to {@code backoffMax} ({@code ondemand.backoff.initial.ms}, {@code ondemand.backoff.max.ms});
 * a success forgets the failures.</li>
 * </ul>
 * Time comes from the injected clock. Thread-safe: every method holds the lock for a few map operations.
 */
public final class IssuanceBudget {

    private static final long HOUR_MS = 3_600_000L;
    /** Past this many names with a failure on record, the ones whose backoff ended a full {@code backoffMax} ago are forgotten. */
    static final int PRUNE_ABOVE = 4_096;

    private final int maxInFlight;
    private final int perHour;
    private final long backoffInitial;
    private final long backoffMax;
    private final Clock clock;
    private final Set<String> inFlight = new HashSet<>();
    /** Start times (clock millis) of the orders of the last hour, oldest first; at most {@code perHour} of them. */
    private final ArrayDeque<Long> started = new ArrayDeque<>();
    private final Map<String, Backoff> backoffs = new HashMap<>();

    private record Backoff(int failures, long until) {
    }

    public IssuanceBudget(int maxInFlight, int perHour, Duration backoffInitial, Duration backoffMax, Clock clock) {
        if (maxInFlight < 1 || perHour < 1 || backoffInitial.isNegative() || backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("budget: in flight " + maxInFlight + ", per hour " + perHour
                    + ", backoff " + backoffInitial + " to " + backoffMax);
        }
        this.maxInFlight = maxInFlight;
        this.perHour = perHour;
        this.backoffInitial = backoffInitial.toMillis();
        this.backoffMax = backoffMax.toMillis();
        this.clock = clock;
    }

    /** The budgets of {@code s}. */
    public static IssuanceBudget of(OnDemandSettings s, Clock clock) {
        return new IssuanceBudget(s.maxInFlight(), s.ordersPerHour(), s.backoffInitial(), s.backoffMax(), clock);
    }

    /** One order that started: end it exactly once; later calls do nothing. */
    public final class Permit {
        private final String name;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Permit(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** The certificate was obtained (or found already there): frees the slot and forgets the name's failures. */
        public void succeeded() {
            if (ended.compareAndSet(false, true)) {
                end(name, true);
            }
        }

        /** The order failed or was given up: frees the slot and starts or doubles the name's backoff. */
        public void failed() {
            if (ended.compareAndSet(false, true)) {
                end(name, false);
            }
        }
    }

    /**
     * What {@link #tryStart} would refuse now, without starting anything: for a caller that is about to do work (an
     * ask) that would be wasted.
     */
    public synchronized Optional<Refusal> refusal(String name) {
        long now = clock.millis();
        if (inFlight.contains(name)) {
            return Optional.of(Refusal.IN_PROGRESS);
        }
        Backoff b = backoffs.get(name);
        if (b != null && now < b.until) {
            return Optional.of(Refusal.BACKOFF);
        }
        if (inFlight.size() >= maxInFlight) {
            return Optional.of(Refusal.BUDGET_IN_FLIGHT);
        }
        expire(now);
        if (started.size() >= perHour) {
            return Optional.of(Refusal.BUDGET_HOURLY);
        }
        return Optional.empty();
    }

    /** Starts an order for {@code name} (canonical) if every budget allows: {@link Decision.Allowed} holds its permit. */
    public synchronized Decision tryStart(String name) {
        Optional<Refusal> refused = refusal(name);
        if (refused.isPresent()) {
            return new Decision.Refused(name, refused.get());
        }
        inFlight.add(name);
        started.addLast(clock.millis());
        return new Decision.Allowed(name, new Permit(name));
    }

    private synchronized void end(String name, boolean success) {
        inFlight.remove(name);
        if (success) {
            backoffs.remove(name);
            return;
        }
        long now = clock.millis();
        Backoff before = backoffs.get(name);
        int failures = before == null ? 1 : before.failures + 1;
        backoffs.put(name, new Backoff(failures, now + delay(failures)));
        if (backoffs.size() > PRUNE_ABOVE) {
            backoffs.values().removeIf(b -> now - b.until >= backoffMax);
        }
    }

    /** The backoff after the {@code failures}th failure in a row: initial, doubled each time, at most the maximum. */
    long delay(int failures) {
        int doublings = Math.min(failures - 1, 62);
        long d = backoffInitial;
        for (int i = 0; i < doublings && d < backoffMax; i++) {
            d *= 2;
        }
        return Math.min(d, backoffMax);
    }

    private void expire(long now) {
        while (!started.isEmpty() && now - started.peekFirst() >= HOUR_MS) {
            started.removeFirst();
        }
    }

    /** Until when {@code name} backs off, if it does now. */
    public synchronized Optional<Instant> backoffUntil(String name) {
        Backoff b = backoffs.get(name);
        return b == null || clock.millis() >= b.until ? Optional.empty() : Optional.of(Instant.ofEpochMilli(b.until));
    }

    /** Orders in flight now. */
    public synchronized int inFlight() {
        return inFlight.size();
    }

    /** Orders started in the last hour. */
    public synchronized int startedLastHour() {
        expire(clock.millis());
        return started.size();
    }
}
