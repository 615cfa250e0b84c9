package dev.rsp.core.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The rate limits in force and their counts: per client address a connection bucket, and per client scope a request
 * bucket and a count of requests in progress; per host a request bucket. Settings come from configuration threads
 * ({@link #apply}); the loops ask {@link #admitConnection} and {@link #admitRequest}. With nothing configured each of
 * those is one volatile read and one field read, and allocates nothing. An applied change starts every count afresh
 * (requests in progress then no longer count toward a client's concurrent limit; they still release their slot in
 * the table they came from).
 *
 * <p>Client addresses and hosts are kept in {@link BoundedTable}s of {@code client.table.entries} and
 * {@code host.table.entries}; state dropped to stay within them is counted ({@code ratelimit.clients.evicted},
 * {@code ratelimit.hosts.evicted}). Safe from any thread.
 */
public final class RateLimiter {

    public static final String CLIENTS_EVICTED = "ratelimit.clients.evicted";
    public static final String HOSTS_EVICTED = "ratelimit.hosts.evicted";

    private final Consumer<String> count;
    private final LongSupplier clock;
    private volatile Active active;

    /**
     * @param count counts a named event (the engine's counters)
     * @param clock {@link System#nanoTime}, or a test's
     */
    public RateLimiter(Consumer<String> count, LongSupplier clock) {
        this.count = count;
        this.clock = clock;
        this.active = new Active(RateLimitSettings.NONE, count);
    }

    /** Puts {@code next} in force (a no-op when it equals what is in force). Any thread. */
    public void apply(RateLimitSettings next) {
        if (!next.equals(active.settings)) {
            active = new Active(next, count);
        }
    }

    public RateLimitSettings settings() {
        return active.settings;
    }

    /** Whether {@link #admitConnection} has a limit to check: one volatile read and one field read. */
    public boolean limitsConnections() {
        return active.connections;
    }

    /** The clock the limiter reads (the engine's loops pass its values back in). */
    public long now() {
        return clock.getAsLong();
    }

    /**
     * A new connection from {@code client} (an address as {@link java.net.InetAddress#getHostAddress} writes it; see
     * {@link RateLimitSettings#clientKey}): 0 when it is within the client's connection rate (or none is set), else
     * the seconds until it would be (at least 1).
     */
    public long admitConnection(String client) {
        Active a = active;
        if (!a.connections) {
            return 0;
        }
        long now = clock.getAsLong();
        String key = a.settings.clientKey(client);
        long wait = a.clients.get(key, now, a.newClient).connections.take(now, a.settings.clientConnections());
        return wait == 0 ? 0 : seconds(wait);
    }

    /**
     * A request from {@code client} for {@code host} (canonical). Checks, in this order, the client's requests in
     * progress, its request rate, and the host's request rate, in the scope of the rule the host matches; a refusal
     * takes nothing (what an earlier check took is given back).
     */
    public Decision admitRequest(String client, String host) {
        Active a = active;
        if (!a.requests) {
            return Decision.Pass.ADMITTED;
        }
        long now = clock.getAsLong();
        HostPolicy policy = a.settings.defaults();
        HostState hs = null;
        if (a.hosts) {
            hs = a.hostTable.get(host, now, a.newHost);
            policy = hs.policy;
        }
        InFlight held = null;
        Bucket clientBucket = null;
        if (policy.limitsClients()) {
            ClientState cs = a.clients.get(a.settings.clientKey(client), now, a.newClient);
            int scope = policy.clientScope();
            if (policy.clientConcurrent() > 0) {
                held = cs.inFlight[scope];
                if (!held.tryAcquire(policy.clientConcurrent())) {
                    return a.refused(Decision.Reason.CLIENT_CONCURRENT, 1, policy);
                }
            }
            if (policy.clientRequests().limited()) {
                long wait = cs.requests[scope].take(now, policy.clientRequests());
                if (wait > 0) {
                    release(held);
                    return a.refused(Decision.Reason.CLIENT_REQUESTS, seconds(wait), policy);
                }
                clientBucket = cs.requests[scope];
            }
        }
        if (hs != null && policy.hostRequests().limited()) {
            long wait = hs.requests.take(now, policy.hostRequests());
            if (wait > 0) {
                if (clientBucket != null) {
                    clientBucket.giveBack(policy.clientRequests());
                }
                release(held);
                return a.refused(Decision.Reason.HOST_REQUESTS, seconds(wait), policy);
            }
        }
        return held != null ? held : Decision.Pass.ADMITTED;
    }

    private static void release(InFlight held) {
        if (held != null) {
            held.release();
        }
    }

    /** Whole seconds for a Retry-After, rounded up, at least 1. */
    static long seconds(long nanos) {
        return Math.max(1, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }

    /** Forgets every client and host whose counts are at rest; off the loops, every few seconds. */
    public void purge() {
        Active a = active;
        long now = clock.getAsLong();
        a.clients.purge(now);
        a.hostTable.purge(now);
    }

    /**
     * For the status page and {@code /api/stats}: whether anything is limited, the table sizes, the top-level limits
     * and each rule with its refusals since it was applied.
     */
    public Map<String, Object> describe() {
        Active a = active;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", a.settings.any());
        out.put("clients_tracked", a.clients.size());
        out.put("client_table_entries", a.clients.capacity());
        out.put("hosts_tracked", a.hostTable.size());
        out.put("host_table_entries", a.hostTable.capacity());
        out.put("client_connections", a.settings.clientConnections().toString());
        List<Object> rules = new ArrayList<>();
        rules.add(describe(a, "", List.of(), a.settings.defaults()));
        for (RateLimitSettings.Rule r : a.settings.rules()) {
            rules.add(describe(a, r.name(), r.hosts(), r.policy()));
        }
        out.put("rules", rules);
        return out;
    }

    private static Map<String, Object> describe(Active a, String name, List<String> hosts, HostPolicy p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", name.isEmpty() ? "(top level)" : name);
        o.put("hosts", hosts.isEmpty() ? "other hosts" : String.join(",", hosts));
        o.put("host_requests", p.hostRequests().toString());
        o.put("client_requests", p.clientRequests().toString());
        o.put("client_concurrent", p.clientConcurrent());
        o.put("refused", a.refusals.get(name).sum());
        return o;
    }

    /** The settings in force with their tables; replaced whole by {@link #apply}. */
    private static final class Active {
        final RateLimitSettings settings;
        final boolean connections;
        final boolean requests;
        final boolean hosts;
        final BoundedTable<ClientState> clients;
        final BoundedTable<HostState> hostTable;
        final BoundedTable.Maker<ClientState> newClient;
        final BoundedTable.Maker<HostState> newHost;
        final Map<String, LongAdder> refusals = new HashMap<>();

        Active(RateLimitSettings settings, Consumer<String> count) {
            this.settings = settings;
            this.connections = settings.limitsConnections();
            this.hosts = settings.limitsHosts();
            this.requests = hosts || settings.limitsClients();
            this.clients = new BoundedTable<>(settings.clientTableEntries(), () -> count.accept(CLIENTS_EVICTED));
            this.hostTable = new BoundedTable<>(settings.hostTableEntries(), () -> count.accept(HOSTS_EVICTED));
            int scopes = settings.clientScopes();
            this.newClient = (key, now) -> new ClientState(now, scopes);
            this.newHost = (key, now) -> new HostState(now, settings.policyFor(key));
            refusals.put("", new LongAdder());
            settings.rules().forEach(r -> refusals.put(r.name(), new LongAdder()));
        }

        Decision.Refused refused(Decision.Reason reason, long seconds, HostPolicy policy) {
            refusals.get(policy.rule()).increment();
            return new Decision.Refused(reason, seconds, policy.rule());
        }
    }
}
