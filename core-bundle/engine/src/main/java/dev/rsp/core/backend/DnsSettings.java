package dev.rsp.core.backend;

import dev.rsp.config.Addresses;
import dev.rsp.core.CoreConfig;
import dev.rsp.host.HostNames;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code dns.*} keys of {@code rsp.core}: where and how backend host names are looked up, validated. Immutable;
 * equal when every value is.
 *
 * @param servers        DNS servers to ask ({@code dns.servers}); empty: the nameservers of {@code /etc/resolv.conf}
 * @param hostsFile      the hosts file consulted first ({@code dns.hosts}); empty: none
 * @param ttlMinNanos    shortest time an answer is used ({@code dns.ttl.min.ms})
 * @param ttlMaxNanos    longest time an answer is used ({@code dns.ttl.max.ms}); at least {@code ttlMinNanos}
 * @param jitterPercent  how much earlier than its TTL, at most, a name is looked up again ({@code dns.jitter.percent})
 * @param holdNanos      how long the last good answer is kept while lookups fail ({@code dns.hold.ms}); 0: not at all
 * @param retryNanos     wait after a failed lookup ({@code dns.retry.ms})
 * @param timeoutNanos   time one lookup may take ({@code dns.timeout.ms})
 */
public record DnsSettings(List<InetSocketAddress> servers, String hostsFile, long ttlMinNanos, long ttlMaxNanos,
                          int jitterPercent, long holdNanos, long retryNanos, long timeoutNanos) {

    public static final int DNS_PORT = 53;
    static final int MAX_SERVERS = 16;

    /** The defaults of {@link CoreConfig}. */
    public static final DnsSettings DEFAULTS = new DnsSettings(List.of(), "/etc/hosts", ms(1_000), ms(300_000), 10,
            ms(300_000), ms(2_000), ms(5_000));

    public DnsSettings {
        servers = List.copyOf(servers);
    }

    /** The settings of {@code c}, or the defaults with one line per problem added to {@code errors}. */
    public static DnsSettings from(CoreConfig c, List<String> errors) {
        int before = errors.size();
        List<InetSocketAddress> servers = servers(c.dns_servers(), errors);
        positive("dns.ttl.min.ms", c.dns_ttl_min_ms(), errors);
        positive("dns.ttl.max.ms", c.dns_ttl_max_ms(), errors);
        if (c.dns_ttl_max_ms() < c.dns_ttl_min_ms()) {
            errors.add("dns.ttl.max.ms = " + c.dns_ttl_max_ms() + ": must be at least dns.ttl.min.ms ("
                    + c.dns_ttl_min_ms() + ")");
        }
        if (c.dns_jitter_percent() < 0 || c.dns_jitter_percent() > 50) {
            errors.add("dns.jitter.percent = " + c.dns_jitter_percent() + ": must be 0 to 50");
        }
        if (c.dns_hold_ms() < 0) {
            errors.add("dns.hold.ms = " + c.dns_hold_ms() + ": must not be negative (0: no hold)");
        }
        positive("dns.retry.ms", c.dns_retry_ms(), errors);
        positive("dns.timeout.ms", c.dns_timeout_ms(), errors);
        String hosts = c.dns_hosts().strip();
        if (hosts.indexOf('\0') >= 0) {
            errors.add("dns.hosts: the path contains a NUL character");
        }
        if (errors.size() > before) {
            return DEFAULTS;
        }
        return new DnsSettings(servers, hosts, ms(c.dns_ttl_min_ms()), ms(c.dns_ttl_max_ms()), c.dns_jitter_percent(),
                ms(c.dns_hold_ms()), ms(c.dns_retry_ms()), ms(c.dns_timeout_ms()));
    }

    /**
     * {@code ip[:port]} entries, comma-separated; only address literals (a DNS server named by a host name would need
     * a DNS server to find it).
     */
    static List<InetSocketAddress> servers(String text, List<String> errors) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        for (String part : text.split(",", -1)) {
            String entry = part.strip();
            boolean bare = HostNames.isIpv4(entry, 0, entry.length()) || HostNames.isIpv6(entry, 0, entry.length());
            String withPort = !bare ? entry : entry.indexOf(':') >= 0 ? "[" + entry + "]:" + DNS_PORT
                    : entry + ":" + DNS_PORT;
            Addresses.Parsed p = Addresses.parse(withPort, Addresses.Ports.CONNECT);
            if (p instanceof Addresses.Refused r) {
                errors.add("dns.servers: " + Addresses.quote(entry) + ": " + r.reason() + "; expected ip[:port], "
                        + "e.g. 127.0.0.1:5353");
                continue;
            }
            Addresses.Address a = (Addresses.Address) p;
            if (!a.ipv6() && !HostNames.isIpv4(a.host(), 0, a.host().length())) {
                errors.add("dns.servers: " + Addresses.quote(entry) + " is not an IP address; name DNS servers by "
                        + "address, e.g. 127.0.0.1:5353");
                continue;
            }
            try {
                out.add(new InetSocketAddress(InetAddress.getByName(a.host()), a.port()));
            } catch (UnknownHostException literalNeverFails) {
                errors.add("dns.servers: " + Addresses.quote(entry) + ": " + literalNeverFails.getMessage());
            }
        }
        if (out.size() > MAX_SERVERS) {
            errors.add("dns.servers: " + out.size() + " servers, at most " + MAX_SERVERS);
        }
        return out;
    }

    private static void positive(String key, long value, List<String> errors) {
        if (value <= 0) {
            errors.add(key + " = " + value + ": must be positive");
        }
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
