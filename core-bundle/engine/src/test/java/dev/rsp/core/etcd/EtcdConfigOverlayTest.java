package dev.rsp.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rsp.core.proxy.Counter;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Socket-free: the overlay ConfigAdmin's plugin applies, and which configurations are delivered again. */
class EtcdConfigOverlayTest {

    /** rsp.core and rsp.routing.lua exist (from etc/); every update is recorded. */
    final Map<String, Hashtable<String, Object>> configs = new TreeMap<>();
    final List<String> updates = new ArrayList<>();
    final EtcdStats stats = new EtcdStats();

    EtcdConfigOverlay overlay() {
        configs.put("rsp.core", props("rsp.core", "routing.chain", "reload-path, host-hash", "loops", "2"));
        configs.put("rsp.routing.lua", props("rsp.routing.lua", "script", "etc/rules.lua"));
        admin = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (self, m, args) -> {
                    if (m.getName().equals("listConfigurations")) {
                        String pid = ((String) args[0]).replaceAll("^\\(service\\.pid=(.*)\\)$", "$1");
                        return configs.containsKey(pid) ? new Configuration[] {configuration(pid)} : null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        settings = EtcdWatchTest.settings(List.of(URI.create("http://127.0.0.1:2379")), Map.of("config", "on"));
        return new EtcdConfigOverlay(settings, stats, admin, Map.of());
    }

    ConfigurationAdmin admin;
    EtcdSettings settings;

    private Configuration configuration(String pid) {
        long[] changes = {1};
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (self, m, args) -> switch (m.getName()) {
                    case "getChangeCount" -> changes[0];
                    case "getProperties" -> new Hashtable<>(configs.get(pid));
                    case "getAttributes" -> EnumSet.noneOf(Configuration.ConfigurationAttribute.class);
                    case "update" -> {
                        changes[0]++;
                        updates.add(pid);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    static Hashtable<String, Object> props(String pid, String... kv) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("service.pid", pid);
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    Dictionary<String, Object> delivered(EtcdConfigOverlay overlay, String pid) {
        Hashtable<String, Object> p = new Hashtable<>(configs.get(pid));
        overlay.modifyConfiguration(null, p);
        return p;
    }

    static EtcdSnapshot snapshot(long revision, Map<String, String> values) {
        return new EtcdSnapshot(revision, new TreeMap<>(values), Set.of());
    }

    @Test
    void etcdValuesOverlayTheFileAndTheirConfigurationIsDeliveredAgain() {
        EtcdConfigOverlay overlay = overlay();
        overlay.snapshot(snapshot(3, Map.of("config/rsp.core/routing.chain", "host-hash", "backends/a", "10.0.0.1:80")));
        assertEquals(List.of("rsp.core"), updates, "only the configuration whose overlay changed");
        Dictionary<String, Object> core = delivered(overlay, "rsp.core");
        assertEquals("host-hash", core.get("routing.chain"));
        assertEquals("2", core.get("loops"), "keys etcd does not set keep the file's values");
        assertNull(delivered(overlay, "rsp.routing.lua").get("script.text"));

        overlay.snapshot(snapshot(4, Map.of("config/rsp.core/routing.chain", "host-hash",
                "config/rsp.routing.lua/script.text", "function route(req) return nil end")));
        assertEquals(List.of("rsp.core", "rsp.routing.lua"), updates);
        assertEquals("function route(req) return nil end", delivered(overlay, "rsp.routing.lua").get("script.text"));

        overlay.snapshot(snapshot(5, Map.of("config/rsp.routing.lua/script.text", "function route(req) return nil end")));
        assertEquals("reload-path, host-hash", delivered(overlay, "rsp.core").get("routing.chain"), "removed: the file's value");
        assertEquals(List.of("rsp.core", "rsp.routing.lua", "rsp.core"), updates);
    }

    @Test
    void keysThatCannotBeOverlaidAreSkippedAndCountedOnce() {
        EtcdConfigOverlay overlay = overlay();
        Map<String, String> bad = Map.of("config/rsp.etcd/prefix", "/x/", "config/rsp.backends/backend.a", "h:1",
                "config/org.apache.felix.x/k", "v", "config/rsp.core/service.pid", "x", "config/rsp.core", "x",
                "config/rsp.core/a/b", "x");
        overlay.snapshot(snapshot(3, bad));
        overlay.snapshot(snapshot(4, bad));
        assertEquals(List.of(), updates);
        assertEquals(1, stats.get(Counter.ETCD_REJECTED));
        assertEquals(Map.of(), overlay.inForce());
    }

    /** A value the core's checks refuse is named by its etcd key and counted; delivered all the same (the component keeps its last good). */
    @Test
    void aValueTheCoreRefusesIsNamedByItsEtcdKey() {
        EtcdConfigOverlay overlay = overlay();
        overlay.snapshot(snapshot(3, Map.of("config/rsp.core/routing.chain", "host-hash")));
        assertEquals(0, stats.get(Counter.ETCD_REJECTED));
        overlay.snapshot(snapshot(4, Map.of("config/rsp.core/routing.chain", "host-hash",
                "config/rsp.core/timeout.backend.ms", "5x")));
        assertEquals(1, stats.get(Counter.ETCD_REJECTED));
        assertEquals(List.of("rsp.core", "rsp.core"), updates, "delivered: rsp.core refuses it itself");
        assertEquals(List.of("/rsp/default/config/rsp.core/timeout.backend.ms: rsp.core: timeout.backend.ms = '5x': "
                + "expected a duration"), OverlayCheck.problems("rsp.core", configs.get("rsp.core"),
                Map.of("timeout.backend.ms", "5x"), "/rsp/default/config/rsp.core/").stream()
                .map(p -> p.replaceAll("expected a duration.*", "expected a duration")).toList());
    }

    @Test
    void aPidWithoutAConfigurationIsNotCreated() {
        EtcdConfigOverlay overlay = overlay();
        overlay.snapshot(snapshot(3, Map.of("config/rsp.ratelimit/host.requests.per.second", "5")));
        assertEquals(List.of(), updates);
        assertEquals(Map.of("rsp.ratelimit", Map.of("host.requests.per.second", "5")), overlay.inForce());
    }

    /** A changed rsp.etcd: the new overlay takes the old one's values over; nothing is delivered with file values. */
    @Test
    void aSuccessorTakesTheOverlayOverWithoutDeliveringAgain() {
        EtcdConfigOverlay first = overlay();
        first.snapshot(snapshot(3, Map.of("config/rsp.core/routing.chain", "host-hash")));
        EtcdConfigOverlay next = new EtcdConfigOverlay(settings, stats, admin, first.inForce());
        first.close(false);
        assertEquals(List.of("rsp.core"), updates);
        assertEquals("host-hash", delivered(next, "rsp.core").get("routing.chain"));
        next.snapshot(snapshot(4, Map.of("config/rsp.core/routing.chain", "host-hash")));
        assertEquals(List.of("rsp.core"), updates, "the same values: not delivered again");
    }

    @Test
    void closingDeliversTheFileValuesAgain() {
        EtcdConfigOverlay overlay = overlay();
        overlay.snapshot(snapshot(3, Map.of("config/rsp.core/routing.chain", "host-hash")));
        overlay.close();
        assertEquals(List.of("rsp.core", "rsp.core"), updates);
        assertEquals("reload-path, host-hash", delivered(overlay, "rsp.core").get("routing.chain"));
    }
}
