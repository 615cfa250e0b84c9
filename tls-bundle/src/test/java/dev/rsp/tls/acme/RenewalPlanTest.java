package dev.rsp.tls.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RenewalPlanTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(90));

    @Test
    void renewsWithAThirdLeftAndAtMostATenthOfThatEarlier() {
        RenewalPlan plan = new RenewalPlan(1.0 / 3, Duration.ofMinutes(1), Duration.ofDays(1), new Random(42));
        Instant latest = EXPIRES.minus(Duration.ofDays(30));
        Instant earliest = latest.minus(Duration.ofDays(3));
        for (int i = 0; i < 1000; i++) {
            Instant at = plan.renewAt(ISSUED, EXPIRES);
            assertTrue(!at.isAfter(latest) && !at.isBefore(earliest), at.toString());
        }
    }

    @Test
    void theJitterSpreadsCertificatesAndIsRepeatableWithASeed() {
        Instant a = new RenewalPlan(1.0 / 3, Duration.ofMinutes(1), Duration.ofDays(1), new Random(1)).renewAt(ISSUED, EXPIRES);
        Instant b = new RenewalPlan(1.0 / 3, Duration.ofMinutes(1), Duration.ofDays(1), new Random(1)).renewAt(ISSUED, EXPIRES);
        RenewalPlan plan = new RenewalPlan(1.0 / 3, Duration.ofMinutes(1), Duration.ofDays(1), new Random(1));
        assertEquals(a, b);
        assertNotEquals(plan.renewAt(ISSUED, EXPIRES), plan.renewAt(ISSUED, EXPIRES));
    }

    @Test
    void backoffDoublesFromAMinuteUpToADay() {
        RenewalPlan plan = new RenewalPlan(1.0 / 3, Duration.ofMinutes(1), Duration.ofDays(1), new Random(1));
        assertEquals(Duration.ofMinutes(1), plan.backoff(1));
        assertEquals(Duration.ofMinutes(2), plan.backoff(2));
        assertEquals(Duration.ofMinutes(512), plan.backoff(10));
        assertEquals(Duration.ofMinutes(1024), plan.backoff(11));
        assertEquals(Duration.ofDays(1), plan.backoff(12));
        assertEquals(Duration.ofDays(1), plan.backoff(1_000));
    }
}
