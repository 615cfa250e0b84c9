package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The retry budget's window, with a clock the test moves (nanoseconds passed in). */
class RetryBudgetTest {

    static final long S = 1_000_000_000L;
    /** Any start: nanoTime may be negative. */
    static final long T0 = -7 * S + 123;

    static int retriesAllowed(RetryBudget b, long now, int percent, int minPerSecond) {
        int n = 0;
        while (b.tryRetry(now, percent, minPerSecond)) {
            n++;
            if (n > 1_000_000) {
                throw new AssertionError("no bound");
            }
        }
        return n;
    }

    @Test
    void withoutRequestsOnlyTheFloorOverTheWindowIsAllowed() {
        RetryBudget b = new RetryBudget();
        assertEquals(10 * RetryBudget.WINDOW_SECONDS, retriesAllowed(b, T0, 20, 10));
        assertFalse(b.tryRetry(T0 + S / 2, 20, 10), "still inside the same window");
    }

    @Test
    void retriesAddAtMostThePercentageOfRecentRequests() {
        RetryBudget b = new RetryBudget();
        for (int i = 0; i < 1000; i++) {
            b.request(T0 + i * (S / 1000));
        }
        assertEquals(200, retriesAllowed(b, T0 + S, 20, 0));
    }

    @Test
    void floorAndPercentageAdd() {
        RetryBudget b = new RetryBudget();
        for (int i = 0; i < 500; i++) {
            b.request(T0);
        }
        assertEquals(100 + 10 * RetryBudget.WINDOW_SECONDS, retriesAllowed(b, T0, 20, 10));
    }

    @Test
    void zeroPercentAndZeroFloorAllowNothing() {
        RetryBudget b = new RetryBudget();
        for (int i = 0; i < 100; i++) {
            b.request(T0);
        }
        assertFalse(b.tryRetry(T0, 0, 0));
    }

    @Test
    void requestsAndRetriesOlderThanTheWindowNoLongerCount() {
        RetryBudget b = new RetryBudget();
        for (int i = 0; i < 1000; i++) {
            b.request(T0);
        }
        assertEquals(200, retriesAllowed(b, T0, 20, 0));
        long later = T0 + 5 * S;
        assertFalse(b.tryRetry(later, 20, 0), "5 s later both the requests and the retries are still in the window");
        long gone = T0 + RetryBudget.WINDOW_SECONDS * S;
        assertFalse(b.tryRetry(gone, 20, 0), "the requests left the window: nothing to take a percentage of");
        for (int i = 0; i < 100; i++) {
            b.request(gone);
        }
        assertEquals(20, retriesAllowed(b, gone, 20, 0), "the old retries left with them");
    }

    @Test
    void slidingWindowCountsEachSecondOnce() {
        RetryBudget b = new RetryBudget();
        for (int s = 0; s < 30; s++) {
            for (int i = 0; i < 100; i++) {
                b.request(T0 + s * S);
            }
            assertTrue(b.tryRetry(T0 + s * S, 20, 0));
        }
        // 10 s of 100 requests each: 200 retries, 10 of them taken (one per second of the window)
        assertEquals(190, retriesAllowed(b, T0 + 29 * S, 20, 0));
    }
}
