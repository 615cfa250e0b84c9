package dev.rsp.core.trace;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tracing.*} keys of {@code rsp.core}, validated.
 *
 * @param startPercent  {@code tracing.start}: -1 for {@code never}, else the percentage (0 to 100) of traces rsp starts
 *                      that are sampled ({@code always} is 100)
 * @param endpoint      {@code tracing.otlp.endpoint}: the OTLP/HTTP traces URL, or null when spans are not exported
 * @param queueSpans    spans waiting for export at most; more are dropped (counted)
 * @param batchSpans    spans in one export request at most
 * @param intervalNanos longest time a span waits before its batch is sent
 * @param timeoutNanos  time one export request may take (connect and answer)
 * @param tries         export requests for one batch at most (after 429, 502, 503, 504 or a network error)
 * @param serviceName   {@code service.name} of the spans' resource
 * @param headers       {@code tracing.otlp.headers}: fields added to every export request (a collector's API key)
 */
public record TraceSettings(double startPercent, URI endpoint, int queueSpans, int batchSpans, long intervalNanos,
        long timeoutNanos, int tries, String serviceName, Map<String, String> headers) {

    /** Nothing started, nothing exported: {@code traceparent} passes unchanged. */
    public static final TraceSettings OFF = new TraceSettings(-1, null, 2048, 512, TimeUnit.SECONDS.toNanos(1),
            TimeUnit.SECONDS.toNanos(10), 3, "rsp", Map.of());

    /** Whether rsp starts a trace for a request that comes without a valid traceparent. */
    public boolean starts() {
        return startPercent >= 0;
    }

    /** Whether spans go to a collector (and rsp is then a hop of every trace it forwards). */
    public boolean exports() {
        return endpoint != null;
    }

    /** Reads the keys; each bad value adds one line to {@code errors} (and the result is then not to be used). */
    public static TraceSettings from(String start, String endpoint, int queueSpans, int batchSpans, long intervalMs,
            long timeoutMs, int tries, String serviceName, String headers, List<String> errors) {
        double percent = startPercent(start, errors);
        URI uri = endpoint(endpoint.strip(), errors);
        check(queueSpans >= 1 && queueSpans <= 1_000_000, "tracing.otlp.queue.spans must be 1 to 1000000, not " + queueSpans, errors);
        check(batchSpans >= 1 && batchSpans <= queueSpans, "tracing.otlp.batch.spans must be 1 to tracing.otlp.queue.spans ("
                + queueSpans + "), not " + batchSpans, errors);
        check(intervalMs >= 10, "tracing.otlp.interval.ms must be at least 10 ms, not " + intervalMs, errors);
        check(timeoutMs >= 100, "tracing.otlp.timeout.ms must be at least 100 ms, not " + timeoutMs, errors);
        check(tries >= 1 && tries <= 10, "tracing.otlp.tries must be 1 to 10, not " + tries, errors);
        check(!serviceName.isBlank(), "tracing.service.name must not be empty", errors);
        return new TraceSettings(percent, uri, queueSpans, batchSpans, TimeUnit.MILLISECONDS.toNanos(intervalMs),
                TimeUnit.MILLISECONDS.toNanos(timeoutMs), tries, serviceName.strip(), headers(headers, errors));
    }

    /** Names the JDK's HttpClient sets itself and refuses from a caller. */
    private static final java.util.Set<String> RESTRICTED = java.util.Set.of("connection", "content-length", "expect",
            "host", "upgrade", "content-type");

    /**
     * {@code name=value, name=value} as in OTEL_EXPORTER_OTLP_HEADERS, values percent-decoded (a comma or an equals sign
     * inside a value is written %2C, %3D). A refused entry is reported by its name only: values are often secrets.
     */
    static Map<String, String> headers(String value, List<String> errors) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (value.isBlank()) {
            return out;
        }
        for (String entry : value.split(",")) {
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry.strip() : entry.substring(0, eq).strip();
            String v = null;
            if (eq > 0) {
                try {
                    v = java.net.URLDecoder.decode(entry.substring(eq + 1).strip().replace("+", "%2B"),
                            java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    v = null;
                }
            }
            if (v == null || !token(name) || RESTRICTED.contains(name.toLowerCase(Locale.ROOT)) || v.isEmpty()
                    || v.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f || c > 0xff)) {
                errors.add("tracing.otlp.headers: the entry for '" + name + "' must be name=value with a field name "
                        + "(not Host, Connection, Content-Length, Content-Type, Expect or Upgrade) and a non-empty value "
                        + "without control characters (percent-encode a comma as %2C)");
            } else {
                out.put(name, v);
            }
        }
        return out;
    }

    private static boolean token(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static double startPercent(String value, List<String> errors) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("never")) {
            return -1;
        }
        if (v.equals("always")) {
            return 100;
        }
        if (v.endsWith("%")) {
            try {
                double p = Double.parseDouble(v.substring(0, v.length() - 1).strip());
                if (p >= 0 && p <= 100) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        errors.add("tracing.start must be never, always or a percentage from 0% to 100% (the share of started traces "
                + "that are sampled), not '" + value + "'");
        return -1;
    }

    private static URI endpoint(String value, List<String> errors) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        errors.add("tracing.otlp.endpoint must be an http or https URL such as http://127.0.0.1:4318/v1/traces, or empty, not '"
                + value + "'");
        return null;
    }

    private static void check(boolean ok, String message, List<String> errors) {
        if (!ok) {
            errors.add(message);
        }
    }
}
