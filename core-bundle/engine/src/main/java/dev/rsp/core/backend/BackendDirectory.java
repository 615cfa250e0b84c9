package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend set with the socket address of each backend, as {@link BackendResolver} found it. Immutable; published
 * inside the routing snapshot ({@code RoutingSnapshot.directory()}), so a loop that routes by a snapshot finds the
 * address of every backend that snapshot can choose. Building one does no I/O.
 *
 * @param backends  the backends as strategies see them
 * @param addresses socket address by backend name, including the backends the previous publication had and this one
 *                  lacks (see {@link #keepingRemoved}); a name that never resolved maps to an unresolved address, which
 *                  fails to connect like a refused connection
 * @param poolKeys  the connection-pool key by configured backend name: name, host, port, resolved address, protocol
 *                  and TLS, so a backend that moves (in the configuration or in DNS), changes protocol or switches TLS
 *                  gets new connections
 * @param tuning    what backends override of the core's timeouts and tries, by configured name ({@link #tuning})
 */
public record BackendDirectory(Backends backends, Map<String, InetSocketAddress> addresses,
                               Map<String, String> poolKeys, Map<String, BackendTuning> tuning) {

    public static final BackendDirectory EMPTY = new BackendDirectory(new Backends(0, List.of()), Map.of(), Map.of());

    public BackendDirectory {
        addresses = Map.copyOf(addresses);
        poolKeys = Map.copyOf(poolKeys);
        tuning = Map.copyOf(tuning);
    }

    public BackendDirectory(Backends backends, Map<String, InetSocketAddress> addresses, Map<String, String> poolKeys) {
        this(backends, addresses, poolKeys, Map.of());
    }

    /** This directory with {@code byName} as its backends' overrides. */
    public BackendDirectory withTuning(Map<String, BackendTuning> byName) {
        return new BackendDirectory(backends, addresses, poolKeys, byName);
    }

    /**
     * What {@code b} overrides of the core's timeouts and tries (a backend expanded from an SRV name has its
     * configured backend's); {@link BackendTuning#NONE} when nothing. Allocates nothing when no backend overrides.
     */
    public BackendTuning tuning(Backend b) {
        return BackendTuning.of(tuning, b.name());
    }

    /** {@code backends} at the addresses given by name; a backend missing from {@code resolved} stays unresolved. */
    public static BackendDirectory of(Backends backends, Map<String, InetSocketAddress> resolved) {
        Map<String, InetSocketAddress> addresses = new HashMap<>();
        Map<String, String> keys = new HashMap<>();
        for (Backend b : backends.all()) {
            InetSocketAddress a = resolved.get(b.name());
            if (a == null) {
                a = InetSocketAddress.createUnresolved(b.host(), b.port());
            }
            addresses.put(b.name(), a);
            keys.put(b.name(), b.name() + "@" + b.host() + ":" + b.port()
                    + (a.isUnresolved() ? "" : "/" + a.getAddress().getHostAddress()) + protocolTag(b));
        }
        return new BackendDirectory(backends, addresses, keys);
    }

    /** {@code backends} with no address resolved: for routing tests and what-if simulations, which never connect. */
    public static BackendDirectory unresolved(Backends backends) {
        return of(backends, Map.of());
    }

    /**
     * This directory plus the addresses of the backends {@code previous} had configured and this one lacks. Requests
     * routed by the previous snapshot may still name a removed backend (a retry on the next candidate, a connect
     * started just before the swap): they reach it (the backend drains) instead of failing on a missing address.
     * Removed backends get no pool key, so their connections are closed after use; their addresses go at the next
     * publication of a changed set.
     */
    public BackendDirectory keepingRemoved(BackendDirectory previous) {
        Map<String, InetSocketAddress> merged = new HashMap<>(addresses);
        for (String name : previous.poolKeys.keySet()) {
            merged.putIfAbsent(name, previous.addresses.get(name));
        }
        return new BackendDirectory(backends, merged, poolKeys, tuning);
    }

    /** The address of {@code b}; unresolved when this directory does not know it. Allocates only then. */
    public InetSocketAddress address(Backend b) {
        InetSocketAddress a = addresses.get(b.name());
        return a != null ? a : InetSocketAddress.createUnresolved(b.host(), b.port());
    }

    /** True while {@code backendName} is configured at the address {@code poolKey} names: its connections may be pooled. */
    public boolean hasPoolKey(String backendName, String poolKey) {
        return poolKey.equals(poolKeys.get(backendName));
    }

    public String poolKey(Backend b) {
        String k = poolKeys.get(b.name());
        return k != null ? k : b.name() + "@" + b.host() + ":" + b.port() + protocolTag(b);
    }

    /**
     * A backend switched to another protocol, to or from TLS, or between verified and unverified TLS gets new
     * connections: all three are part of the key.
     */
    private static String protocolTag(Backend b) {
        String proto = (b.protocol() == Backend.Protocol.H2 ? ";h2" : "") + switch (b.sendProxy()) {
            case NONE -> "";
            case V1 -> ";send-proxy=v1";
            case V2 -> ";send-proxy=v2";
        };
        return switch (b.tls()) {
            case NONE -> proto;
            case VERIFIED -> proto + ";tls";
            case INSECURE -> proto + ";tls=insecure";
        };
    }
}
