package dev.rsp.core.proxy;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every outcome the core can have, counted. Named counters are created on first use and never removed; the names are
 * stable (they appear on the status page and in metrics). Safe from any thread; increments do not contend.
 */
public final class ProxyCounters {

    private final ConcurrentHashMap<String, LongAdder> named = new ConcurrentHashMap<>();
    final LongAdder requests = new LongAdder();
    final LongAdder[] responsesByClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
        new LongAdder(), new LongAdder()};
    final LongAdder activeClients = new LongAdder();
    final LongAdder activeBackends = new LongAdder();

    /** Adds one to the counter {@code name}, e.g. {@code reject.cl_and_te}. */
    public void count(String name) {
        LongAdder a = named.get(name);
        if (a == null) {
            a = named.computeIfAbsent(name, k -> new LongAdder());
        }
        a.increment();
    }

    void response(int status) {
        int c = status / 100;
        responsesByClass[c >= 1 && c <= 5 ? c : 0].increment();
    }

    /** Takes back a response counted by {@link #response} that was never sent (replaced by one of rsp's own). */
    void retractResponse(int status) {
        int c = status / 100;
        responsesByClass[c >= 1 && c <= 5 ? c : 0].decrement();
    }

    /** The value of a named counter, 0 when it never counted. */
    public long get(String name) {
        LongAdder a = named.get(name);
        return a == null ? 0 : a.sum();
    }

    public long requests() {
        return requests.sum();
    }

    /** Responses sent to clients with status {@code klass}xx (1 to 5). */
    public long responses(int klass) {
        return responsesByClass[klass].sum();
    }

    public long activeClients() {
        return activeClients.sum();
    }

    public long activeBackendConnections() {
        return activeBackends.sum();
    }

    /** The named outcome counters only (not the request, response and connection totals), sorted. */
    public Map<String, Long> named() {
        Map<String, Long> m = new TreeMap<>();
        named.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** All counters by name, sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        named.forEach((k, v) -> m.put(k, v.sum()));
        m.put("requests", requests());
        for (int c = 1; c <= 5; c++) {
            m.put("responses." + c + "xx", responses(c));
        }
        m.put("connections.clients.active", activeClients());
        m.put("connections.backends.active", activeBackendConnections());
        return m;
    }
}
