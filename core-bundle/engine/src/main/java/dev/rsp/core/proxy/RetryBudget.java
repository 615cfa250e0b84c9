package dev.rsp.core.proxy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests rsp may send to a backend again, over all loops: retries may add at most a percentage of the
 * requests of the last {@value #WINDOW_SECONDS} seconds, plus a floor per second that lets a quiet proxy retry at all
 * (Linkerd's retry budget: {@code retryRatio}, {@code minRetriesPerSecond}, a 10 s window). So when a backend fails
 * everything it gets, retries cannot multiply the load on the others.
 *
 * <p>The window is {@value #WINDOW_SECONDS} buckets of one second, reused round-robin; counting is a few atomic
 * operations, no lock. Under races (two loops retrying at once, a bucket recycled while another loop counts into it)
 * the budget is approximate by those few counts. The clock is passed in by the caller ({@link System#nanoTime()}, or a
 * test's), so the class holds no time of its own. Any thread.
 */
final class RetryBudget {

    static final int WINDOW_SECONDS = 10;
    private static final long SECOND = 1_000_000_000L;

    private final Bucket[] buckets = new Bucket[WINDOW_SECONDS];

    private static final class Bucket {
        /** The second (nanoTime / 1 s) this bucket counts for. */
        final AtomicLong second = new AtomicLong(Long.MIN_VALUE);
        final LongAdder requests = new LongAdder();
        final AtomicLong retries = new AtomicLong();
    }

    RetryBudget() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket();
        }
    }

    /** Counts a request that goes to the backends (its first attempt). */
    void request(long nowNanos) {
        bucket(nowNanos).requests.increment();
    }

    /**
     * Whether one more retry fits the budget at {@code nowNanos}; if so, it is counted.
     *
     * @param percent     retries allowed as a percentage of the window's requests
     * @param minPerSecond retries per second allowed whatever the percentage says
     */
    boolean tryRetry(long nowNanos, int percent, int minPerSecond) {
        long second = Math.floorDiv(nowNanos, SECOND);
        Bucket current = bucket(nowNanos);
        long requests = 0;
        long retries = 0;
        for (Bucket b : buckets) {
            long s = b.second.get();
            if (s <= second && second - s < WINDOW_SECONDS) {
                requests += b.requests.sum();
                retries += b.retries.get();
            }
        }
        long allowed = requests * percent / 100 + (long) minPerSecond * WINDOW_SECONDS;
        if (retries >= allowed) {
            return false;
        }
        current.retries.incrementAndGet();
        return true;
    }

    /** The bucket of {@code nowNanos}'s second, emptied first when it last counted an older second. */
    private Bucket bucket(long nowNanos) {
        long second = Math.floorDiv(nowNanos, SECOND);
        Bucket b = buckets[(int) Math.floorMod(second, (long) WINDOW_SECONDS)];
        long seen = b.second.get();
        if (seen < second && b.second.compareAndSet(seen, second)) {
            b.requests.reset();
            b.retries.set(0);
        }
        return b;
    }
}
