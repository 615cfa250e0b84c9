package dev.rsp.tls.acme.ondemand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IssuanceBudgetTest {

    final MutableClock clock = new MutableClock();

    IssuanceBudget budget(int inFlight, int perHour) {
        return new IssuanceBudget(inFlight, perHour, Duration.ofMinutes(1), Duration.ofHours(24), clock);
    }

    static IssuanceBudget.Permit allowed(Decision d) {
        return assertInstanceOf(Decision.Allowed.class, d, String.valueOf(d)).permit();
    }

    static Refusal refused(Decision d) {
        return assertInstanceOf(Decision.Refused.class, d, String.valueOf(d)).reason();
    }

    @Test
    void atMostNOrdersInFlightAndOnePerName() {
        IssuanceBudget b = budget(2, 60);
        IssuanceBudget.Permit first = allowed(b.tryStart("a.example.com"));
        assertEquals(Refusal.IN_PROGRESS, refused(b.tryStart("a.example.com")));
        allowed(b.tryStart("b.example.com"));
        assertEquals(Refusal.BUDGET_IN_FLIGHT, refused(b.tryStart("c.example.com")));
        assertEquals(Optional.of(Refusal.BUDGET_IN_FLIGHT), b.refusal("c.example.com"));
        first.succeeded();
        first.succeeded(); // a second end changes nothing
        assertEquals(1, b.inFlight());
        allowed(b.tryStart("c.example.com"));
        assertEquals(2, b.inFlight());
    }

    @Test
    void theHourlyCapSlidesWithTheClock() {
        IssuanceBudget b = budget(100, 3);
        allowed(b.tryStart("a.example.com")).succeeded();
        clock.advance(Duration.ofMinutes(20));
        allowed(b.tryStart("b.example.com")).succeeded();
        allowed(b.tryStart("c.example.com")).failed();
        assertEquals(Refusal.BUDGET_HOURLY, refused(b.tryStart("d.example.com")));
        clock.advance(Duration.ofMinutes(39));
        assertEquals(Refusal.BUDGET_HOURLY, refused(b.tryStart("d.example.com")), "the first is 59 min old");
        clock.advance(Duration.ofMinutes(1));
        allowed(b.tryStart("d.example.com"));
        assertEquals(Refusal.BUDGET_HOURLY, refused(b.tryStart("e.example.com")));
        assertEquals(3, b.startedLastHour());
    }

    @Test
    void backoffDoublesFromOneMinuteToADayAndASuccessResetsIt() {
        IssuanceBudget b = budget(10, 100_000);
        String name = "flaky.example.com";
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            allowed(b.tryStart(name)).failed();
            Instant until = b.backoffUntil(name).orElseThrow();
            waits.add(Duration.between(clock.instant(), until));
            clock.advance(Duration.between(clock.instant(), until).minusSeconds(1));
            assertEquals(Refusal.BACKOFF, refused(b.tryStart(name)), "still backing off after " + waits);
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4), Duration.ofMinutes(8),
                Duration.ofMinutes(16), Duration.ofMinutes(32), Duration.ofMinutes(64), Duration.ofMinutes(128),
                Duration.ofMinutes(256), Duration.ofMinutes(512), Duration.ofMinutes(1024), Duration.ofHours(24),
                Duration.ofHours(24)), waits);
        allowed(b.tryStart(name)).succeeded();
        assertEquals(Optional.empty(), b.backoffUntil(name));
        allowed(b.tryStart(name)).failed();
        assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(1))), b.backoffUntil(name), "back to 1 min");
        allowed(b.tryStart("other.example.com")); // the backoff is per name
    }

    @Test
    void aFailedOrderFreesItsSlot() {
        IssuanceBudget b = budget(1, 60);
        allowed(b.tryStart("a.example.com")).failed();
        allowed(b.tryStart("b.example.com"));
        assertTrue(b.backoffUntil("a.example.com").isPresent());
    }
}
