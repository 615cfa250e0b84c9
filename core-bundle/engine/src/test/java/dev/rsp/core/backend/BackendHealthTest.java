package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfigs;
import dev.rsp.spi.routing.Backend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The state machine of {@link BackendHealth} with a fake clock: checks, outliers, the cap, slow start. */
class BackendHealthTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private static final Backend A = new Backend("a", "127.0.0.1", 1, 1);
    private static final Backend B = new Backend("b", "127.0.0.1", 2, 1);
    private static final Backend C = new Backend("c", "127.0.0.1", 3, 1);
    private static final Backend D = new Backend("d", "127.0.0.1", 4, 1);

    private BackendHealth health(Map<String, ?> keys) {
        List<String> errors = new ArrayList<>();
        HealthSettings s = HealthSettings.from(CoreConfigs.with(keys), errors);
        assertEquals(List.of(), errors);
        BackendHealth h = new BackendHealth(new PassiveHealth(3, 10 * SECOND, clock::get), s, clock::get);
        h.retain(Set.of("a", "b", "c", "d"));
        return h;
    }

    private void advance(long nanos) {
        clock.addAndGet(nanos);
    }

    @Test
    void aNewBackendIsTakenOutByItsFirstFailedCheckThenNeedsFallFailures() {
        BackendHealth h = health(Map.of("health.check.rise", "2", "health.check.fall", "3"));
        h.checkFailed("a", "health check GET /healthz answered 503");
        assertFalse(h.isUp("a"), "on probation: the first failure takes it out");
        assertEquals(new BackendHealth.Status(BackendHealth.State.DOWN, "health check GET /healthz answered 503", 0),
                h.snapshot().get("a"));
        h.checkPassed("a", "health check GET /healthz");
        assertFalse(h.isUp("a"), "rise is 2");
        h.checkPassed("a", "health check GET /healthz");
        assertTrue(h.isUp("a"));
        h.checkFailed("a", "x");
        h.checkFailed("a", "x");
        assertTrue(h.isUp("a"), "two of three failures");
        h.checkPassed("a", "ok");
        h.checkFailed("a", "x");
        h.checkFailed("a", "x");
        assertTrue(h.isUp("a"), "a pass in between starts the count again");
        h.checkFailed("a", "health check GET /healthz timed out after 2 s");
        assertFalse(h.isUp("a"));
        assertEquals("health check GET /healthz timed out after 2 s", h.snapshot().get("a").reason());
        assertEquals(2, h.events().checkDown());
        assertEquals(1, h.events().checkBack());
        assertEquals(6, h.events().checkFailed());
    }

    @Test
    void outBackendsGoLastAndAHealthyListIsReturnedAsIs() {
        BackendHealth h = health(Map.of());
        List<Backend> all = List.of(A, B, C);
        assertSame(all, h.preferUp(all));
        h.checkFailed("a", "down");
        assertEquals(List.of(B, C, A), h.preferUp(all));
        h.checkFailed("c", "down");
        assertEquals(List.of(B, A, C), h.preferUp(all), "out ones keep their order at the end");
    }

    @Test
    void consecutive5xxEjectForAGrowingCappedPeriodThatDecays() {
        BackendHealth h = health(Map.of("health.outlier.5xx", "3", "health.outlier.ejection.ms", "10000",
                "health.outlier.ejection.max.ms", "25000"));
        h.recordResponse("a", 500);
        h.recordResponse("a", 502);
        h.recordResponse("a", 200);
        h.recordResponse("a", 503);
        h.recordResponse("a", 503);
        assertTrue(h.isUp("a"), "a 200 in between starts the count again");
        h.recordResponse("a", 503);
        assertFalse(h.isUp("a"));
        assertEquals(BackendHealth.State.EJECTED, h.snapshot().get("a").state());
        assertEquals("3 consecutive 5xx; ejected for 10 s more", h.snapshot().get("a").reason());
        advance(10 * SECOND);
        assertTrue(h.isUp("a"));
        for (int i = 0; i < 3; i++) {
            h.recordResponse("a", 500);
        }
        advance(19 * SECOND);
        assertFalse(h.isUp("a"), "the second ejection lasts twice as long");
        advance(SECOND);
        assertTrue(h.isUp("a"));
        for (int i = 0; i < 3; i++) {
            h.recordResponse("a", 500);
        }
        advance(24 * SECOND);
        assertFalse(h.isUp("a"), "the third is capped at 25 s");
        advance(SECOND);
        assertTrue(h.isUp("a"));
        advance(30 * SECOND);
        for (int i = 0; i < 3; i++) {
            h.recordResponse("a", 500);
        }
        advance(10 * SECOND);
        assertTrue(h.isUp("a"), "30 s back took three off the count: a first ejection again");
        assertEquals(4, h.events().ejected());
    }

    @Test
    void timeoutsEjectOnlyWhenConfiguredAndAnAnswerResetsThem() {
        BackendHealth off = health(Map.of("health.outlier.5xx", "2"));
        for (int i = 0; i < 10; i++) {
            off.recordTimeout("a");
        }
        assertTrue(off.isUp("a"));
        BackendHealth h = health(Map.of("health.outlier.timeouts", "2"));
        h.recordTimeout("a");
        h.recordResponse("a", 500);
        h.recordTimeout("a");
        assertTrue(h.isUp("a"), "an answer, even a 5xx, breaks a run of timeouts; 5xx do not count here");
        h.recordTimeout("a");
        assertFalse(h.isUp("a"));
        assertEquals("2 consecutive timeouts; ejected for 30 s more", h.snapshot().get("a").reason());
    }

    @Test
    void theCapKeepsABackendInWhenTooManyAreOut() {
        BackendHealth h = health(Map.of("health.outlier.5xx", "1", "health.max.ejected.percent", "50"));
        h.recordResponse("a", 500);
        h.checkFailed("b", "down");
        assertFalse(h.isUp("a"));
        assertFalse(h.isUp("b"));
        h.recordResponse("c", 500);
        assertTrue(h.isUp("c"), "2 of 4 are out: 50 % allows no third");
        assertEquals(1, h.events().ejectionCapped());
        assertEquals(1, h.events().ejected());
        h.checkPassed("b", "ok");
        h.checkPassed("b", "ok");
        h.recordResponse("c", 500);
        assertFalse(h.isUp("c"), "b back: room for c");
    }

    @Test
    void atLeastOneBackendMayBeEjectedButNoneAtZeroPercent() {
        BackendHealth one = health(Map.of("health.outlier.5xx", "1", "health.max.ejected.percent", "10"));
        one.recordResponse("a", 500);
        one.recordResponse("b", 500);
        assertFalse(one.isUp("a"));
        assertTrue(one.isUp("b"));
        BackendHealth none = health(Map.of("health.outlier.5xx", "1", "health.max.ejected.percent", "0"));
        none.recordResponse("a", 500);
        assertTrue(none.isUp("a"));
    }

    @Test
    void slowStartSendsAGrowingShareFirstToTheBackendThatCameBack() {
        BackendHealth h = health(Map.of("health.slowstart.ms", "10000"));
        h.checkFailed("a", "down");
        h.checkPassed("a", "ok");
        h.checkPassed("a", "ok");
        List<Backend> both = List.of(A, B);
        assertEquals(10, firsts(h, both, 100), "10 % at the start");
        assertEquals(BackendHealth.State.SLOW_START, h.snapshot().get("a").state());
        advance(5 * SECOND);
        assertEquals(50, firsts(h, both, 100));
        advance(2 * SECOND);
        assertEquals(70, firsts(h, both, 100));
        advance(3 * SECOND);
        assertEquals(100, firsts(h, both, 100));
        assertEquals(BackendHealth.State.UP, h.snapshot().get("a").state());
        assertEquals(90 + 50 + 30, h.events().slowStartDeferred(), "each request not in the share is counted");
        assertEquals(List.of(A), h.preferUp(List.of(A)), "alone it takes every request");
    }

    @Test
    void slowStartAfterAnEjection() {
        BackendHealth h = health(Map.of("health.outlier.5xx", "1", "health.slowstart.ms", "10000"));
        h.recordResponse("a", 500);
        advance(30 * SECOND);
        assertEquals(10, firsts(h, List.of(A, B), 100));
        h.tick();
        advance(10 * SECOND);
        h.tick();
        assertEquals(100, firsts(h, List.of(A, B), 100));
    }

    /** How many of {@code n} requests routed to {@code candidates} go to its first one first. */
    private static int firsts(BackendHealth h, List<Backend> candidates, int n) {
        int first = 0;
        for (int i = 0; i < n; i++) {
            if (h.preferUp(candidates).get(0).equals(candidates.get(0))) {
                first++;
            }
        }
        return first;
    }

    @Test
    void passiveConnectFailuresStillTakeABackendOutWithTheirReason() {
        BackendHealth h = health(Map.of());
        for (int i = 0; i < 3; i++) {
            h.recordFailure("d", "connect: connection refused");
        }
        assertFalse(h.isUp("d"));
        assertEquals(List.of(A, D), h.preferUp(List.of(D, A)));
        assertEquals(new BackendHealth.Status(BackendHealth.State.DOWN,
                "3 failure(s) in a row, the last: connect: connection refused", 3), h.snapshot().get("d"));
    }

    @Test
    void invalidValuesAreRefusedOneLineEach() {
        Map<String, Object> bad = new HashMap<>();
        bad.put("health.check.path", "healthz");
        bad.put("health.check.method", "DELETE");
        bad.put("health.check.status", "200-199");
        bad.put("health.check.rise", "0");
        bad.put("health.max.ejected.percent", "101");
        bad.put("health.outlier.ejection.max.ms", "1000");
        List<String> errors = new ArrayList<>();
        HealthSettings.from(CoreConfigs.with(bad), errors);
        assertEquals(List.of(
                "health.check.path = 'healthz': expected a path starting with / of at most 1024 visible ASCII characters"
                        + " (no spaces), e.g. /healthz; empty: TCP check",
                "health.check.method = 'DELETE': expected one of GET, HEAD, OPTIONS",
                "health.check.status = '200-199': '200-199' is not a status code (100-599) nor a range of them such as"
                        + " 200-399",
                "health.check.rise = 0: must be 1 to 100",
                "health.outlier.ejection.max.ms = 1000: must be at least health.outlier.ejection.ms (30000)",
                "health.max.ejected.percent = 101: must be 0 to 100"), errors);
        assertEquals(HealthSettings.OFF, HealthSettings.from(CoreConfigs.DEFAULTS, new ArrayList<>()),
                "OFF is the defaults");
        List<String> none = new ArrayList<>();
        HealthSettings ok = HealthSettings.from(CoreConfigs.with(Map.of("health.check.status", "200, 204,300-399")), none);
        assertEquals(List.of(), none);
        assertTrue(ok.check().passes(204));
        assertFalse(ok.check().passes(203));
        assertTrue(ok.check().passes(302));
    }
}
