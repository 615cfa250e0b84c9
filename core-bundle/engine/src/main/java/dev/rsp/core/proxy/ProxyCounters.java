package dev.rsp.core.proxy;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every outcome the core can have, counted. The declared counters ({@link Counter}) are one slot each, indexed by
 * ordinal, and exist from the start at 0; names that are not declared (a parser's defect, a TLS front's rejection)
 * are created on first use. Nothing is ever removed; the names are stable (they appear on the status page and in
 * metrics). Safe from any thread; increments do not contend.
 */
public final class ProxyCounters {

    private static final Counter[] DECLARED = Counter.values();

    private final LongAdder[] declared = new LongAdder[DECLARED.length];
    private final ConcurrentHashMap<String, LongAdder> dynamic = new ConcurrentHashMap<>();
    final LongAdder requests = new LongAdder();
    final LongAdder[] responsesByClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
        new LongAdder(), new LongAdder()};
    /** Open client connections, bounded by {@code limits.connections}. */
    final ClientSlots activeClients = new ClientSlots(this, Integer.MAX_VALUE);
    final LongAdder activeBackends = new LongAdder();

    public ProxyCounters() {
        for (int i = 0; i < declared.length; i++) {
            declared[i] = new LongAdder();
        }
    }

    /** Adds one to a declared counter. */
    public void count(Counter c) {
        declared[c.ordinal()].increment();
    }

    /** Adds {@code n} to a declared counter. */
    public void add(Counter c, long n) {
        if (n != 0) {
            declared[c.ordinal()].add(n);
        }
    }

    /**
     * Adds one to the counter {@code name}, e.g. {@code reject.cl_and_te}: for names chosen elsewhere (a {@code
     * Rejection}'s, a TLS front's); a declared name counts on its declared counter.
     */
    public void count(String name) {
        Optional<Counter> c = Counter.forId(name);
        if (c.isPresent()) {
            count(c.get());
            return;
        }
        LongAdder a = dynamic.get(name);
        if (a == null) {
            a = dynamic.computeIfAbsent(name, k -> new LongAdder());
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

    public long get(Counter c) {
        return declared[c.ordinal()].sum();
    }

    /** The value of a named counter, declared or not; 0 when it never counted. */
    public long get(String name) {
        Optional<Counter> c = Counter.forId(name);
        if (c.isPresent()) {
            return get(c.get());
        }
        LongAdder a = dynamic.get(name);
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
        return activeClients.open();
    }

    public long activeBackendConnections() {
        return activeBackends.sum();
    }

    /**
     * The named outcome counters only (not the request, response and connection totals), sorted: every declared
     * one (0 included) and every other name that has counted.
     */
    public Map<String, Long> named() {
        Map<String, Long> m = new TreeMap<>();
        for (Counter c : DECLARED) {
            m.put(c.id(), get(c));
        }
        dynamic.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** All counters by name, sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = named();
        m.put("requests", requests());
        for (int c = 1; c <= 5; c++) {
            m.put("responses." + c + "xx", responses(c));
        }
        m.put("connections.clients.active", activeClients());
        m.put("connections.backends.active", activeBackendConnections());
        return m;
    }
}
