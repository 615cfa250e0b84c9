package dev.rsp.core.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests of one client address in progress in one scope, and the slot an admitted request holds in it: the
 * request's owner calls {@link #release} exactly once, whichever way the request ends. Lock-free.
 */
public final class InFlight implements Decision {

    private final AtomicInteger count = new AtomicInteger();

    /** Takes a slot when fewer than {@code limit} are taken. */
    boolean tryAcquire(int limit) {
        while (true) {
            int n = count.get();
            if (n >= limit) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives the slot back. */
    public void release() {
        count.decrementAndGet();
    }

    int count() {
        return count.get();
    }
}
