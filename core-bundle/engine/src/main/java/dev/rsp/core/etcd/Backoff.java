package dev.rsp.core.etcd;

import java.util.Random;

/**
 * Waits between reconnections: exponential from {@code min}, capped at {@code max}, with "equal jitter" (half the
 * step fixed, half random) so that a fleet that lost etcd together does not come back in step.
 */
final class Backoff {

    private final long minMs;
    private final long maxMs;
    private final Random random;

    Backoff(long minMs, long maxMs, Random random) {
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.random = random;
    }

    /** The wait before attempt {@code failures} + 1 (failures >= 1), in milliseconds, within [min/2, max]. */
    long delayMs(int failures) {
        long step = minMs << Math.min(Math.max(failures - 1, 0), 20);
        if (step <= 0 || step > maxMs) {
            step = maxMs;
        }
        long half = step / 2;
        return half + (long) (random.nextDouble() * (step - half + 1));
    }
}
