package dev.rsp.core.proxy;

import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP/2 backend connections of one loop, by pool key (backend name, address and protocol): an exchange for a
 * {@code ;proto=h2} backend gets a stream on the first connection with room, and a new connection is opened only when
 * every one is at the backend's concurrency (as Envoy and HAProxy spread streams). A connection that ends, or that
 * received a GOAWAY, leaves the registry at once; the streams it still carries finish. Loop thread only.
 */
final class H2Backends {

    private final LoopContext ctx;
    private final ProxyEngine engine;
    private final Map<String, List<H2BackendConnection>> byKey = new HashMap<>();
    /** The MAX_CONCURRENT_STREAMS a backend said last, by pool key: a new connection uses it until its own SETTINGS. */
    private final Map<String, Long> concurrency = new HashMap<>();

    H2Backends(LoopContext ctx, ProxyEngine engine) {
        this.ctx = ctx;
        this.engine = engine;
    }

    /** A stream to {@code backend} for {@code owner}: on a connection with room, or on a new one (connecting). */
    H2BackendStream stream(Backend backend, String poolKey, InetSocketAddress address, Exchange owner) throws IOException {
        List<H2BackendConnection> list = byKey.get(poolKey);
        if (list != null) {
            for (H2BackendConnection c : list) {
                if (c.canTake()) {
                    return c.attach(owner);
                }
            }
        }
        H2BackendConnection c = H2BackendConnection.connect(this, ctx, engine, backend, poolKey, address);
        byKey.computeIfAbsent(poolKey, k -> new ArrayList<>(2)).add(c);
        return c.attach(owner);
    }

    long concurrencyHint(String poolKey) {
        return concurrency.getOrDefault(poolKey, 100L);
    }

    void concurrencyLearnt(String poolKey, long maxConcurrentStreams) {
        concurrency.put(poolKey, maxConcurrentStreams);
    }

    void remove(H2BackendConnection c) {
        List<H2BackendConnection> list = byKey.get(c.poolKey());
        if (list != null && list.remove(c) && list.isEmpty()) {
            byKey.remove(c.poolKey());
        }
    }

    /** Retires the connections whose key is not in {@code keys} (backends removed, moved, or switched protocol). */
    void retain(Set<String> keys) {
        List<H2BackendConnection> gone = new ArrayList<>();
        byKey.forEach((key, list) -> {
            if (!keys.contains(key)) {
                gone.addAll(list);
            }
        });
        concurrency.keySet().retainAll(keys);
        gone.forEach(H2BackendConnection::retire);
    }

    /** Closes every connection (the loop is stopping; their exchanges are cut already). */
    void closeAll() {
        List<H2BackendConnection> all = new ArrayList<>();
        byKey.values().forEach(all::addAll);
        all.forEach(H2BackendConnection::close);
        byKey.clear();
    }

    int connections() {
        int n = 0;
        for (List<H2BackendConnection> l : byKey.values()) {
            n += l.size();
        }
        return n;
    }
}
