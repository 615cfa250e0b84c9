package dev.rsp.core.etcd;

import dev.rsp.config.Reading;
import dev.rsp.config.Schema;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Valid settings of the etcd source ({@link EtcdConfig}); {@link #read} checks every key with the {@link #SCHEMA}
 * and then the ranges, the same way for the running component and {@code bin/rsp check}.
 *
 * @param endpoints   the client URLs, in the order tried; never empty
 * @param prefix      ends with {@code /}
 * @param config      whether {@code <prefix>config/} overlays the configuration files
 * @param allowEmpty  whether etcd may remove every backend
 * @param access      TLS and authentication ({@link EtcdAccess#NONE}: plain http, no user)
 */
public record EtcdSettings(List<URI> endpoints, String prefix, boolean config, boolean allowEmpty, long connectMs,
        long requestMs, long idleMs, long backoffMinMs, long backoffMaxMs, long coalesceMs, int maxKeys,
        int maxValueBytes, int maxResponseBytes, EtcdAccess access) {

    public static final String PID = "rsp.etcd";
    public static final Schema SCHEMA = Schema.fromAnnotation(PID, EtcdConfig.class).sizes("limits.value.bytes",
            "limits.response.bytes");

    public EtcdSettings {
        endpoints = List.copyOf(endpoints);
    }

    /** The outcome of {@link #read}: settings, or every problem found (one line each, naming PID, key and value). */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(EtcdSettings settings, List<String> warnings) implements Parsed {
    }

    public record Invalid(List<String> errors, List<String> warnings) implements Parsed {
    }

    public static Parsed read(Map<String, ?> properties) {
        Reading r = SCHEMA.read(properties);
        List<String> errors = new ArrayList<>(r.errors());
        if (!errors.isEmpty()) {
            return new Invalid(errors, r.warnings());
        }
        EtcdConfig c = r.as(EtcdConfig.class);
        List<URI> endpoints = new ArrayList<>();
        for (String e : c.endpoints()) {
            String problem = endpointProblem(e);
            if (problem != null) {
                errors.add(PID + ": endpoints = '" + e + "': " + problem);
            } else {
                endpoints.add(URI.create(strip(e)));
            }
        }
        List<String> warnings = new ArrayList<>(r.warnings());
        EtcdAccess access = errors.isEmpty() ? EtcdAccess.read(c, endpoints, errors, warnings) : EtcdAccess.NONE;
        if (c.endpoints().length == 0) {
            errors.add(PID + ": endpoints is empty: name at least one http://host:port");
        }
        String prefix = c.prefix().strip();
        if (prefix.isEmpty() || !prefix.endsWith("/") || prefix.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
            errors.add(PID + ": prefix = '" + c.prefix() + "': expected printable ASCII without spaces, ending with / "
                    + "(e.g. /rsp/default/)");
        }
        String config = c.config().strip();
        if (!config.equals("on") && !config.equals("off")) {
            errors.add(PID + ": config = '" + c.config() + "': expected on or off");
        }
        String empty = c.backends_empty().strip();
        if (!empty.equals("allow") && !empty.equals("refuse")) {
            errors.add(PID + ": backends.empty = '" + c.backends_empty() + "': expected allow or refuse");
        }
        range(errors, "timeout.connect.ms", c.timeout_connect_ms(), 10, 60_000);
        range(errors, "timeout.request.ms", c.timeout_request_ms(), 10, 300_000);
        range(errors, "watch.idle.timeout.ms", c.watch_idle_timeout_ms(), 100, 3_600_000);
        range(errors, "backoff.min.ms", c.backoff_min_ms(), 1, 60_000);
        range(errors, "backoff.max.ms", c.backoff_max_ms(), Math.max(1, c.backoff_min_ms()), 600_000);
        range(errors, "coalesce.ms", c.coalesce_ms(), 0, 60_000);
        range(errors, "limits.keys", c.limits_keys(), 1, 1_000_000);
        range(errors, "limits.value.bytes", c.limits_value_bytes(), 16, 64 << 20);
        range(errors, "limits.response.bytes", c.limits_response_bytes(), 1024, 1 << 30);
        if (!errors.isEmpty()) {
            return new Invalid(errors, warnings);
        }
        return new Valid(new EtcdSettings(endpoints, prefix, config.equals("on"), empty.equals("allow"),
                c.timeout_connect_ms(), c.timeout_request_ms(), c.watch_idle_timeout_ms(), c.backoff_min_ms(),
                c.backoff_max_ms(), c.coalesce_ms(), c.limits_keys(), c.limits_value_bytes(), c.limits_response_bytes(),
                access), warnings);
    }

    /** Why {@code endpoint} is not {@code http://host:port} or {@code https://host:port}, or null. */
    static String endpointProblem(String endpoint) {
        String e = strip(endpoint);
        URI u;
        try {
            u = new URI(e);
        } catch (URISyntaxException x) {
            return "not a URL (" + x.getReason() + "); expected http://host:port or https://host:port";
        }
        boolean scheme = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
        if (!scheme || u.getHost() == null || u.getPort() < 1) {
            return "expected http://host:port or https://host:port";
        }
        if (u.getUserInfo() != null) {
            return "a user in the URL is not read; set username and password.file";
        }
        if ((u.getRawPath() != null && !u.getRawPath().isEmpty()) || u.getRawQuery() != null) {
            return "expected http(s)://host:port without path or query";
        }
        return null;
    }

    private static String strip(String endpoint) {
        String e = endpoint.strip();
        return e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
    }

    private static void range(List<String> errors, String key, long value, long min, long max) {
        if (value < min || value > max) {
            errors.add(PID + ": " + key + " = '" + value + "': out of range (" + min + "-" + max + ")");
        }
    }

    /** The prefix under which backends live. */
    public String backendsPrefix() {
        return prefix + "backends/";
    }
}
