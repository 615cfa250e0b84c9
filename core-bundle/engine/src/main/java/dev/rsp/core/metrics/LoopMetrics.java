package dev.rsp.core.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The traffic statistics of one event loop: one {@link TrafficStats} for its listeners together, one more for the
 * TLS listeners' share of it, one per backend and one per strategy. Every method except the constructor is called on the loop thread only, so nothing is synchronized; a
 * reader asks the loop to run {@link #snapshot()} and receives copies.
 *
 * <p>Bounded: at most {@link #MAX_BACKENDS} backends and {@link #MAX_STRATEGIES} strategies are tracked by name;
 * beyond that their traffic is added to the scope named {@link #OTHER}. Backends that are no longer configured are
 * dropped by {@link #retainBackends}.
 */
public final class LoopMetrics {

    public static final int MAX_BACKENDS = 1000;
    public static final int MAX_STRATEGIES = 64;
    public static final String OTHER = "(other)";

    /**
     * For load benchmarks only (an A/B of what recording costs): {@code -Drsp.metrics.disabled=true}, read once,
     * makes {@link TrafficStats#record} return at once and {@link #backend}/{@link #strategy} hand out this loop's
     * {@link #sink} without a lookup, so the engine runs with metrics that stay empty. Not a setting: nothing in the
     * distribution sets it, and the admin API shows zeros while it is set.
     */
    static final boolean DISABLED = Boolean.getBoolean("rsp.metrics.disabled");

    private final TrafficStats listener = new TrafficStats();
    private final TrafficStats tls = new TrafficStats();
    private final Map<String, TrafficStats> backends = new HashMap<>();
    private final Map<String, TrafficStats> strategies = new HashMap<>();
    private final Map<String, TrafficStats> protocols = new HashMap<>();
    /** What every backend and strategy share when {@link #DISABLED}; never part of a snapshot. */
    private final TrafficStats sink = new TrafficStats();

    /** Every exchange of every listener. */
    public TrafficStats listener() {
        return listener;
    }

    /** The exchanges of TLS listeners (also counted in {@link #listener()}). */
    public TrafficStats tls() {
        return tls;
    }

    /** The statistics of backend {@code name}, created on first use (allocates once per backend and loop). */
    public TrafficStats backend(String name) {
        if (DISABLED) {
            return sink;
        }
        return scope(backends, name, MAX_BACKENDS);
    }

    /** The statistics of client protocol {@code name} ({@code HTTP/1.1}, {@code HTTP/2}, {@code tls} for passthrough). */
    public TrafficStats protocol(String name) {
        if (DISABLED) {
            return sink;
        }
        return scope(protocols, name, MAX_STRATEGIES);
    }

    /** The statistics of strategy {@code name}, created on first use. */
    public TrafficStats strategy(String name) {
        if (DISABLED) {
            return sink;
        }
        return scope(strategies, name, MAX_STRATEGIES);
    }

    private static TrafficStats scope(Map<String, TrafficStats> map, String name, int max) {
        TrafficStats t = map.get(name);
        if (t == null) {
            t = map.computeIfAbsent(map.size() < max ? name : OTHER, k -> new TrafficStats());
        }
        return t;
    }

    /** Forgets backends not in {@code names} (they were removed from the configuration). */
    public void retainBackends(Set<String> names) {
        backends.keySet().removeIf(n -> !names.contains(n) && !n.equals(OTHER));
    }

    /** A copy of everything; {@code activeClients} is the loop's open client connections now. */
    public Snapshot snapshot(long activeClients) {
        return snapshot(activeClients, 0);
    }

    /** A copy of everything; the loop's open client connections now, all and those of TLS listeners. */
    public Snapshot snapshot(long activeClients, long activeTlsClients) {
        TrafficStats l = listener.copy();
        l.active = activeClients;
        TrafficStats t = tls.copy();
        t.active = activeTlsClients;
        Map<String, TrafficStats> b = new HashMap<>();
        backends.forEach((k, v) -> b.put(k, v.copy()));
        Map<String, TrafficStats> s = new HashMap<>();
        strategies.forEach((k, v) -> s.put(k, v.copy()));
        Map<String, TrafficStats> p = new HashMap<>();
        protocols.forEach((k, v) -> p.put(k, v.copy()));
        return new Snapshot(l, t, b, s, p);
    }

    /**
     * Copies taken on one loop, or the sum over loops; owned by the reader. {@code listener} is every listener's
     * traffic, {@code tls} the TLS listeners' part of it.
     */
    public record Snapshot(TrafficStats listener, TrafficStats tls, Map<String, TrafficStats> backends,
            Map<String, TrafficStats> strategies, Map<String, TrafficStats> protocols) {

        public static Snapshot empty() {
            return new Snapshot(new TrafficStats(), new TrafficStats(), new HashMap<>(), new HashMap<>(), new HashMap<>());
        }

        /** The plain HTTP listener's traffic: all minus TLS. */
        public TrafficStats http() {
            return listener.minus(tls);
        }

        /** Adds {@code other} into this (this one's maps must be mutable, as {@link #empty()} and loop copies are). */
        public Snapshot add(Snapshot other) {
            other.listener.addTo(listener);
            other.tls.addTo(tls);
            other.backends.forEach((k, v) -> v.addTo(backends.computeIfAbsent(k, n -> new TrafficStats())));
            other.strategies.forEach((k, v) -> v.addTo(strategies.computeIfAbsent(k, n -> new TrafficStats())));
            other.protocols.forEach((k, v) -> v.addTo(protocols.computeIfAbsent(k, n -> new TrafficStats())));
            return this;
        }
    }
}
