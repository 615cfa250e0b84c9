package dev.rsp.core.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.core.backend.BackendSink;
import dev.rsp.core.backend.SourcedBackends;
import dev.rsp.core.proxy.Counter;
import dev.rsp.spi.routing.Backend;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Socket-free: which sets the etcd source offers, and which it refuses (all or nothing, as the file). */
class EtcdBackendSourceTest {

    final List<SourcedBackends> offered = new ArrayList<>();
    final EtcdStats stats = new EtcdStats();
    final BackendSink sink = new BackendSink() {
        @Override
        public void offer(SourcedBackends set) {
            offered.add(set);
        }

        @Override
        public int inForce() {
            return offered.isEmpty() ? 0 : offered.get(offered.size() - 1).backends().size();
        }
    };

    EtcdBackendSource source(Map<String, Object> more) {
        EtcdSource s = new EtcdSource(more);
        EtcdBackendSource source = new EtcdBackendSource(s.settings, stats);
        source.open(sink);
        return source;
    }

    record EtcdSource(EtcdSettings settings) {
        EtcdSource(Map<String, Object> more) {
            this(EtcdWatchTest.settings(List.of(URI.create("http://127.0.0.1:2379")), more));
        }
    }

    static EtcdSnapshot snapshot(long revision, Map<String, String> values, String... oversized) {
        return new EtcdSnapshot(revision, new TreeMap<>(values), Set.of(oversized));
    }

    List<String> names() {
        return offered.get(offered.size() - 1).backends().stream().map(Backend::name).toList();
    }

    @Test
    void eachKeyUnderBackendsIsOneBackend() {
        EtcdBackendSource source = source(Map.of());
        source.snapshot(snapshot(5, Map.of("backends/web-1", "10.0.0.1:8080;weight=3", "backends/web-2", "web2:80",
                "config/rsp.core/routing.chain", "host-hash")));
        assertEquals(List.of("web-1", "web-2"), names());
        Backend web1 = offered.get(0).backends().get(0);
        assertEquals("10.0.0.1", web1.host());
        assertEquals(3, web1.weight());
        assertEquals("rsp.etcd", offered.get(0).source());
    }

    @Test
    void anInvalidValueKeepsTheSetInForceAndIsCountedOnce() {
        EtcdBackendSource source = source(Map.of());
        source.snapshot(snapshot(5, Map.of("backends/a", "10.0.0.1:80")));
        source.snapshot(snapshot(6, Map.of("backends/a", "10.0.0.1:80", "backends/b", "10.0.0.2:99999")));
        source.snapshot(snapshot(7, Map.of("backends/a", "10.0.0.1:80", "backends/b", "10.0.0.2:99999",
                "backends/c", "10.0.0.3:80")));
        assertEquals(1, offered.size(), "nothing offered while a value is invalid");
        assertEquals(1, stats.get(Counter.ETCD_REJECTED), "the same problem is reported once");
        source.snapshot(snapshot(8, Map.of("backends/a", "10.0.0.1:80", "backends/b", "10.0.0.2:81")));
        assertEquals(List.of("a", "b"), names());
    }

    @Test
    void badNamesAndOversizedValuesAreInvalid() {
        EtcdBackendSource source = source(Map.of());
        source.snapshot(snapshot(5, Map.of("backends/a", "10.0.0.1:80")));
        source.snapshot(snapshot(6, Map.of("backends/a", "10.0.0.1:80", "backends/x/y", "10.0.0.2:80")));
        source.snapshot(snapshot(7, Map.of("backends/a", "10.0.0.1:80"), "backends/huge"));
        assertEquals(1, offered.size());
        assertEquals(2, stats.get(Counter.ETCD_REJECTED));
    }

    @Test
    void anEmptySetIsRefusedUnlessAllowed() {
        EtcdBackendSource refusing = source(Map.of());
        refusing.snapshot(snapshot(5, Map.of("backends/a", "10.0.0.1:80")));
        refusing.snapshot(snapshot(6, Map.of()));
        assertEquals(1, offered.size(), "all backends deleted: refused");

        EtcdBackendSource allowing = source(Map.of("backends.empty", "allow"));
        allowing.snapshot(snapshot(7, Map.of()));
        assertEquals(List.of(), names());
    }
}
