package dev.rsp.core.ratelimit;

import dev.rsp.config.Reading;
import dev.rsp.config.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The rate limits, validated: read from {@code rsp.ratelimit} by {@link #read}, which gives every problem at once (a
 * configuration with one is not applied, not even in part). The host patterns of the rules are matched by
 * {@link #policyFor}: an exact name before the longest {@code *.suffix}, that before {@code *}, else the top-level
 * limits. Immutable.
 *
 * @param defaults           the top-level limits (rule "", client scope 0)
 * @param rules              the {@code rule.<name>} entries by name, each with its limits filled in
 * @param clientConnections  the connection rate per client address
 * @param clientScopes       how many client scopes there are (1 plus one per rule with client fields)
 * @param exact              the rules' exact host names, for {@link #policyFor}
 * @param suffixes           the rules' {@code *.suffix} patterns without the {@code *} ({@code ""} for {@code *})
 * @param ipv6Prefix         the prefix length an IPv6 client is counted by (16 to 128, a multiple of 16)
 */
public record RateLimitSettings(HostPolicy defaults, List<Rule> rules, Rate clientConnections, int clientTableEntries,
        int hostTableEntries, int clientScopes, Map<String, HostPolicy> exact, Map<String, HostPolicy> suffixes,
        int ipv6Prefix) {

    /** The keys of {@code rsp.ratelimit}, for the component and {@code bin/rsp check}. */
    public static final Schema SCHEMA = Schema.fromAnnotation("rsp.ratelimit", RateLimitConfig.class).prefix(RuleParser.PREFIX);

    static final int MAX_TABLE_ENTRIES = 10_000_000;

    /** One rule: its host patterns and what applies to them. */
    public record Rule(String name, List<String> hosts, HostPolicy policy) {
    }

    /** No limits at all (no file, or every key 0). */
    public static final RateLimitSettings NONE = ((Valid) read(Map.of())).settings();

    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(RateLimitSettings settings, List<String> warnings) implements Parsed {
    }

    public record Invalid(List<String> errors, List<String> warnings) implements Parsed {
    }

    /** Reads and checks {@code properties} (as ConfigAdmin delivers them; null is empty). */
    public static Parsed read(Map<String, ?> properties) {
        Reading r = SCHEMA.read(properties);
        List<String> errors = new ArrayList<>(r.errors());
        if (!errors.isEmpty()) {
            return new Invalid(errors, r.warnings());
        }
        RateLimitConfig c = r.as(RateLimitConfig.class);
        check(c.client_requests_per_second() <= Rate.MAX_PER_SECOND, "client.requests.per.second", errors);
        check(c.client_connections_per_second() <= Rate.MAX_PER_SECOND, "client.connections.per.second", errors);
        check(c.host_requests_per_second() <= Rate.MAX_PER_SECOND, "host.requests.per.second", errors);
        for (int burst : new int[] {c.client_burst(), c.client_connections_burst(), c.host_burst()}) {
            if (burst > Rate.MAX_BURST) {
                errors.add("rsp.ratelimit: a burst is at most " + Rate.MAX_BURST + ", not " + burst);
            }
        }
        if (c.client_ipv6_prefix() < 16 || c.client_ipv6_prefix() > 128 || c.client_ipv6_prefix() % 16 != 0) {
            errors.add("rsp.ratelimit: client.ipv6.prefix must be 16, 32, 48, 64, 80, 96, 112 or 128, not "
                    + c.client_ipv6_prefix());
        }
        for (int entries : new int[] {c.client_table_entries(), c.host_table_entries()}) {
            if (entries < 1 || entries > MAX_TABLE_ENTRIES) {
                errors.add("rsp.ratelimit: client.table.entries and host.table.entries must be 1 to " + MAX_TABLE_ENTRIES
                        + ", not " + entries);
            }
        }
        HostPolicy defaults = new HostPolicy("", Rate.of(c.host_requests_per_second(), TimeUnit.SECONDS, c.host_burst()), 0,
                Rate.of(c.client_requests_per_second(), TimeUnit.SECONDS, c.client_burst()), c.client_concurrent());
        List<Rule> rules = new ArrayList<>();
        Map<String, HostPolicy> exact = new HashMap<>();
        Map<String, HostPolicy> suffixes = new HashMap<>();
        Map<String, String> owner = new HashMap<>();
        int scopes = 1;
        Map<String, Object> entries = new TreeMap<>();
        r.values().forEach((k, v) -> {
            if (k.startsWith(RuleParser.PREFIX)) {
                entries.put(k, v);
            }
        });
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            RuleParser.Written w = RuleParser.parse(e.getKey(), e.getValue(), errors);
            if (w == null) {
                continue;
            }
            int scope = w.hasClientFields() ? scopes++ : 0;
            HostPolicy p = new HostPolicy(w.name(),
                    w.count() < 0 ? rebursted(defaults.hostRequests(), w.burst()) : Rate.of(w.count(), w.unit(), Math.max(0, w.burst())),
                    scope,
                    w.clientCount() < 0 ? rebursted(defaults.clientRequests(), w.clientBurst())
                            : Rate.of(w.clientCount(), w.clientUnit(), Math.max(0, w.clientBurst())),
                    w.clientConcurrent() < 0 ? defaults.clientConcurrent() : (int) w.clientConcurrent());
            for (String h : w.hosts()) {
                String previous = owner.putIfAbsent(h, w.name());
                if (previous != null) {
                    errors.add("rsp.ratelimit: host pattern '" + h + "' is in rule." + previous + " and rule." + w.name());
                } else if (h.startsWith("*")) {
                    suffixes.put(h.substring(1), p);
                } else {
                    exact.put(h, p);
                }
            }
            rules.add(new Rule(w.name(), w.hosts(), p));
        }
        if (!errors.isEmpty()) {
            return new Invalid(errors, r.warnings());
        }
        Rate connections = Rate.of(c.client_connections_per_second(), TimeUnit.SECONDS, c.client_connections_burst());
        return new Valid(new RateLimitSettings(defaults, List.copyOf(rules), connections, c.client_table_entries(),
                c.host_table_entries(), scopes, Map.copyOf(exact), Map.copyOf(suffixes), c.client_ipv6_prefix()), r.warnings());
    }

    /** {@code rate} with {@code burst} when one was given (and the rate is a limit), else unchanged. */
    private static Rate rebursted(Rate rate, long burst) {
        return burst <= 0 || !rate.limited() ? rate : new Rate(rate.intervalNanos(), burst);
    }

    private static void check(boolean ok, String key, List<String> errors) {
        if (!ok) {
            errors.add("rsp.ratelimit: " + key + " is at most " + Rate.MAX_PER_SECOND);
        }
    }

    /**
     * The limits for {@code host} (canonical): the rule naming it exactly, else the rule with the longest matching
     * {@code *.suffix}, else the rule for {@code *}, else the defaults. Walks the host's labels: call it once per host
     * (the host table keeps the answer), not per request.
     */
    public HostPolicy policyFor(String host) {
        HostPolicy p = exact.get(host);
        if (p != null) {
            return p;
        }
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            p = suffixes.get(host.substring(dot));
            if (p != null) {
                return p;
            }
        }
        p = suffixes.get("");
        return p != null ? p : defaults;
    }

    /**
     * The key a client address is counted under: an IPv4 address as it is, an IPv6 address (as
     * {@link java.net.InetAddress#getHostAddress} writes it: eight groups, maybe a {@code %scope}) cut to its first
     * {@code ipv6Prefix / 16} groups, e.g. {@code 2001:db8:0:7::/64}. Allocates for IPv6 below 128 only.
     */
    public String clientKey(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        int groups = ipv6Prefix / 16;
        int at = -1;
        for (int i = 0; i < groups; i++) {
            at = address.indexOf(':', at + 1);
            if (at < 0) {
                int scope = address.indexOf('%');
                return scope < 0 ? address : address.substring(0, scope);
            }
        }
        return address.substring(0, at) + "::/" + ipv6Prefix;
    }

    /** Whether any request needs its host looked up: a host rate anywhere, or any rule at all. */
    public boolean limitsHosts() {
        return defaults.hostRequests().limited() || !rules.isEmpty();
    }

    /** Whether any request may be limited per client. */
    public boolean limitsClients() {
        return defaults.limitsClients() || rules.stream().anyMatch(r -> r.policy().limitsClients());
    }

    public boolean limitsConnections() {
        return clientConnections.limited();
    }

    /** Whether anything at all is limited. */
    public boolean any() {
        return limitsHosts() || limitsClients() || limitsConnections();
    }
}
