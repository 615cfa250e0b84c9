package dev.rsp.core.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log side of rsp's own 5xx answers: the client sees only the status's page, the detail (which backend, what it
 * did) is logged here at WARN, at most {@link #PER_SECOND} lines a second across all loops so that a failing backend
 * under load cannot flood the log; what was left out is counted in the next line. Thread-safe, lock-free.
 */
final class ReplyLog {

    static final int PER_SECOND = 10;

    private static final AtomicLong second = new AtomicLong();
    private static final AtomicInteger lines = new AtomicInteger();
    private static final AtomicInteger suppressed = new AtomicInteger();

    private ReplyLog() {
    }

    static void detail(int status, String detail, String host) {
        long now = System.nanoTime() / 1_000_000_000L;
        long current = second.get();
        if (now != current && second.compareAndSet(current, now)) {
            lines.set(0);
        }
        if (lines.incrementAndGet() > PER_SECOND) {
            suppressed.incrementAndGet();
            return;
        }
        int left = suppressed.getAndSet(0);
        ProxyEngine.log.warn("answered {} for {}: {}{}", status, host.isEmpty() ? "-" : host, detail,
                left == 0 ? "" : " (" + left + " similar lines left out)");
    }
}
