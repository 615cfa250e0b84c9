package dev.rsp.core.proxy;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.core.backend.BackendHealth;
import dev.rsp.core.routing.RoutingTable;
import dev.rsp.spi.routing.Backend;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the engine keeps per backend follows the published backends: once they change, the health of backends gone is
 * forgotten and each loop closes the pooled connections (HTTP/1 and h2) no published backend owns and drops their
 * metrics. Called on the routing builder thread after each publication.
 */
final class BackendRetention {

    private final RoutingTable routing;
    private final BackendHealth health;
    /** The engine's loops; the engine adds them at start and clears them at stop. */
    private final List<LoopContext> loops;
    /** The directory the loops' pools and metrics were last trimmed to; guarded by {@code this}. */
    private BackendDirectory retainedFor = BackendDirectory.EMPTY;

    BackendRetention(RoutingTable routing, BackendHealth health, List<LoopContext> loops) {
        this.routing = routing;
        this.health = health;
        this.loops = loops;
    }

    /**
     * Trims to the current snapshot's directory unless that was done for it already. The snapshot is read under the
     * lock, so of two racing calls the later one trims to the newer directory.
     */
    synchronized void retainPublished() {
        BackendDirectory dir = routing.current().directory();
        if (dir != retainedFor) {
            retainedFor = dir;
            Set<String> names = dir.backends().all().stream().map(Backend::name).collect(Collectors.toUnmodifiableSet());
            Set<String> keys = Set.copyOf(dir.poolKeys().values());
            health.retain(names);
            for (LoopContext ctx : loops) {
                ctx.loop.execute(() -> {
                    ctx.pool.retain(keys);
                    ctx.retainH2(keys);
                    ctx.metrics.retainBackends(names);
                });
            }
        }
    }
}
