package dev.rsp.core.backend;

import dev.rsp.spi.routing.Backend;
import dev.rsp.spi.routing.Backends;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Parses the backend configuration, PID {@code rsp.backends} ({@code etc/rsp.backends.cfg}).
 *
 * <p>Each backend is one property {@code backend.<name> = host:port[;weight=N][;proto=h2][;tls[=insecure]][;maxconn=N]
 * [;send-proxy=v1|v2][;timeout.connect=D][;timeout.backend=D][;tries=N]};
 * whitespace
 * around the host, the
 * port, each option and around {@code =} is tolerated. Keys not starting with {@code backend.} (such as
 * {@code service.pid} or {@code felix.fileinstall.filename}) are ignored.
 * <ul>
 *   <li>name: 1 to 63 characters of {@code [A-Za-z0-9._-]}, starting with a letter or digit;</li>
 *   <li>host: a DNS name (letters, digits, {@code -}, {@code _}, labels of 1 to 63 characters separated by dots,
 *       at most 253 characters), an IPv4 literal (four decimal parts without leading zeros), or an IPv6 literal in
 *       brackets such as {@code [::1]}; no scheme, no path. An IPv6 host is stored in {@link Backend#host()}
 *       <em>without</em> its brackets;</li>
 *   <li>port: required, 1 to 65535; except for an SRV name ({@code _service._proto.name}), whose port is optional and
 *       ignored: it stands for the backends of its SRV targets ({@link ServiceBackends});</li>
 *   <li>options after {@code ;}, each at most once: {@code weight=N}, N from 1 to 1000, default 1; {@code proto=h2}
 *       (HTTP/2: h2c with prior knowledge, or agreed by ALPN over TLS) or {@code proto=http1} (the default);
 *       {@code tls} (TLS, the certificate verified) or {@code tls=insecure} (TLS, the certificate not checked: test
 *       labs only); {@code maxconn=N}, N from 1 to {@value #MAX_MAXCONN}: requests sent to it at once (further ones
 *       wait in the core's queue), default {@code backend.maxconn} of {@code rsp.core}; {@code send-proxy=v1} or
 *       {@code v2}: each connection starts with a PROXY protocol header naming the client (not with
 *       {@code proto=h2}); {@code timeout.connect=D}, {@code timeout.backend=D} (durations, 1 ms to 1 h) and
 *       {@code tries=N} (1 to 8): this backend's own connect timeout, first-byte timeout and tries, overriding
 *       {@code timeout.connect.ms}, {@code timeout.backend.ms} and {@code backend.tries} of {@code rsp.core} (they
 *       reach the core as a {@link BackendTuning}, not through the SPI). Parsed by {@link BackendOptions}.</li>
 * </ul>
 * Each value must be a single string; an array or collection (FileInstall's {@code [a, b]} syntax) is an error.
 * The same host:port under two names is allowed.
 *
 * <p>Every problem in every entry is reported, one line each, in key order, in the form
 * {@code backend.web-1 = 'web1:99999': port 99999 out of range (1-65535)}. Values are quoted with control
 * characters escaped and are cut after {@value #MAX_SHOWN} characters, so an error line is safe to log.
 *
 * <p>Stateless and thread-safe. Parsing does no I/O and no name resolution.
 */
public final class BackendsConfig {

    /** The configuration PID. */
    public static final String PID = "rsp.backends";
    /** Prefix of the keys that define backends. */
    public static final String KEY_PREFIX = "backend.";
    public static final int MAX_NAME_LENGTH = 63;
    public static final int MIN_WEIGHT = 1;
    public static final int MAX_WEIGHT = 1000;
    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_MAXCONN = 1_000_000;

    static final int MAX_SHOWN = 200;
    private static final String FORMAT = "host:port[;weight=N][;proto=h2][;tls[=insecure]][;maxconn=N][;send-proxy=v1|v2]"
            + "[;timeout.connect=2s][;timeout.backend=120s][;tries=N]";

    private BackendsConfig() {
    }

    /**
     * Parses a configuration dictionary.
     *
     * @param properties the properties as delivered by ConfigAdmin; {@code null} (configuration deleted) is treated
     *                   as empty
     * @param generation the generation to stamp on the resulting {@link Backends}; sources pass 0, since only
     *                   {@link BackendPublisher} numbers the sets it publishes
     * @return {@link ParsedBackends.Valid} when every {@code backend.*} entry is valid (possibly none), otherwise
     * {@link ParsedBackends.Invalid} with every error found
     */
    public static ParsedBackends parse(Map<String, ?> properties, long generation) {
        Map<String, Object> entries = new TreeMap<>();
        if (properties != null) {
            properties.forEach((k, v) -> {
                if (k != null && k.startsWith(KEY_PREFIX)) {
                    entries.put(k, v);
                }
            });
        }
        List<Backend> backends = new ArrayList<>();
        Map<String, BackendTuning> tuning = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        entries.forEach((key, value) -> {
            List<String> problems = new ArrayList<>();
            Optional<Entry> entry = parseEntry(key, value, problems);
            if (problems.isEmpty()) {
                entry.ifPresent(e -> {
                    backends.add(e.backend());
                    if (e.tuning().overridesAnything()) {
                        tuning.put(e.backend().name(), e.tuning());
                    }
                });
            } else {
                String prefix = key + " = " + show(value) + ": ";
                problems.forEach(p -> errors.add(prefix + p));
            }
        });
        return errors.isEmpty()
                ? new ParsedBackends.Valid(new Backends(generation, backends), tuning)
                : new ParsedBackends.Invalid(errors);
    }

    /** One valid entry: the backend as strategies see it, and what it overrides of the core's timeouts and tries. */
    private record Entry(Backend backend, BackendTuning tuning) {
    }

    private static Optional<Entry> parseEntry(String key, Object value, List<String> problems) {
        String name = key.substring(KEY_PREFIX.length());
        checkName(name, problems);
        if (value instanceof Collection<?> c) {
            problems.add("one value per key, got a list of " + c.size() + "; write " + key + " = " + FORMAT);
            return Optional.empty();
        }
        if (value != null && value.getClass().isArray()) {
            problems.add("one value per key, got an array of " + Array.getLength(value) + "; write " + key + " = "
                    + FORMAT);
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            problems.add("expected a string " + FORMAT + ", got "
                    + (value == null ? "no value" : "a " + value.getClass().getSimpleName()));
            return Optional.empty();
        }
        int semicolon = text.indexOf(';');
        String address = ServiceBackends.withPort((semicolon < 0 ? text : text.substring(0, semicolon)).trim());
        Optional<HostPort> hostPort = dev.rsp.config.Addresses.parse(address, dev.rsp.config.Addresses.Ports.CONNECT, problems).map(a -> new HostPort(a.host(), a.port()));
        BackendOptions options = semicolon < 0 ? BackendOptions.DEFAULT
                : BackendOptions.parse(text.substring(semicolon + 1), problems);
        if (!problems.isEmpty() || hostPort.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(new Backend(name, hostPort.get().host(), hostPort.get().port(), options.weight(),
                options.protocol(), options.tls(), options.maxConnections(), options.sendProxy()), options.tuning()));
    }

    private record HostPort(String host, int port) {
    }

    private static void checkName(String name, List<String> problems) {
        if (name.isEmpty()) {
            problems.add("missing backend name after '" + KEY_PREFIX + "'");
            return;
        }
        if (name.length() > MAX_NAME_LENGTH) {
            problems.add("name is " + name.length() + " characters long, at most " + MAX_NAME_LENGTH + " allowed");
        }
        if (!isLetterOrDigit(name.charAt(0))) {
            problems.add("name " + show(name) + " must start with a letter or digit");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                problems.add("name " + show(name) + " contains " + show(String.valueOf(c))
                        + "; allowed are letters, digits, '.', '_' and '-'");
                return;
            }
        }
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Quotes a value for an error line: control characters escaped, cut after MAX_SHOWN characters. */
    static String show(Object value) {
        if (value instanceof Collection<?> c) {
            return show(c.toArray());
        }
        if (value != null && value.getClass().isArray()) {
            StringBuilder sb = new StringBuilder("[");
            int n = Array.getLength(value);
            for (int i = 0; i < n && sb.length() < MAX_SHOWN; i++) {
                sb.append(i == 0 ? "" : ", ").append(show(Array.get(value, i)));
            }
            return sb.append(']').toString();
        }
        if (!(value instanceof String s)) {
            return String.valueOf(value);
        }
        return dev.rsp.config.Addresses.quote(s);
    }
}
