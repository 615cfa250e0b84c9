package dev.rsp.core.etcd;

import dev.rsp.core.proxy.Counter;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The etcd source's counters ({@code etcd.*} of {@link Counter}) and its state, kept by the core for as long as it
 * runs (they survive a change of {@code rsp.etcd}), shown at 0 without etcd. Safe from any thread.
 */
public final class EtcdStats {

    /** Where the source is: what {@code /api/stats} shows as {@code etcd.state}. */
    public enum State {
        OFF, CONNECTING, WATCHING, BACKING_OFF, OVER_LIMIT
    }

    private final Map<Counter, LongAdder> counters = new EnumMap<>(Counter.class);
    private volatile State state = State.OFF;
    private volatile String endpoint = "";
    private volatile long revision;
    private volatile int keys;
    private volatile String problem = "";

    public EtcdStats() {
        for (Counter c : Counter.values()) {
            if (c.id().startsWith("etcd.")) {
                counters.put(c, new LongAdder());
            }
        }
    }

    void count(Counter c) {
        counters.get(c).increment();
    }

    void add(Counter c, long n) {
        counters.get(c).add(n);
    }

    public long get(Counter c) {
        return counters.get(c).sum();
    }

    /** Records the state the source is in now; the etcd source's threads (and tests) call it. */
    public void state(State s, String endpoint) {
        this.state = s;
        this.endpoint = endpoint;
    }

    public State state() {
        return state;
    }

    void seen(long revision, int keys) {
        this.revision = revision;
        this.keys = keys;
    }

    void problem(String p) {
        this.problem = p;
    }

    /** The counters by id, in declaration order. */
    public Map<String, Long> events() {
        Map<String, Long> m = new LinkedHashMap<>();
        counters.forEach((c, a) -> m.put(c.id(), a.sum()));
        return m;
    }

    /** The state as {@code /api/stats} shows it. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        m.put("endpoint", endpoint);
        m.put("revision", revision);
        m.put("keys", keys);
        m.put("problem", problem);
        m.putAll(events());
        return m;
    }
}
