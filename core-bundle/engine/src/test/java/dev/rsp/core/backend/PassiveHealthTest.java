package dev.rsp.core.backend;

import dev.rsp.core.backend.PassiveHealth.BackendState;
import dev.rsp.spi.routing.Backend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PassiveHealthTest {

    private static final long COOL_DOWN = TimeUnit.SECONDS.toNanos(10);

    /** Starts near the end of the long range so that the code must compare clock values overflow-safely. */
    private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(5));
    private final PassiveHealth health = new PassiveHealth(3, COOL_DOWN, clock::get);

    private void fail(String backend, int times) {
        for (int i = 0; i < times; i++) {
            health.recordFailure(backend);
        }
    }

    private BackendState state(String backend) {
        return health.snapshot().get(backend);
    }

    @Test
    void unknownBackendsAreUpAndSuccessDoesNotTrackThem() {
        assertTrue(health.isUp("web"));
        health.recordSuccess("web");
        assertEquals(Map.of(), health.snapshot());
    }

    @Test
    void marksDownAfterConsecutiveFailures() {
        fail("web", 2);
        assertTrue(health.isUp("web"));
        assertEquals(new BackendState(true, 2, 0, 2), state("web"));

        long now = clock.get();
        fail("web", 1);
        assertFalse(health.isUp("web"));
        assertEquals(new BackendState(false, 3, now + COOL_DOWN, 3), state("web"));
        assertTrue(health.isUp("other"));
    }

    @Test
    void failuresWhileDownCountButDoNotExtendTheCoolDown() {
        long markedAt = clock.get();
        fail("web", 3);
        clock.addAndGet(COOL_DOWN / 2);
        fail("web", 2);
        assertEquals(new BackendState(false, 5, markedAt + COOL_DOWN, 5), state("web"));
    }

    @Test
    void stillDownOneNanosecondBeforeTheCoolDownEnds() {
        fail("web", 3);
        clock.addAndGet(COOL_DOWN - 1);
        assertFalse(health.isUp("web"));
        clock.addAndGet(1);
        assertTrue(health.isUp("web"));
    }

    @Test
    void halfOpenFirstFailureMarksDownAgainImmediately() {
        fail("web", 3);
        clock.addAndGet(COOL_DOWN);
        assertTrue(health.isUp("web"), "half-open after the cool-down");
        assertTrue(state("web").up());

        long now = clock.get();
        fail("web", 1);
        assertFalse(health.isUp("web"));
        assertEquals(new BackendState(false, 4, now + COOL_DOWN, 4), state("web"));
    }

    @Test
    void halfOpenFirstSuccessMakesItFullyUp() {
        fail("web", 3);
        clock.addAndGet(COOL_DOWN + 1);
        health.recordSuccess("web");
        assertEquals(new BackendState(true, 0, 0, 3), state("web"));

        fail("web", 2);
        assertTrue(health.isUp("web"), "needs three fresh failures again");
        fail("web", 1);
        assertFalse(health.isUp("web"));
    }

    @Test
    void successDuringTheCoolDownIsIgnored() {
        long markedAt = clock.get();
        fail("web", 3);
        clock.addAndGet(1);
        health.recordSuccess("web");
        assertFalse(health.isUp("web"));
        assertEquals(new BackendState(false, 3, markedAt + COOL_DOWN, 3), state("web"));
    }

    @Test
    void theFirstFailureIsLoggedAtOnceWithItsReasonAtMostOncePer10Seconds() {
        String first = capturingStderr(() -> health.recordFailure("web", "connection refused"));
        assertTrue(first.contains("WARN") && first.contains("Backend web failing: connection refused"), first);
        String again = capturingStderr(() -> {
            health.recordSuccess("web");
            clock.addAndGet(TimeUnit.SECONDS.toNanos(9));
            health.recordFailure("web", "connection reset");
        });
        assertTrue(again.contains("Backend web is back up (answered)") && !again.contains("failing"), again);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        health.recordSuccess("web");
        String later = capturingStderr(() -> health.recordFailure("web", "connect timed out"));
        assertTrue(later.contains("Backend web failing: connect timed out"), later);
    }

    @Test
    void aHealthCheckSuccessEndsTheCoolDownAtOnce() {
        fail("web", 3);
        clock.addAndGet(1);
        String log = capturingStderr(() -> health.recordCheckSuccess("web"));
        assertTrue(health.isUp("web"));
        assertEquals(new BackendState(true, 0, 0, 3), state("web"));
        assertTrue(log.contains("Backend web is back up (health check connected)"), log);
    }

    @Test
    void aMarkDownNamesTheLastReason() {
        fail("web", 2);
        String log = capturingStderr(() -> health.recordFailure("web", "connection refused"));
        assertTrue(log.contains("Backend web marked down for 10000 ms after 3 failure(s) in a row, the last: connection refused"), log);
    }

    /** What slf4j-simple (the test logger, on System.err) writes while {@code r} runs. */
    static String capturingStderr(Runnable r) {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(saved);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void successResetsTheConsecutiveCount() {
        fail("web", 2);
        health.recordSuccess("web");
        fail("web", 2);
        assertTrue(health.isUp("web"));
        assertEquals(new BackendState(true, 2, 0, 4), state("web"));
    }

    @Test
    void oneFailureMarksDownWhenTheThresholdIsOne() {
        PassiveHealth strict = new PassiveHealth(1, COOL_DOWN, clock::get);
        strict.recordFailure("web");
        assertFalse(strict.isUp("web"));
    }

    @Test
    void retainForgetsRemovedAndTracksNewBackends() {
        fail("a", 3);
        fail("b", 3);
        health.retain(Set.of("a", "c"));
        assertEquals(List.of("a", "c"), new ArrayList<>(health.snapshot().keySet()));
        assertFalse(health.isUp("a"));
        assertTrue(health.isUp("b"));
        assertEquals(new BackendState(true, 0, 0, 0), state("c"));

        health.retain(Set.of("b"));
        fail("b", 1);
        assertEquals(new BackendState(true, 1, 0, 1), state("b"), "b starts afresh");
        assertEquals(Set.of("b"), health.snapshot().keySet());
    }

    @Test
    void snapshotIsSortedAndUnmodifiable() {
        fail("zeta", 1);
        fail("alpha", 1);
        fail("mid", 1);
        Map<String, BackendState> snapshot = health.snapshot();
        assertEquals(List.of("alpha", "mid", "zeta"), new ArrayList<>(snapshot.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> snapshot.remove("alpha"));
    }

    @Test
    void preferUpReturnsTheSameListWhenAllAreUp() {
        List<Backend> candidates = List.of(backend("a"), backend("b"), backend("c"));
        fail("b", 2);
        assertSame(candidates, health.preferUp(candidates));
        assertSame(List.<Backend>of(), health.preferUp(List.of()));
    }

    @Test
    void preferUpMovesDownOnesToTheEndKeepingOrder() {
        List<Backend> candidates = List.of(backend("a"), backend("b"), backend("c"), backend("d"), backend("e"));
        fail("b", 3);
        fail("d", 3);
        assertEquals(names("a", "c", "e", "b", "d"), health.preferUp(candidates));
        assertEquals(names("a", "b", "c", "d", "e"), candidates, "input untouched");

        fail("a", 3);
        fail("c", 3);
        fail("e", 3);
        List<Backend> allDown = health.preferUp(candidates);
        assertNotSame(candidates, allDown);
        assertEquals(candidates, allDown, "all down: same order, still somewhere to go");

        clock.addAndGet(COOL_DOWN);
        assertSame(candidates, health.preferUp(candidates), "half-open counts as up");
    }

    @Test
    void concurrentFailuresAndSuccessesKeepCountsConsistent() throws Exception {
        int threads = 4;
        int iterations = 20_000;
        PassiveHealth shared = new PassiveHealth(Integer.MAX_VALUE, COOL_DOWN, clock::get);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < iterations; i++) {
                        shared.recordFailure("failing");
                        shared.recordFailure("mixed");
                        shared.recordSuccess("mixed");
                        shared.recordFailure("own-" + id);
                        shared.isUp("failing");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, BackendState> snapshot = shared.snapshot();
        long total = (long) threads * iterations;
        assertEquals(new BackendState(true, (int) total, 0, total), snapshot.get("failing"));
        assertEquals(total, snapshot.get("mixed").totalFailures());
        // Every thread's last report on "mixed" is a success, so the globally last report is one.
        assertEquals(0, snapshot.get("mixed").consecutiveFailures(), snapshot::toString);
        for (int t = 0; t < threads; t++) {
            assertEquals(new BackendState(true, iterations, 0, iterations), snapshot.get("own-" + t));
        }
    }

    @Test
    void concurrentFailuresMarkDownExactlyAtTheThreshold() throws Exception {
        int threads = 4;
        int perThread = 250;
        PassiveHealth shared = new PassiveHealth(threads * perThread, COOL_DOWN, clock::get);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        shared.recordFailure("web");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertFalse(shared.isUp("web"));
        assertEquals(threads * perThread, shared.snapshot().get("web").consecutiveFailures());
    }

    @Test
    void healthyPathDoesNotAllocate() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled());
        List<Backend> candidates = List.of(backend("a"), backend("b"));
        health.retain(Set.of("a", "b"));
        fail("a", 1);
        health.recordSuccess("a");
        long id = Thread.currentThread().getId();
        int iterations = 100_000;
        long before = threads.getThreadAllocatedBytes(id);
        int sink = 0;
        for (int i = 0; i < iterations; i++) {
            sink += health.isUp("a") ? 1 : 0;
            health.recordSuccess("a");
            health.recordSuccess("never-seen");
            sink += health.preferUp(candidates).size();
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(3 * iterations, sink);
        // A few hundred bytes of slack for the measurement itself, far below one object per call.
        assertTrue(allocated < 4096, () -> allocated + " bytes allocated for " + iterations + " healthy calls");
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new PassiveHealth(0, COOL_DOWN, clock::get));
        assertThrows(IllegalArgumentException.class, () -> new PassiveHealth(1, -1, clock::get));
        assertThrows(NullPointerException.class, () -> new PassiveHealth(1, COOL_DOWN, null));
    }

    private static Backend backend(String name) {
        return new Backend(name, name + ".internal", 80, 1);
    }

    private static List<Backend> names(String... names) {
        List<Backend> out = new ArrayList<>();
        for (String n : names) {
            out.add(backend(n));
        }
        return out;
    }
}
