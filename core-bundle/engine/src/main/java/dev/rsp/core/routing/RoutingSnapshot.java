package dev.rsp.core.routing;

import dev.rsp.core.backend.BackendDirectory;
import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import dev.rsp.spi.routing.Decision;
import dev.rsp.spi.routing.RequestHead;
import dev.rsp.spi.routing.Router;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable view of the routing chain: the chain order, the live router of each strategy name, and the backends
 * with their addresses. Published by {@link RoutingTable}; a request keeps the snapshot it started with. Every backend
 * {@link #route} can answer has its address in {@link #directory()}.
 *
 * <p>{@link #route} is called concurrently by the network threads. It takes no locks and allocates only the answer
 * (and a small wrapper per rehost); what it may block on is up to the routers, which the SPI forbids to block.
 */
public final class RoutingSnapshot {

    /** Most rehosts one request may go through; a further rehost is counted as an error and treated as pass. */
    public static final int MAX_REHOSTS = 4;

    /** Internal answer of {@link #candidates} when no named backend is configured; never returned by route. */
    private static final Routing NO_CONFIGURED_BACKEND = new Routing.Unrouted("route named only unknown backends");

    private final List<String> chain;
    private final Map<String, Router> routers;
    private final BackendDirectory directory;
    private final Backends backends;
    private final Map<String, Backend> backendsByName;
    /** Parallel to {@link #chain}: the live router or {@code null}, and the counters of that name. */
    private final Router[] chainRouters;
    private final StrategyStats[] chainStats;
    private final boolean anyLive;
    private final boolean allLive;
    private final Routing.NoLiveStrategy noLive;
    private final Routing.Unrouted unrouted;

    /**
     * @param chain    strategy names in the order they are asked
     * @param routers  the live router of each strategy name that has one, in or out of the chain
     * @param directory the configured backends and their addresses
     * @param stats    counters for every name in the chain
     */
    RoutingSnapshot(List<String> chain, Map<String, Router> routers, BackendDirectory directory,
                    Map<String, StrategyStats> stats) {
        this.chain = List.copyOf(chain);
        this.routers = Collections.unmodifiableMap(new LinkedHashMap<>(routers));
        this.directory = directory;
        this.backends = directory.backends();
        this.backendsByName = new HashMap<>(backends.byName());
        this.chainRouters = new Router[this.chain.size()];
        this.chainStats = new StrategyStats[this.chain.size()];
        boolean live = false;
        boolean all = true;
        for (int i = 0; i < chainRouters.length; i++) {
            String name = this.chain.get(i);
            chainRouters[i] = this.routers.get(name);
            chainStats[i] = stats.get(name);
            if (chainStats[i] == null) {
                throw new IllegalArgumentException("no counters for " + name);
            }
            live |= chainRouters[i] != null;
            all &= chainRouters[i] != null;
        }
        this.anyLive = live;
        this.allLive = all;
        this.noLive = new Routing.NoLiveStrategy(this.chain);
        this.unrouted = new Routing.Unrouted("no strategy in " + this.chain + " chose a backend");
    }

    static RoutingSnapshot empty() {
        return new RoutingSnapshot(List.of(), Map.of(), BackendDirectory.EMPTY, Map.of());
    }

    /**
     * Routes one request through the chain. Names without a live router are skipped; {@link Decision.Pass}, a
     * route naming only unknown backends, an invalid rehost, an exception and a {@code null} answer all go on to
     * the next name; a rehost goes on to the next name with the new canonical host.
     *
     * @param request the request head, whose {@code host()} is already canonical
     * @return {@link Routing.Routed}, {@link Routing.Unrouted} when every live strategy passed, or
     *         {@link Routing.NoLiveStrategy} when no name in the chain has a live router, or when every live one
     *         passed while some name in the chain has none (a strategy being updated may still decide)
     */
    public Routing route(RequestHead request) {
        if (!anyLive) {
            return noLive;
        }
        RequestHead head = request;
        int rehosts = 0;
        for (int i = 0; i < chainRouters.length; i++) {
            Router router = chainRouters[i];
            if (router == null) {
                continue;
            }
            StrategyStats stats = chainStats[i];
            Decision decision;
            try {
                decision = router.select(head);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                stats.countError();
                continue;
            }
            if (decision instanceof Decision.Route route) {
                Routing routed = candidates(route.backends(), chain.get(i), stats);
                if (routed != NO_CONFIGURED_BACKEND) {
                    return routed;
                }
            } else if (decision instanceof Decision.Rehost rehost) {
                if (rehosts == MAX_REHOSTS) {
                    stats.countError();
                } else if (HostNames.canonical(rehost.host()) instanceof CanonicalHost.Valid valid) {
                    rehosts++;
                    stats.countRehosted();
                    head = RehostedHead.of(request, valid.host());
                } else {
                    stats.countInvalidRehost();
                }
            } else if (decision == null) {
                stats.countError();
            } else {
                stats.countPassed();
            }
        }
        // A strategy of the chain that is missing (its bundle being updated, say) might have decided: wait for it.
        return allLive ? unrouted : noLive;
    }

    /**
     * The configured backends among {@code names}, in order, each once; {@link #NO_CONFIGURED_BACKEND} (counted as a
     * pass) when there are none.
     */
    private Routing candidates(List<String> names, String strategy, StrategyStats stats) {
        int n = Math.min(names.size(), Decision.MAX_CANDIDATES);
        if (n == 1) {
            Backend only = backendsByName.get(names.get(0));
            if (only != null) {
                stats.countRouted();
                return new Routing.Routed(List.of(only), strategy);
            }
            stats.countUnknownBackends(1);
            stats.countPassed();
            return NO_CONFIGURED_BACKEND;
        }
        Backend[] found = new Backend[n];
        int count = 0;
        int unknown = 0;
        outer:
        for (int i = 0; i < n; i++) {
            Backend b = backendsByName.get(names.get(i));
            if (b == null) {
                unknown++;
                continue;
            }
            for (int j = 0; j < count; j++) {
                if (found[j] == b) {
                    continue outer;
                }
            }
            found[count++] = b;
        }
        if (unknown > 0) {
            stats.countUnknownBackends(unknown);
        }
        if (count == 0) {
            stats.countPassed();
            return NO_CONFIGURED_BACKEND;
        }
        stats.countRouted();
        return new Routing.Routed(count == n ? List.of(found) : List.of(Arrays.copyOf(found, count)), strategy);
    }

    /** The strategy names in the order they are asked. */
    public List<String> chain() {
        return chain;
    }

    /** Names of the strategies with a live router in this snapshot, in or out of the chain. */
    public Set<String> liveStrategies() {
        return routers.keySet();
    }

    /** The names of the chain without a live router in this snapshot, in chain order. */
    public List<String> notLive() {
        return chain.stream().filter(n -> !routers.containsKey(n)).toList();
    }

    /** Whether {@code name} has a live router in this snapshot. */
    public boolean isLive(String name) {
        return routers.containsKey(name);
    }

    /** The live router of {@code name}, or {@code null} when it has none; for diagnostics and tests. */
    Router router(String name) {
        return routers.get(name);
    }

    /** The backends this snapshot routes to. */
    public Backends backends() {
        return backends;
    }

    /** The addresses of {@link #backends()}, and of the backends the snapshot before this one had. */
    public BackendDirectory directory() {
        return directory;
    }

    @Override
    public String toString() {
        return "RoutingSnapshot{chain=" + chain + ", live=" + routers.keySet() + ", backends=" + backendsByName.keySet()
                + ", generation=" + backends.generation() + "}";
    }
}
