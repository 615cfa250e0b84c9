package dev.rsp.core.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One token bucket in a single long, kept as the generic cell rate algorithm does: the "theoretical arrival time"
 * ({@code tat}) by which the bucket would be full again. Taking a token moves it one interval later; the bucket is
 * empty when it would run more than {@code burst} intervals ahead of now. A refused take changes nothing, so a client
 * that keeps knocking still gets the rate through (unlike a sliding window that also counts what it refused).
 *
 * <p>Lock-free: every change is one compare-and-set, so loops on several threads may share a bucket. Times are
 * {@link System#nanoTime} values, compared by difference (safe across its wrap).
 */
final class Bucket {

    private static final VarHandle TAT;

    static {
        try {
            TAT = MethodHandles.lookup().findVarHandle(Bucket.class, "tat", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through TAT
    private volatile long tat;

    /** A full bucket at {@code now}. */
    Bucket(long now) {
        this.tat = now;
    }

    /**
     * Takes one token at {@code now}.
     *
     * @return 0 when taken, else how many nanoseconds until one can be (at least 1)
     */
    long take(long now, Rate rate) {
        while (true) {
            long t = tat;
            long start = t - now < 0 ? now : t;
            long next = start + rate.intervalNanos();
            long ahead = next - now - rate.toleranceNanos();
            if (ahead > 0) {
                return ahead;
            }
            if (TAT.compareAndSet(this, t, next)) {
                return 0;
            }
        }
    }

    /** Gives back a token taken by {@link #take} for a request that another limit then refused. */
    void giveBack(Rate rate) {
        TAT.getAndAdd(this, -rate.intervalNanos());
    }

    /** Whether the bucket is full at {@code now}: forgetting it loses nothing. */
    boolean full(long now) {
        return tat - now <= 0;
    }
}
