package dev.rsp.core.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token bucket with a fake clock: burst, refill, what a refusal costs, and the clock's wrap. */
class BucketTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aFullBucketGivesItsBurstAtOnceThenOneTokenPerInterval() {
        Rate rate = Rate.of(10, TimeUnit.SECONDS, 5);
        long now = 1_000 * SECOND;
        Bucket b = new Bucket(now);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, b.take(now, rate), "token " + i + " of the burst");
        }
        long wait = b.take(now, rate);
        assertEquals(SECOND / 10, wait, "the next token comes one interval later");
        assertTrue(b.take(now + wait - 1, rate) > 0, "not a nanosecond earlier");
        assertEquals(0, b.take(now + wait, rate));
    }

    @Test
    void refusalsTakeNothingSoAClientThatKeepsKnockingStillGetsTheRate() {
        Rate rate = Rate.of(2, TimeUnit.SECONDS, 1);
        long now = 0;
        Bucket b = new Bucket(now);
        int admitted = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            if (b.take(now + ms * 1_000_000L, rate) == 0) {
                admitted++;
            }
        }
        assertEquals(20, admitted, "2 per second over 10 s, while asking every millisecond");
    }

    @Test
    void aQuietBucketFillsUpToItsBurstAndNoFurther() {
        Rate rate = Rate.of(1, TimeUnit.SECONDS, 3);
        Bucket b = new Bucket(0);
        for (int i = 0; i < 3; i++) {
            b.take(0, rate);
        }
        assertFalse(b.full(0));
        long later = 3600 * SECOND;
        assertTrue(b.full(later));
        int taken = 0;
        while (b.take(later, rate) == 0) {
            taken++;
        }
        assertEquals(3, taken, "an hour of quiet saves up the burst, not 3600 tokens");
    }

    @Test
    void aGivenBackTokenCanBeTakenAgain() {
        Rate rate = Rate.of(1, TimeUnit.MINUTES, 1);
        Bucket b = new Bucket(5);
        assertEquals(0, b.take(5, rate));
        assertTrue(b.take(5, rate) > 0);
        b.giveBack(rate);
        assertEquals(0, b.take(5, rate));
    }

    @Test
    void worksAcrossTheWrapOfNanoTime() {
        Rate rate = Rate.of(1, TimeUnit.SECONDS, 1);
        long now = Long.MAX_VALUE - SECOND / 2;
        Bucket b = new Bucket(now);
        assertEquals(0, b.take(now, rate));
        assertTrue(b.take(now + SECOND / 4, rate) > 0);
        assertEquals(0, b.take(now + SECOND, rate), "one second later, past the wrap");
    }

    @Test
    void ratesShowAsAnOperatorWritesThem() {
        assertEquals("10/s, burst 10", Rate.of(10, TimeUnit.SECONDS, 0).toString());
        assertEquals("30/m, burst 1", Rate.of(30, TimeUnit.MINUTES, 0).toString());
        assertEquals("7/h, burst 2", Rate.of(7, TimeUnit.HOURS, 2).toString());
        assertEquals("none", Rate.of(0, TimeUnit.SECONDS, 5).toString());
        assertEquals(1, RateLimiter.seconds(1));
        assertEquals(2, RateLimiter.seconds(SECOND + 1));
    }
}
