package dev.rsp.core.routing;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Router;
import dev.rsp.spi.routing.RoutingStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routing snapshots that are built but never published: "what if the backends were these?". Builds the routers of
 * the strategies in the chain on the caller's thread, which must not be a network thread (builds may be slow).
 */
public final class Simulation {

    private Simulation() {
    }

    /** A snapshot of the table's current chain and strategies, as if {@code backends} were configured. */
    public static RoutingSnapshot with(RoutingTable table, Backends backends) {
        List<String> chain = table.current().chain();
        Map<String, RoutingStrategy> strategies = table.strategies();
        Map<String, Router> routers = new HashMap<>();
        Map<String, StrategyStats> stats = new HashMap<>();
        for (String name : chain) {
            stats.put(name, new StrategyStats(name));
            RoutingStrategy s = strategies.get(name);
            if (s == null) {
                continue;
            }
            try {
                Router r = s.build(backends);
                if (r != null) {
                    routers.put(name, r);
                }
            } catch (RuntimeException e) {
                // a strategy that cannot build for these backends simply takes no part in the simulation
            }
        }
        return new RoutingSnapshot(chain, routers, BackendDirectory.unresolved(backends), stats);
    }
}
