package dev.rsp.core;

import dev.rsp.core.edge.HeaderRules;
import dev.rsp.core.metrics.TimeSeries;
import dev.rsp.core.proxy.ProxyEngine;
import dev.rsp.core.ratelimit.RateLimitSettings;
import dev.rsp.core.routing.RoutingTable;
import java.util.Map;

/**
 * What the core offers the other components of its own bundle. Registered as a service by {@link CoreComponent};
 * its package is not exported, so no other bundle can see it.
 */
public interface ProxyControl {

    /**
     * Applies the {@code rsp.backends} configuration. Invalid entries are logged and the previous backends stay. Called
     * on ConfigAdmin's thread; parses only: resolving and publishing happen on the backend publisher's thread.
     */
    void backends(Map<String, ?> properties);

    /** Puts valid {@code rsp.ratelimit} limits in force, now and for an engine started later. */
    void rateLimits(RateLimitSettings limits);

    /** The rate limits last given to {@link #rateLimits} ({@link RateLimitSettings#NONE} before). */
    RateLimitSettings rateLimits();

    /** Puts valid {@code rsp.headers} rules in force, now and for an engine started later. */
    void headerRules(HeaderRules rules);

    /** The routing table (strategies, chain, current snapshot). */
    RoutingTable routing();

    /** The running engine. */
    ProxyEngine engine();

    /**
     * Puts {@code source} in force as the source of backends (the etcd source), opening it; {@code null} puts the file
     * ({@code rsp.backends}) back in force, whose latest valid set then applies. A source replaced is closed.
     */
    void backendSource(dev.rsp.core.backend.BackendSource source);

    /** The etcd source's counters and state; present (at 0, state off) without etcd. */
    dev.rsp.core.etcd.EtcdStats etcdStats();

    /** The last 15 minutes of one-second samples, overall and per backend (written by the core's sampler). */
    TimeSeries timeSeries();
}
