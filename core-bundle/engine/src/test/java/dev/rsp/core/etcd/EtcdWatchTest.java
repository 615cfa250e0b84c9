package dev.rsp.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsp.core.proxy.Counter;
import dev.rsp.core.testing.ExternalPrograms;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The list-and-watch state machine against {@link FakeEtcd}: what a consumer of the sets observes. */
class EtcdWatchTest {

    final List<EtcdSnapshot> got = new CopyOnWriteArrayList<>();
    final EtcdStats stats = new EtcdStats();
    FakeEtcd etcd;
    EtcdWatch watch;

    @AfterEach
    void stop() {
        if (watch != null) {
            watch.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    static EtcdSettings settings(List<URI> endpoints, Map<String, Object> more) {
        Map<String, Object> p = new HashMap<>();
        p.put("endpoints", String.join(",", endpoints.stream().map(URI::toString).toList()));
        p.put("coalesce.ms", "200");
        p.put("backoff.min.ms", "20");
        p.put("backoff.max.ms", "200");
        p.put("timeout.connect.ms", "500");
        p.put("timeout.request.ms", "2000");
        p.putAll(more);
        EtcdSettings.Parsed parsed = EtcdSettings.read(p);
        if (parsed instanceof EtcdSettings.Invalid i) {
            fail(i.errors().toString());
        }
        return ((EtcdSettings.Valid) parsed).settings();
    }

    void start(Map<String, Object> more) throws Exception {
        start(List.of(etcd.uri()), more);
    }

    void start(List<URI> endpoints, Map<String, Object> more) {
        watch = new EtcdWatch(settings(endpoints, more), stats, new Random(5), got::add);
        watch.start();
    }

    EtcdSnapshot last() {
        return got.get(got.size() - 1);
    }

    static void await(String what, BooleanSupplier condition) {
        if (!ExternalPrograms.poll(condition, java.time.Duration.ofSeconds(10))) {
            fail("timed out waiting for " + what);
        }
    }

    @Test
    void readsThePrefixThenFollowsChanges() throws Exception {
        etcd = new FakeEtcd();
        etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
        etcd.put("/rsp/other/backends/x", "10.0.0.9:80");
        start(Map.of());
        await("the first set", () -> got.size() == 1);
        assertEquals(Map.of("backends/a", "10.0.0.1:80"), last().values());
        etcd.put("/rsp/default/backends/b", "10.0.0.2:80");
        etcd.delete("/rsp/default/backends/a");
        await("the change", () -> last().values().equals(Map.of("backends/b", "10.0.0.2:80")));
        assertEquals(EtcdStats.State.WATCHING, stats.state());
        assertEquals(1, stats.get(Counter.ETCD_LISTS));
        assertEquals(2, stats.get(Counter.ETCD_EVENTS));
    }

    @Test
    void aBurstIsOnePublication() throws Exception {
        etcd = new FakeEtcd();
        start(Map.of("coalesce.ms", "2000"));
        await("the first set", () -> got.size() == 1);
        // within the window the first set opened: all 30 go out together at its end
        for (int i = 0; i < 30; i++) {
            etcd.put("/rsp/default/backends/b" + i, "10.0.0." + i + ":80");
        }
        await("the burst", () -> last().values().size() == 30);
        Thread.sleep(600); // nothing more may come: a check of absence, not a synchronisation
        assertEquals(2, got.size(), "30 puts within coalesce.ms went out as one set");
    }

    @Test
    void aLoneChangeAfterAQuietPeriodGoesOutAtOnce() throws Exception {
        etcd = new FakeEtcd();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        watch = new EtcdWatch(settings(List.of(etcd.uri()), Map.of("coalesce.ms", "60000")), stats, new Random(5),
                got::add, now::get);
        watch.start();
        await("the first set", () -> got.size() == 1);
        now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(60_001));
        // a quiet period longer than the one-minute window: the change does not wait for a window (the await gives up long
        // before a window would end)
        etcd.put("/rsp/default/backends/lone", "10.0.0.1:80");
        await("the lone change", () -> got.size() == 2);
        assertEquals(Map.of("backends/lone", "10.0.0.1:80"), last().values());
    }

    @Test
    void aCompactedRevisionIsReadAgain() throws Exception {
        etcd = new FakeEtcd();
        etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
        start(Map.of());
        await("the first set", () -> got.size() == 1);
        etcd.down(true);
        etcd.put("/rsp/default/backends/b", "10.0.0.2:80");
        etcd.put("/rsp/default/backends/c", "10.0.0.3:80");
        etcd.compact();
        etcd.down(false);
        await("the set after the compaction", () -> last().values().size() == 3);
        assertEquals(1, stats.get(Counter.ETCD_COMPACTED));
        assertEquals(2, stats.get(Counter.ETCD_LISTS), "read at start and after the compaction");
    }

    @Test
    void aSilentWatchIsTakenAsDeadAndOpenedAgain() throws Exception {
        etcd = new FakeEtcd();
        etcd.silent(1);
        start(Map.of("watch.idle.timeout.ms", "300"));
        await("the first set", () -> got.size() == 1);
        etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
        await("the change, through a new watch", () -> last().values().size() == 1);
        assertTrue(stats.get(Counter.ETCD_WATCH_STALE) >= 1);
        assertEquals(1, stats.get(Counter.ETCD_LISTS), "resumed from the revision seen, not read again");
    }

    /**
     * A change made between the read and the watch's creation: the creation's header already names its revision, but
     * the event is not sent before the (silent) stream is given up. The next watch must start from the revision the
     * client has seen, not from the creation's header, or the change is lost.
     */
    @Test
    void aChangeTheCreationHeaderNamesButAStreamNeverSentIsNotSkipped() throws Exception {
        etcd = new FakeEtcd();
        etcd.silent(1);
        etcd.onNextWatch(() -> etcd.put("/rsp/default/backends/a", "10.0.0.1:80"));
        start(Map.of("watch.idle.timeout.ms", "300"));
        await("the change, through a second watch", () -> !got.isEmpty() && last().values().size() == 1);
        assertTrue(stats.get(Counter.ETCD_WATCH_STALE) >= 1);
    }

    @Test
    void etcdDownKeepsTheSetAndChangesResumeWhenItIsBack() throws Exception {
        etcd = new FakeEtcd();
        etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
        start(Map.of());
        await("the first set", () -> got.size() == 1);
        etcd.down(true);
        await("reconnection attempts", () -> stats.get(Counter.ETCD_RECONNECTS) >= 3);
        assertEquals(1, got.size(), "nothing handed on while etcd is down: the set in force stays");
        assertEquals(EtcdStats.State.BACKING_OFF, stats.state());
        etcd.put("/rsp/default/backends/b", "10.0.0.2:80");
        etcd.down(false);
        await("the change made while down", () -> last().values().size() == 2);
        await("watching again", () -> stats.state() == EtcdStats.State.WATCHING);
    }

    @Test
    void theNextEndpointIsTriedWhenOneIsUnreachable() throws Exception {
        etcd = new FakeEtcd();
        etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
        URI dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        start(List.of(dead, etcd.uri()), Map.of());
        await("the set from the second endpoint", () -> got.size() == 1);
        assertEquals(1, stats.get(Counter.ETCD_RECONNECTS));
    }

    @Test
    void tooManyKeysKeepTheSetUntilBackUnderTheLimit() throws Exception {
        etcd = new FakeEtcd();
        for (int i = 0; i < 3; i++) {
            etcd.put("/rsp/default/backends/b" + i, "10.0.0." + i + ":80");
        }
        start(Map.of("limits.keys", "4"));
        await("the first set", () -> got.size() == 1);
        etcd.put("/rsp/default/backends/b3", "10.0.0.3:80");
        etcd.put("/rsp/default/backends/b4", "10.0.0.4:80");
        await("over the limit", () -> stats.state() == EtcdStats.State.OVER_LIMIT);
        assertTrue(stats.get(Counter.ETCD_OVER_KEYS) >= 1);
        assertTrue(got.stream().allMatch(s -> s.values().size() <= 4), "never a set over the limit");
        etcd.delete("/rsp/default/backends/b0");
        await("back under the limit", () -> last().values().size() == 4 && !last().values().containsKey("backends/b0"));
    }

    @Test
    void aValueOverTheLimitIsReportedNotHandedOn() throws Exception {
        etcd = new FakeEtcd();
        etcd.put("/rsp/default/backends/big", "x".repeat(100));
        etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
        start(Map.of("limits.value.bytes", "64"));
        await("the first set", () -> got.size() == 1);
        assertEquals(Map.of("backends/a", "10.0.0.1:80"), last().values());
        assertEquals(java.util.Set.of("backends/big"), last().oversized());
        assertEquals(1, stats.get(Counter.ETCD_OVER_VALUE));
    }

    @Test
    void backoffGrowsWithJitterWithinItsBounds() {
        Backoff b = new Backoff(100, 2000, new Random(1));
        long previousCap = 0;
        for (int failures = 1; failures <= 12; failures++) {
            long cap = Math.min(2000, 100L << (failures - 1));
            long d = b.delayMs(failures);
            assertTrue(d >= cap / 2 && d <= cap, failures + ": " + d + " not within [" + cap / 2 + ", " + cap + "]");
            assertTrue(cap >= previousCap);
            previousCap = cap;
        }
        assertEquals(new Backoff(100, 2000, new Random(1)).delayMs(3), new Backoff(100, 2000, new Random(1)).delayMs(3),
                "a fixed seed gives the same waits");
    }
}
