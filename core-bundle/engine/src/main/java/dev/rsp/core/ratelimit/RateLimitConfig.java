package dev.rsp.core.ratelimit;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of the rate limits, PID {@code rsp.ratelimit} ({@code etc/rsp.ratelimit.cfg}; without it, no limits).
 * Property names are the method names with {@code _} read as {@code .}. Every limit is off at 0. Besides these keys,
 * {@code rule.<name> = hosts=...; requests=N/s; ...} entries override them for hosts matching a pattern
 * ({@link RuleParser}).
 */
@ObjectClassDefinition(pid = "rsp.ratelimit", name = "rsp rate limits", description = "Per client address and per host: "
        + "token buckets, 429 with Retry-After. Besides these keys, rule.<name> = hosts=<pattern>[,<pattern>...]; "
        + "requests=N/s; burst=B; client.requests=N/s; client.burst=B; client.concurrent=C overrides them for the hosts "
        + "matching a pattern")
public @interface RateLimitConfig {

    @AttributeDefinition(description = "Requests per second one client address may send (over every host); 0 = no limit")
    int client_requests_per_second() default 0;

    @AttributeDefinition(description = "Requests a client may send at once after a quiet period; 0 = client.requests.per.second")
    int client_burst() default 0;

    @AttributeDefinition(description = "New connections per second one client address may open; 0 = no limit")
    int client_connections_per_second() default 0;

    @AttributeDefinition(description = "Connections a client may open at once after a quiet period; 0 = client.connections.per.second")
    int client_connections_burst() default 0;

    @AttributeDefinition(description = "Requests of one client address in progress at once; 0 = no limit")
    int client_concurrent() default 0;

    @AttributeDefinition(description = "Requests per second to one host, from all clients together; 0 = no limit")
    int host_requests_per_second() default 0;

    @AttributeDefinition(description = "Requests a host may get at once after a quiet period; 0 = host.requests.per.second")
    int host_burst() default 0;

    @AttributeDefinition(options = {@Option(value = "16", label = "16"), @Option(value = "32", label = "32"), @Option(value = "48", label = "48"), @Option(value = "64", label = "64"), @Option(value = "80", label = "80"), @Option(value = "96", label = "96"), @Option(value = "112", label = "112"), @Option(value = "128", label = "128")}, description = "IPv6 clients are counted by this prefix of their address (a multiple of 16: 64 = "
            + "one site's /64, which one host can fill with addresses; 128 = each address)")
    int client_ipv6_prefix() default 64;

    @AttributeDefinition(min = "1", max = "10000000", description = "Most client addresses whose counts are kept; beyond it the least recently seen are forgotten")
    int client_table_entries() default 100_000;

    @AttributeDefinition(min = "1", max = "10000000", description = "Most hosts whose counts are kept; beyond it the least recently seen are forgotten")
    int host_table_entries() default 10_000;
}
