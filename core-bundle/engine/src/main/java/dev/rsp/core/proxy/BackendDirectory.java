package dev.rsp.core.proxy;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured backends with their addresses resolved. Built off the network threads (name resolution blocks)
 * whenever {@code rsp.backends} changes, and published as one immutable value.
 *
 * @param backends  the backends as strategies see them
 * @param addresses resolved socket address by backend name, including the backends the last change removed (see
 *                  {@link #keepingRemoved}); an unresolvable name maps to an unresolved address, which fails to
 *                  connect like a refused connection
 * @param poolKeys  the connection-pool key by backend name: name plus address, so a moved backend gets new connections
 */
record BackendDirectory(Backends backends, Map<String, InetSocketAddress> addresses, Map<String, String> poolKeys) {

    static final BackendDirectory EMPTY = new BackendDirectory(new Backends(0, List.of()), Map.of(), Map.of());

    /** Resolves every backend's host. Blocks on DNS: never call it on a loop thread. */
    static BackendDirectory resolve(Backends backends) {
        Map<String, InetSocketAddress> addresses = new HashMap<>();
        Map<String, String> keys = new HashMap<>();
        for (Backend b : backends.all()) {
            addresses.put(b.name(), new InetSocketAddress(b.host(), b.port()));
            keys.put(b.name(), b.name() + "@" + b.host() + ":" + b.port());
        }
        return new BackendDirectory(backends, Map.copyOf(addresses), Map.copyOf(keys));
    }

    /**
     * This directory plus the addresses of the backends {@code previous} had and this one lacks. The engine publishes
     * a directory before the routing snapshot built for it, so requests routed by the previous snapshot still name a
     * removed backend for a while: they reach it (the backend drains) instead of failing on a missing address. Removed
     * backends get no pool key, so their connections are closed after use; their addresses go at the next change.
     */
    BackendDirectory keepingRemoved(BackendDirectory previous) {
        Map<String, InetSocketAddress> merged = new HashMap<>(addresses);
        for (String name : previous.poolKeys.keySet()) {
            merged.putIfAbsent(name, previous.addresses.get(name));
        }
        return new BackendDirectory(backends, Map.copyOf(merged), poolKeys);
    }

    InetSocketAddress address(Backend b) {
        InetSocketAddress a = addresses.get(b.name());
        return a != null ? a : InetSocketAddress.createUnresolved(b.host(), b.port());
    }

    /** True while {@code backendName} is configured at the address {@code poolKey} names: its connections may be pooled. */
    boolean hasPoolKey(String backendName, String poolKey) {
        return poolKey.equals(poolKeys.get(backendName));
    }

    String poolKey(Backend b) {
        String k = poolKeys.get(b.name());
        return k != null ? k : b.name() + "@" + b.host() + ":" + b.port();
    }
}
