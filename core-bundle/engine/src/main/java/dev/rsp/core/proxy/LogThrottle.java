package dev.rsp.core.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per interval for one kind of event caused from the network, so that a flood of bad connections
 * cannot flood the log: {@link #permit} says whether this occurrence gets its line, and how many did not since the
 * last one (for the line to say so). The counters count every occurrence. Any thread; lock-free.
 */
final class LogThrottle {

    private final long intervalNanos;
    /** When the next line may be written (nanoTime). */
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong skipped = new AtomicLong();

    LogThrottle(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    /**
     * -1: no line this time (counted as skipped); otherwise the line may be written, and the result is how many
     * occurrences went without one since the previous line.
     */
    long permit(long now) {
        long at = next.get();
        if (now - at >= 0 && next.compareAndSet(at, now + intervalNanos)) {
            return skipped.getAndSet(0);
        }
        skipped.incrementAndGet();
        return -1;
    }

    /** " (N more not logged)" for a line after skipped ones, else empty. */
    static String more(long skipped) {
        return skipped > 0 ? " (" + skipped + " more since the last such line, not logged)" : "";
    }
}
