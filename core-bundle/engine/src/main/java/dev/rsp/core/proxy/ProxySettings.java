package dev.rsp.core.proxy;

import dev.rsp.config.Addresses;
import dev.rsp.config.ProxyProtocolKeys;
import dev.rsp.core.CoreConfig;
import dev.rsp.core.backend.DnsSettings;
import dev.rsp.core.backend.HealthSettings;
import dev.rsp.core.forwarded.ForwardedPolicy;
import dev.rsp.core.h2.H2Limits;
import dev.rsp.core.h2.hpack.HpackLimits;
import dev.rsp.core.http.HeadLimits;
import dev.rsp.core.proxyprotocol.ProxyProtocolPolicy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The core's settings, validated. Built from {@code rsp.core} by {@link #from}; an invalid configuration yields the
 * list of problems instead, and the engine keeps its previous settings. {@link #from} reads {@code backend.tls.ca}'s
 * file: call it off the loops.
 */
public record ProxySettings(
        InetSocketAddress listen,
        int loops,
        List<String> chain,
        int bufferSize,
        HeadLimits headLimits,
        long memoryBudget,
        int maxConnections,
        long bufferBudget,
        int backlog,
        long headerTimeoutNanos,
        long idleTimeoutNanos,
        long connectTimeoutNanos,
        long backendTimeoutNanos,
        long graceNanos,
        long stopTimeoutNanos,
        int backendTries,
        int poolMaxIdle,
        long poolIdleNanos,
        int healthFailures,
        long healthCooldownNanos,
        long healthCheckIntervalNanos,
        UpgradePolicy upgrades,
        boolean via,
        AccessLog.Format accessLogFormat,
        String errorsDir,
        int errorsMaxBytes,
        boolean h2Cleartext,
        H2Limits h2Limits,
        HpackLimits h2Hpack,
        Hsts hsts,
        BackendTls backendTls,
        HealthSettings health,
        BackendLimits backendLimits,
        long poolDecayNanos,
        ProxyProtocolPolicy proxyProtocol,
        DnsSettings dns,
        boolean reusePort,
        long stopNewNanos,
        long readyWaitNanos,
        HttpsRedirect httpsRedirect,
        boolean rewriteLocation,
        ForwardedPolicy forwarded,
        BodyLimits bodyLimits,
        dev.rsp.core.trace.TraceSettings tracing,
        int bufferBulkSize,
        CompressionSettings compression) {

    /** The outcome of reading a configuration. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(ProxySettings settings) implements Parsed {
    }

    public record Invalid(List<String> errors) implements Parsed {
    }

    /** The settings with every property at its default; used until a configuration arrives. */
    public static ProxySettings defaults(CoreConfig defaults) {
        return ((Valid) from(defaults)).settings();
    }

    public static Parsed from(CoreConfig c) {
        List<String> errors = new ArrayList<>();
        InetSocketAddress listen = address("http.listen", c.http_listen(), errors);
        int loops = c.loops() == 0 ? Runtime.getRuntime().availableProcessors() : c.loops();
        check(c.loops() >= 0 && c.loops() <= 256, "loops must be 0 (one per core) to 256, not " + c.loops(), errors);
        List<String> chain = Arrays.stream(c.routing_chain().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        check(chain.size() == chain.stream().distinct().count(), "routing.chain names a strategy twice: " + chain, errors);
        check(c.buffer_size() >= 4096 && c.buffer_size() <= 1 << 20, "buffer.size must be 4096 to 1048576, not " + c.buffer_size(), errors);
        check(c.limits_request_line() >= 256, "limits.request.line must be at least 256", errors);
        check(c.limits_head_bytes() >= c.limits_request_line() && c.limits_head_bytes() <= c.buffer_size(),
                "limits.head.bytes must be between limits.request.line and buffer.size (" + c.buffer_size() + "), not "
                        + c.limits_head_bytes(), errors);
        check(c.limits_headers() >= 1 && c.limits_headers() <= 1000, "limits.headers must be 1 to 1000", errors);
        check(c.limits_memory() >= 64L << 20, "limits.memory must be at least 64m, not " + c.limits_memory(), errors);
        check(c.limits_connections() >= 1, "limits.connections must be at least 1, not " + c.limits_connections(), errors);
        check(c.limits_buffers() == 0 || c.limits_buffers() >= 1L << 20,
                "limits.buffers must be 0 (three quarters of the JVM's direct memory) or at least 1m, not " + c.limits_buffers(), errors);
        check(c.limits_backlog() >= 1 && c.limits_backlog() <= 65_535, "limits.backlog must be 1 to 65535, not " + c.limits_backlog(), errors);
        for (long t : new long[] {c.timeout_header_ms(), c.timeout_idle_ms(), c.timeout_connect_ms(), c.timeout_backend_ms(),
                c.timeout_stop_ms(), c.backend_pool_idle_ms(), c.health_cooldown_ms(), c.buffer_pool_decay_ms(),
                c.timeout_stop_new_ms(), c.listen_reuseport_ready_ms()}) {
            check(t > 0, "timeouts must be positive, found " + t, errors);
        }
        check(c.timeout_grace_ms() >= 0, "timeout.grace.ms must not be negative", errors);
        check(c.health_check_interval_ms() >= 0, "health.check.interval.ms must not be negative", errors);
        check(c.backend_tries() >= 1 && c.backend_tries() <= 8, "backend.tries must be 1 to 8", errors);
        check(c.backend_pool_max_idle() >= 0, "backend.pool.max.idle must not be negative", errors);
        check(c.health_failures() >= 1, "health.failures must be at least 1", errors);
        UpgradePolicy upgrades = UpgradePolicy.parse("upgrade.protocols", c.upgrade_protocols(), errors);
        AccessLog.Format accessLogFormat = AccessLog.Format.parse(c.access_log_format());
        check(accessLogFormat != null, "access.log.format must be text, combined or json, not '" + c.access_log_format() + "'", errors);
        check(c.errors_max_bytes() >= 0 && c.errors_max_bytes() <= 1 << 20, "errors.max.bytes must be 0 to 1048576", errors);
        check(c.h2_max_concurrent_streams() >= 1 && c.h2_max_concurrent_streams() <= 10_000,
                "h2.max.concurrent.streams must be 1 to 10000", errors);
        check(c.h2_max_streams_per_connection() >= 1, "h2.max.streams.per.connection must be at least 1", errors);
        check(c.h2_max_premature_resets() >= 0, "h2.max.premature.resets must not be negative", errors);
        check(c.h2_max_glitches() >= 0, "h2.max.glitches must not be negative", errors);
        check(c.h2_connection_window() >= 65_535, "h2.connection.window must be at least 65535", errors);
        check(c.h2_max_header_list_bytes() >= 1024, "h2.max.header.list.bytes must be at least 1024", errors);
        Hsts hsts = Hsts.parse(c.hsts(), c.hsts_hosts(), errors);
        BackendTls backendTls = BackendTls.load(c.backend_tls_ca(), errors);
        HealthSettings health = HealthSettings.from(c, errors);
        BackendLimits backendLimits = BackendLimits.from(c, errors);
        ProxyProtocolKeys.Values proxyProtocol = ProxyProtocolKeys.read(c.proxy_protocol(), c.proxy_trusted(),
                c.proxy_timeout_ms(), c.proxy_max_v2_bytes(), errors);
        check(c.buffer_bulk_size() >= 0 && c.buffer_bulk_size() <= 1 << 20,
                "buffer.bulk.size must be 0 to 1048576, not " + c.buffer_bulk_size(), errors);
        check(c.proxy_max_v2_bytes() <= c.buffer_size(), "proxy.max.v2.bytes must be at most buffer.size ("
                + c.buffer_size() + "), not " + c.proxy_max_v2_bytes(), errors);
        DnsSettings dns = DnsSettings.from(c, errors);
        HttpsRedirect redirect = HttpsRedirect.parse(c.redirect_https(), c.redirect_https_status(), c.redirect_https_port(), errors);
        ForwardedPolicy forwarded = ForwardedPolicy.read(c.forwarded_trusted(), c.forwarded_header(), errors);
        BodyLimits bodyLimits = BodyLimits.parse(c.limits_body_bytes(), c.limits_body_hosts(), errors);
        dev.rsp.core.trace.TraceSettings tracing = dev.rsp.core.trace.TraceSettings.from(c.tracing_start(),
                c.tracing_otlp_endpoint(), c.tracing_otlp_queue_spans(), c.tracing_otlp_batch_spans(),
                c.tracing_otlp_interval_ms(), c.tracing_otlp_timeout_ms(), c.tracing_otlp_tries(), c.tracing_service_name(),
                c.tracing_otlp_headers(), errors);
        CompressionSettings compression = CompressionSettings.parse(c.compression(), c.compression_types(),
                c.compression_min_bytes(), c.compression_level(), c.compression_hosts(), c.compression_max_active(), errors);
        if (!errors.isEmpty()) {
            return new Invalid(errors);
        }
        // A stream's window: the protocol's default (request body memory per stream, see H2Body).
        int concurrency = c.h2_max_concurrent_streams();
        H2Limits h2 = new H2Limits(concurrency, 2 * concurrency, c.h2_max_streams_per_connection(),
                c.h2_max_premature_resets(), c.limits_head_bytes(), c.h2_max_glitches(), H2Limits.DEFAULT.maxQueuedControlFrames(),
                65_535, c.h2_connection_window());
        HpackLimits hpack = new HpackLimits(HpackLimits.DEFAULT.maxTableSize(), c.h2_max_header_list_bytes(), c.limits_headers());
        return new Valid(new ProxySettings(listen, loops, chain, c.buffer_size(),
                new HeadLimits(c.limits_request_line(), c.limits_head_bytes(), c.limits_headers()),
                c.limits_memory(), c.limits_connections(), c.limits_buffers(), c.limits_backlog(),
                ms(c.timeout_header_ms()), ms(c.timeout_idle_ms()), ms(c.timeout_connect_ms()), ms(c.timeout_backend_ms()),
                ms(c.timeout_grace_ms()), ms(c.timeout_stop_ms()), c.backend_tries(), c.backend_pool_max_idle(),
                ms(c.backend_pool_idle_ms()), c.health_failures(), ms(c.health_cooldown_ms()), ms(c.health_check_interval_ms()),
                upgrades, c.forwarded_via(), accessLogFormat, c.errors_dir().trim(), c.errors_max_bytes(), c.h2_cleartext(),
                h2, hpack, hsts, backendTls, health, backendLimits, ms(c.buffer_pool_decay_ms()),
                ProxyProtocolPolicy.of(proxyProtocol),
                dns,
                c.listen_reuseport(), ms(c.timeout_stop_new_ms()), ms(c.listen_reuseport_ready_ms()),
                redirect, c.rewrite_location(),
                forwarded, bodyLimits, tracing, c.buffer_bulk_size(), compression));
    }

    /** Parses a listener address with {@link Addresses} (never resolves); errors name the property. */
    static InetSocketAddress address(String property, String value, List<String> errors) {
        Addresses.Parsed parsed = Addresses.parse(value, Addresses.Ports.LISTEN);
        if (parsed instanceof Addresses.Refused refused) {
            errors.add(property + " = '" + value + "': " + refused.reason());
            return null;
        }
        Addresses.Address a = (Addresses.Address) parsed;
        return InetSocketAddress.createUnresolved(a.host(), a.port());
    }

    private static void check(boolean ok, String message, List<String> errors) {
        if (!ok) {
            errors.add(message);
        }
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
