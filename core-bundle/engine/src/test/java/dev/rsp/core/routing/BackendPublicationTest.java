package dev.rsp.core.routing;

import static dev.rsp.core.routing.Fixtures.backends;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.core.routing.Fixtures.ManualExecutor;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RoutingStrategy;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The directory travels in the snapshot built for it: every backend a snapshot routes to has its address there. */
class BackendPublicationTest {

    private final ManualExecutor executor = new ManualExecutor();
    private final RoutingTable table = new RoutingTable(executor);
    private final AtomicInteger builds = new AtomicInteger();
    private final RoutingStrategy first = all -> {
        builds.incrementAndGet();
        return r -> all.all().isEmpty() ? Decision.pass() : Decision.to(all.all().get(0).name());
    };

    private static BackendDirectory at(Backends backends) {
        Map<String, InetSocketAddress> addresses = new HashMap<>();
        for (Backend b : backends.all()) {
            addresses.put(b.name(), new InetSocketAddress("127.0.0.1", b.port()));
        }
        return BackendDirectory.of(backends, addresses);
    }

    @Test
    void changesQueuedBehindASlowBuildNeverLeaveTheSnapshotInForceWithoutItsAddresses() {
        table.chainChanged(List.of("s"));
        table.strategyAdded("s", first, 1, 0);
        table.backendsChanged(at(backends(1, "a", "b")));
        executor.runAll();
        Backend a = table.current().backends().named("a").orElseThrow();

        // Two changes while no round has run yet (the build is "slow"): the snapshot in force still routes to a.
        table.backendsChanged(at(backends(2, "b")));
        table.backendsChanged(at(backends(3, "b", "c")));
        assertEquals("a", ((Routing.Routed) table.current().route(Fixtures.head("x.example", "/"))).candidates()
                .get(0).name());
        assertFalse(table.current().directory().address(a).isUnresolved());

        executor.runAll();
        RoutingSnapshot now = table.current();
        assertEquals(3, now.backends().generation());
        assertFalse(now.directory().address(a).isUnresolved(), "kept one publication for requests routed before");
        assertFalse(now.directory().hasPoolKey("a", now.directory().poolKey(a)), "but not pooled");
    }

    @Test
    void aDirectoryWithTheSameBackendsIsPublishedWithoutARebuild() {
        table.chainChanged(List.of("s"));
        table.strategyAdded("s", first, 1, 0);
        Backends set = backends(1, "a");
        table.backendsChanged(at(set));
        executor.runAll();
        int built = builds.get();

        BackendDirectory moved = BackendDirectory.of(set, Map.of("a", new InetSocketAddress("127.0.0.2", 9100)));
        table.backendsChanged(moved);
        executor.runAll();
        assertEquals(built, builds.get(), "strategies see names only: nothing to rebuild");
        assertSame(set, table.current().backends());
        assertEquals("127.0.0.2", table.current().directory().address(set.all().get(0)).getAddress().getHostAddress());
        assertTrue(table.current().isLive("s"));
    }
}
