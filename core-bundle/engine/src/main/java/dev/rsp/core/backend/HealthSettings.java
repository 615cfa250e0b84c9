package dev.rsp.core.backend;

import dev.rsp.core.CoreConfig;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The health keys of {@code rsp.core} beyond passive connect failures ({@code health.failures}, {@code health.cooldown.ms},
 * which {@link PassiveHealth} takes): the active check, outlier detection and slow start, validated. Immutable; equal
 * when every value is.
 *
 * @param checkIntervalNanos  {@code health.check.interval.ms}; 0: no active check
 * @param check               what one active check sends and accepts
 * @param checkTimeoutNanos   {@code health.check.timeout.ms}: connect, TLS handshake, request and status line, together
 * @param rise                consecutive passed checks that bring a backend the check took out back
 * @param fall                consecutive failed checks that take a backend out
 * @param checkConcurrency    checks in progress at once
 * @param outlier5xx          consecutive 5xx answers that eject a backend; 0: 5xx never ejects
 * @param outlierTimeouts     consecutive backend timeouts that eject a backend; 0: timeouts never eject
 * @param ejectionNanos       the first ejection's length; the n-th lasts n times as long
 * @param ejectionMaxNanos    the longest ejection
 * @param maxEjectedPercent   most backends ejected at once, in percent of the configured ones (at least one)
 * @param slowStartNanos      slow start window after a backend comes back; 0: off
 */
public record HealthSettings(long checkIntervalNanos, Check check, long checkTimeoutNanos, int rise, int fall,
                             int checkConcurrency, int outlier5xx, int outlierTimeouts, long ejectionNanos,
                             long ejectionMaxNanos, int maxEjectedPercent, long slowStartNanos) {

    /** The methods a check may use: none of them changes anything on the backend. */
    public static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS");
    static final int MAX_PATH = 1024;
    static final int MAX_HOST = 261;

    /**
     * What an active check is.
     *
     * @param path     request target, starting with {@code /}; empty: the check only connects (and completes the TLS
     *                 handshake of a {@code ;tls} backend)
     * @param method   one of {@link #METHODS}
     * @param host     the Host field; empty: the backend's own
     * @param statuses the statuses that pass
     * @param statusText the statuses as configured, for messages
     */
    public record Check(String path, String method, String host, BitSet statuses, String statusText) {

        public Check {
            statuses = (BitSet) statuses.clone();
        }

        public boolean http() {
            return !path.isEmpty();
        }

        public boolean passes(int status) {
            return status >= 0 && statuses.get(status);
        }

        /** How the check is named in log lines: {@code health check GET /healthz}, or {@code health check (TCP)}. */
        public String describe() {
            return http() ? "health check " + method + " " + path : "health check (TCP)";
        }
    }

    /** The settings with every key at its default: no active check, no outlier detection, no slow start. */
    public static final HealthSettings OFF = new HealthSettings(0,
            new Check("", "GET", "", statuses("200-399", new java.util.ArrayList<>()), "200-399"),
            ms(2_000), 2, 3, 16, 0, 0, ms(30_000), ms(300_000), 50, 0);

    /** Reads the health keys of {@code c}; every problem adds one line to {@code errors} naming the key and value. */
    public static HealthSettings from(CoreConfig c, List<String> errors) {
        int before = errors.size();
        String path = c.health_check_path().strip();
        if (!path.isEmpty() && (path.charAt(0) != '/' || path.length() > MAX_PATH || !visibleAscii(path))) {
            errors.add("health.check.path = '" + shown(path) + "': expected a path starting with / of at most " + MAX_PATH
                    + " visible ASCII characters (no spaces), e.g. /healthz; empty: TCP check");
        }
        String method = c.health_check_method().strip();
        if (!METHODS.contains(method)) {
            errors.add("health.check.method = '" + shown(method) + "': expected one of " + String.join(", ", METHODS));
        }
        String host = c.health_check_host().strip();
        if (host.length() > MAX_HOST || !host.chars().allMatch(HealthSettings::hostChar)) {
            errors.add("health.check.host = '" + shown(host) + "': expected a host name or address with an optional"
                    + " :port (letters, digits, '.', '-', ':', '[', ']'); empty: the backend's own host");
        }
        String statusText = c.health_check_status().strip();
        BitSet statuses = statuses(statusText, errors);
        positive("health.check.timeout.ms", c.health_check_timeout_ms(), errors);
        range("health.check.rise", c.health_check_rise(), 1, 100, errors);
        range("health.check.fall", c.health_check_fall(), 1, 100, errors);
        range("health.check.concurrency", c.health_check_concurrency(), 1, 1024, errors);
        range("health.outlier.5xx", c.health_outlier_5xx(), 0, 1_000_000, errors);
        range("health.outlier.timeouts", c.health_outlier_timeouts(), 0, 1_000_000, errors);
        positive("health.outlier.ejection.ms", c.health_outlier_ejection_ms(), errors);
        if (c.health_outlier_ejection_max_ms() < c.health_outlier_ejection_ms()) {
            errors.add("health.outlier.ejection.max.ms = " + c.health_outlier_ejection_max_ms()
                    + ": must be at least health.outlier.ejection.ms (" + c.health_outlier_ejection_ms() + ")");
        }
        range("health.max.ejected.percent", c.health_max_ejected_percent(), 0, 100, errors);
        if (c.health_slowstart_ms() < 0) {
            errors.add("health.slowstart.ms = " + c.health_slowstart_ms() + ": must not be negative (0: off)");
        }
        if (errors.size() > before || c.health_check_interval_ms() < 0) {
            return OFF;
        }
        return new HealthSettings(ms(c.health_check_interval_ms()), new Check(path, method, host, statuses, statusText),
                ms(c.health_check_timeout_ms()), c.health_check_rise(), c.health_check_fall(),
                c.health_check_concurrency(), c.health_outlier_5xx(), c.health_outlier_timeouts(),
                ms(c.health_outlier_ejection_ms()), ms(c.health_outlier_ejection_max_ms()),
                c.health_max_ejected_percent(), ms(c.health_slowstart_ms()));
    }

    /** Parses {@code 200-399} or {@code 200,204,300-399}: codes 100 to 599. */
    static BitSet statuses(String text, List<String> errors) {
        BitSet set = new BitSet(600);
        String problem = null;
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            int lo = code(dash < 0 ? p : p.substring(0, dash).strip());
            int hi = dash < 0 ? lo : code(p.substring(dash + 1).strip());
            if (lo < 0 || hi < 0 || hi < lo) {
                problem = "'" + shown(p) + "' is not a status code (100-599) nor a range of them such as 200-399";
                break;
            }
            set.set(lo, hi + 1);
        }
        if (problem != null) {
            errors.add("health.check.status = '" + shown(text) + "': " + problem);
        }
        return set;
    }

    private static int code(String s) {
        if (s.length() != 3 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v >= 100 && v <= 599 ? v : -1;
    }

    private static boolean visibleAscii(String s) {
        return s.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f);
    }

    private static boolean hostChar(int ch) {
        return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-'
                || ch == ':' || ch == '[' || ch == ']' || ch == '_';
    }

    private static void positive(String key, long value, List<String> errors) {
        if (value <= 0) {
            errors.add(key + " = " + value + ": must be positive");
        }
    }

    private static void range(String key, int value, int min, int max, List<String> errors) {
        if (value < min || value > max) {
            errors.add(key + " = " + value + ": must be " + min + " to " + max);
        }
    }

    /** Control characters escaped and cut at 80 characters, so a refused value is safe to log. */
    private static String shown(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char ch = s.charAt(i);
            sb.append(ch < 0x20 || ch == 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
