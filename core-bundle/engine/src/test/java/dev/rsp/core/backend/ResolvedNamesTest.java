package dev.rsp.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.HostLookup.Addresses;
import dev.rsp.core.backend.HostLookup.Failed;
import dev.rsp.core.backend.ResolvedNames.Key;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Socket-free, on a fake clock with a fixed seed: TTL clamping and jitter, retries, the last good answer's hold. */
class ResolvedNamesTest {

    static final long S = TimeUnit.SECONDS.toNanos(1);
    final AtomicLong now = new AtomicLong(1_000 * S);
    final DnsCounters counters = new DnsCounters();
    final ResolvedNames names = new ResolvedNames(now::get, new SplittableRandom(42), counters);
    final Key web = new Key("web.internal", false);

    static DnsSettings settings(long minS, long maxS, int jitter, long holdS, long retryS) {
        return new DnsSettings(List.of(), "", minS * S, maxS * S, jitter, holdS * S, retryS * S, 5 * S);
    }

    static Addresses a(long ttl, String... ips) throws Exception {
        List<InetAddress> list = new ArrayList<>();
        for (String ip : ips) {
            list.add(InetAddress.getByName(ip));
        }
        return new Addresses(list, ttl);
    }

    /** Seconds after an answer with {@code ttl} until the name is due again (searched in 1 ms steps). */
    long dueAfterMillis(long ttl) throws Exception {
        names.use(Set.of(web));
        names.due();
        names.answered(web, a(ttl, "10.0.0.1"));
        long start = now.get();
        while (names.due().isEmpty()) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return TimeUnit.NANOSECONDS.toMillis(now.get() - start);
    }

    @Test
    void aTtlIsClampedToTheConfiguredRangeWithoutJitter() throws Exception {
        names.settings(settings(1, 300, 0, 60, 2));
        assertEquals(1_000, dueAfterMillis(0), "TTL 0 is raised to dns.ttl.min.ms");
        assertEquals(30_000, dueAfterMillis(30), "a TTL in range is used as it is");
        assertEquals(300_000, dueAfterMillis(86_400), "a day is lowered to dns.ttl.max.ms");
    }

    @Test
    void jitterComesEarlyByAtMostItsPercentageAndSpreadsTheRefreshes() throws Exception {
        names.settings(settings(1, 300, 10, 60, 2));
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long ms = dueAfterMillis(100);
            assertTrue(ms >= 90_000 && ms <= 100_000, "within 10 % before the TTL: " + ms);
            seen.add(ms);
        }
        assertTrue(seen.stream().distinct().count() > 10, "not all at the same moment: " + seen);
    }

    @Test
    void aFailingNameKeepsItsLastAnswerForTheHoldThenIsUnresolvedOnce() throws Exception {
        names.settings(settings(1, 300, 0, 10, 2));
        names.use(Set.of(web));
        names.due();
        assertTrue(names.answered(web, a(5, "10.0.0.1")), "a first answer is a change");

        now.addAndGet(5 * S);
        assertEquals(List.of(web), names.due());
        assertFalse(names.answered(web, new Failed("server failure (SERVFAIL)")), "held: nothing changes");
        assertEquals("10.0.0.1", names.address("web.internal").orElseThrow().getHostAddress());
        assertEquals(1, counters.held());
        assertEquals(1, counters.holdingNow());

        now.addAndGet(1 * S);
        assertTrue(names.due().isEmpty(), "the retry waits dns.retry.ms");
        now.addAndGet(1 * S);
        assertEquals(List.of(web), names.due());
        assertFalse(names.answered(web, new Failed("timed out")));
        assertTrue(names.address("web.internal").isPresent(), "still within dns.hold.ms");

        now.addAndGet(8 * S);
        names.due();
        assertTrue(names.answered(web, new Failed("timed out")), "the hold ran out: the answer is dropped");
        assertTrue(names.address("web.internal").isEmpty());
        assertEquals(1, counters.expired());
        assertEquals(0, counters.holdingNow());
        assertEquals(1, counters.unresolvedNow());
        assertEquals(3, counters.failed());

        now.addAndGet(2 * S);
        names.due();
        assertTrue(names.answered(web, a(5, "10.0.0.2")), "resolving again is a change");
        assertEquals("10.0.0.2", names.address("web.internal").orElseThrow().getHostAddress());
        assertEquals(0, counters.unresolvedNow());
        assertEquals(5, counters.lookups());
    }

    @Test
    void aNameWithSeveralAddressesKeepsItsChoiceWhileTheAnswerHasIt() throws Exception {
        names.settings(settings(1, 300, 0, 10, 2));
        names.use(Set.of(web));
        names.due();
        names.answered(web, a(1, "10.0.0.2", "10.0.0.1", "::1"));
        assertEquals("10.0.0.1", names.address("web.internal").orElseThrow().getHostAddress(), "the lowest IPv4");
        assertFalse(names.answered(web, a(1, "10.0.0.3", "10.0.0.1")), "rotated, still there: no move");
        assertTrue(names.answered(web, a(1, "10.0.0.3")), "gone from the answer: moves");
        assertEquals("10.0.0.3", names.address("web.internal").orElseThrow().getHostAddress());
        assertEquals(1, counters.changed(), "the move; a first answer is no change of answer");
    }

    @Test
    void namesNoLongerInUseAreForgottenAndTheirLateAnswersDropped() throws Exception {
        names.use(Set.of(web));
        names.due();
        names.use(Set.of());
        assertFalse(names.answered(web, a(1, "10.0.0.1")));
        assertTrue(names.address("web.internal").isEmpty());
    }
}
