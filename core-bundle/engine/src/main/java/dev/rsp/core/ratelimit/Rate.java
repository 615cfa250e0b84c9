package dev.rsp.core.ratelimit;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket's shape: one token every {@code intervalNanos}, at most {@code burst} tokens saved up (so up to
 * {@code burst} requests may come at once after a quiet period). {@link #UNLIMITED} is the absence of a limit.
 * Immutable.
 */
public record Rate(long intervalNanos, long burst) {

    public static final Rate UNLIMITED = new Rate(0, 0);

    /** Most tokens per second a rate may give (one every microsecond). */
    static final long MAX_PER_SECOND = 1_000_000;
    /** Largest burst. */
    static final long MAX_BURST = 1_000_000;

    /**
     * {@code count} tokens per {@code unit}, with {@code burst} saved up at most; a burst of 0 means as many as the rate
     * gives in one second (at least 1). A count of 0 is {@link #UNLIMITED}.
     */
    static Rate of(long count, TimeUnit unit, long burst) {
        if (count == 0) {
            return UNLIMITED;
        }
        long interval = Math.max(1, unit.toNanos(1) / count);
        long perSecond = TimeUnit.SECONDS.toNanos(1) / interval;
        return new Rate(interval, burst > 0 ? burst : Math.max(1, perSecond));
    }

    public boolean limited() {
        return intervalNanos > 0;
    }

    /** How far ahead of now a full bucket may run: {@code burst} intervals. */
    long toleranceNanos() {
        return intervalNanos * burst;
    }

    /** As an operator writes it: {@code 10/s, burst 20}, {@code 30/m, burst 1}, or {@code none}. */
    @Override
    public String toString() {
        if (!limited()) {
            return "none";
        }
        long perHour = TimeUnit.HOURS.toNanos(1) / intervalNanos;
        String rate = perHour % 3600 == 0 ? perHour / 3600 + "/s" : perHour % 60 == 0 ? perHour / 60 + "/m" : perHour + "/h";
        return rate + ", burst " + burst;
    }
}
