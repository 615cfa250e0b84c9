package dev.rsp.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.json.JsonReader;
import dev.rsp.core.proxy.Counter;
import dev.rsp.core.testing.RealEtcd;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client and the watch against a real etcd (Debian's etcd-server 3.4) started by the test: the gateway's answers
 * are what the fake of {@link EtcdWatchTest} imitates, and a watch survives a restart of etcd without losing a change.
 */
class RealEtcdTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void etcdInstalled() {
        RealEtcd.assumeInstalled();
    }

    @Test
    void listsWatchesAndSurvivesARestart() throws Exception {
        List<EtcdSnapshot> got = new CopyOnWriteArrayList<>();
        EtcdStats stats = new EtcdStats();
        try (RealEtcd etcd = new RealEtcd(tmp).start()) {
            etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
            etcd.put("/rsp/defaultx/backends/no", "10.0.0.9:80");
            EtcdSettings settings = EtcdWatchTest.settings(List.of(URI.create(etcd.endpoint())), Map.of());
            try (EtcdWatch watch = new EtcdWatch(settings, stats, new Random(3), got::add)) {
                watch.start();
                EtcdWatchTest.await("the first set", () -> got.size() == 1);
                assertEquals(Map.of("backends/a", "10.0.0.1:80"), got.get(0).values());
                etcd.put("/rsp/default/backends/b", "");
                etcd.delete("/rsp/default/backends/a");
                EtcdWatchTest.await("the changes", () -> got.get(got.size() - 1).values().equals(Map.of("backends/b", "")));

                etcd.stop();
                EtcdWatchTest.await("a failed reconnection", () -> stats.get(Counter.ETCD_RECONNECTS) >= 1);
                int before = got.size();
                etcd.start();
                etcd.put("/rsp/default/backends/c", "10.0.0.3:80");
                EtcdWatchTest.await("the change after the restart",
                        () -> got.get(got.size() - 1).values().containsKey("backends/c"));
                assertEquals(before + 1, got.size(), "nothing was handed on while etcd was down");
                assertEquals(1, stats.get(Counter.ETCD_LISTS), "resumed from the revision seen");
            }
        }
    }

    /**
     * A frozen etcd (SIGSTOP) keeps its connections open and answers nothing: the watch is taken as dead after
     * watch.idle.timeout.ms, reads time out, the set in force stays; thawed, the watch resumes with the changes.
     */
    @Test
    void aFrozenEtcdIsTakenAsDeadAndFollowedAgainWhenItThaws() throws Exception {
        List<EtcdSnapshot> got = new CopyOnWriteArrayList<>();
        EtcdStats stats = new EtcdStats();
        try (RealEtcd etcd = new RealEtcd(tmp).start()) {
            etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
            EtcdSettings settings = EtcdWatchTest.settings(List.of(URI.create(etcd.endpoint())),
                    Map.of("watch.idle.timeout.ms", "500", "timeout.request.ms", "500", "timeout.connect.ms", "500"));
            try (EtcdWatch watch = new EtcdWatch(settings, stats, new Random(3), got::add)) {
                watch.start();
                EtcdWatchTest.await("the first set", () -> got.size() == 1);
                etcd.freeze();
                EtcdWatchTest.await("the silent watch given up", () -> stats.get(Counter.ETCD_WATCH_STALE) >= 1);
                EtcdWatchTest.await("a request that timed out", () -> stats.get(Counter.ETCD_RECONNECTS) >= 1);
                assertEquals(1, got.size(), "nothing handed on while etcd is frozen");
                etcd.thaw();
                etcd.put("/rsp/default/backends/b", "10.0.0.2:80");
                EtcdWatchTest.await("the change after the thaw", () -> got.get(got.size() - 1).values().size() == 2);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> result(Map<String, Object> line) {
        return (Map<String, Object>) line.get("result");
    }

    @Test
    void aWatchFromACompactedRevisionIsCancelledWithTheCompactRevision() throws Exception {
        try (RealEtcd etcd = new RealEtcd(tmp).start()) {
            etcd.put("/rsp/default/backends/a", "10.0.0.1:80");
            etcd.put("/rsp/default/backends/a", "10.0.0.2:80");
            long now = etcd.revision();
            etcd.compact(now);
            EtcdSettings settings = EtcdWatchTest.settings(List.of(URI.create(etcd.endpoint())), Map.of());
            EtcdClient client = new EtcdClient(settings);
            EtcdClient.Range range = client.range(URI.create(etcd.endpoint()));
            assertEquals(now, range.revision());
            assertEquals("10.0.0.2:80", new String(range.kvs().get(0).value(), java.nio.charset.StandardCharsets.UTF_8));
            try (EtcdClient.WatchLines lines = client.watch(URI.create(etcd.endpoint()), 1)) {
                Map<String, Object> created = JsonReader.object(lines.next());
                assertEquals(Boolean.TRUE, result(created).get("created"), "etcd 3.4 says created first: " + created);
                Map<String, Object> cancelled = JsonReader.object(lines.next());
                assertEquals(Boolean.TRUE, result(cancelled).get("canceled"), cancelled.toString());
                assertEquals(String.valueOf(now), result(cancelled).get("compact_revision"), cancelled.toString());
            }
            List<EtcdSnapshot> got = new CopyOnWriteArrayList<>();
            try (EtcdWatch watch = new EtcdWatch(settings, new EtcdStats(), new Random(3), got::add)) {
                watch.start();
                EtcdWatchTest.await("the set", () -> !got.isEmpty());
                assertTrue(got.get(0).values().containsKey("backends/a"));
            }
        }
    }
}
