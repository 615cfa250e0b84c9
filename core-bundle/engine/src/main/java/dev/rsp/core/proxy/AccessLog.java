package dev.rsp.core.proxy;

import dev.rsp.core.json.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The access log's lines ({@code access.log.format}): one per exchange when its outcome is known, one per tunnel
 * (WebSocket after 101, TLS passthrough) when it ends. Each line carries its own timestamp, so the appender of the
 * {@code rsp.access} logger writes the message alone ({@code %msg%n} in etc/logback.xml) and a JSON line stays JSON.
 * Formatting allocates; it runs only when the logger is enabled. Thread-safe (no state).
 */
final class AccessLog {

    enum Format {
        /** rsp's own line: every field, space-separated, quoted where a value may hold spaces. */
        TEXT,
        /** The Apache/nginx "combined" format, so that existing log tools read it. */
        COMBINED,
        /** One JSON object per line with the fields of {@link Entry} under the names the README lists. */
        JSON;

        /** The format named {@code value} (case-insensitive), or null when there is none of that name. */
        static Format parse(String value) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * One line's facts. Times in microseconds from the request head (or the accepted TLS connection) on; -1 where the
     * step never happened. Strings are never null: "-" or "" stand for unknown.
     *
     * @param requestBytes  request body bytes sent to the backend (for a tunnel: bytes client to backend)
     * @param responseBytes response body bytes sent to the client (for a tunnel: bytes backend to client)
     * @param error         why rsp answered itself or the exchange broke ("" when it did not)
     * @param traceId       the W3C trace id, 32 hex digits, received or started ({@code tracing.start}); "" for none
     */
    record Entry(long epochMillis, String client, String scheme, String method, String target, String version, String host,
            int status, long requestBytes, long responseBytes, String userAgent, String referer, String backend,
            String strategy, long connectMicros, long firstByteMicros, long totalMicros, boolean tunnel, String error,
            String traceId) {

        /** An entry without a trace ({@code traceId} ""). */
        Entry(long epochMillis, String client, String scheme, String method, String target, String version, String host,
                int status, long requestBytes, long responseBytes, String userAgent, String referer, String backend,
                String strategy, long connectMicros, long firstByteMicros, long totalMicros, boolean tunnel, String error) {
            this(epochMillis, client, scheme, method, target, version, host, status, requestBytes, responseBytes, userAgent,
                    referer, backend, strategy, connectMicros, firstByteMicros, totalMicros, tunnel, error, "");
        }
    }

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);
    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/uuuu:HH:mm:ss Z", Locale.ROOT);

    private AccessLog() {
    }

    /** The zone timestamps are written in: the JVM's default (the machine's, unless -Duser.timezone says otherwise). */
    private static final ZoneId ZONE = ZoneId.systemDefault();

    static String line(Format format, Entry e) {
        return line(format, e, ZONE);
    }

    static String line(Format format, Entry e, ZoneId zone) {
        ZonedDateTime time = Instant.ofEpochMilli(e.epochMillis()).atZone(zone);
        return switch (format) {
            case TEXT -> text(e, time);
            case COMBINED -> combined(e, time);
            case JSON -> json(e, time);
        };
    }

    private static String text(Entry e, ZonedDateTime time) {
        StringBuilder sb = new StringBuilder(200);
        sb.append(ISO.format(time)).append(' ').append(e.client()).append(' ').append(e.scheme()).append(' ')
                .append(e.host()).append(' ').append(e.method()).append(' ').append(e.target()).append(' ')
                .append(e.version()).append(' ').append(e.status()).append(' ').append(e.requestBytes()).append(' ')
                .append(e.responseBytes()).append(' ').append(e.backend()).append(' ').append(e.strategy()).append(' ');
        millis(sb, e.connectMicros()).append('/');
        millis(sb, e.firstByteMicros()).append('/');
        millis(sb, e.totalMicros()).append("ms ");
        quoted(sb, e.userAgent()).append(' ');
        quoted(sb, e.referer());
        if (e.tunnel()) {
            sb.append(" tunnel");
        }
        if (!e.traceId().isEmpty()) {
            sb.append(" trace=").append(e.traceId());
        }
        if (!e.error().isEmpty()) {
            sb.append(" error=");
            quoted(sb, e.error());
        }
        return sb.toString();
    }

    private static String combined(Entry e, ZonedDateTime time) {
        StringBuilder sb = new StringBuilder(200);
        sb.append(e.client()).append(" - - [").append(CLF.format(time)).append("] \"").append(e.method()).append(' ')
                .append(e.target()).append(' ').append(e.version()).append("\" ").append(e.status()).append(' ')
                .append(e.responseBytes() == 0 ? "-" : Long.toString(e.responseBytes())).append(' ');
        quoted(sb, e.referer()).append(' ');
        quoted(sb, e.userAgent());
        return e.traceId().isEmpty() ? sb.toString() : sb.append(" trace=").append(e.traceId()).toString();
    }

    private static String json(Entry e, ZonedDateTime time) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", ISO.format(time));
        m.put("client", e.client());
        m.put("scheme", e.scheme());
        m.put("host", e.host());
        m.put("method", e.method());
        m.put("target", e.target());
        m.put("version", e.version());
        m.put("status", e.status());
        m.put("request_bytes", e.requestBytes());
        m.put("response_bytes", e.responseBytes());
        m.put("user_agent", orNull(e.userAgent()));
        m.put("referer", orNull(e.referer()));
        m.put("backend", orNull(e.backend()));
        m.put("strategy", orNull(e.strategy()));
        m.put("connect_ms", e.connectMicros() < 0 ? null : e.connectMicros() / 1000.0);
        m.put("first_byte_ms", e.firstByteMicros() < 0 ? null : e.firstByteMicros() / 1000.0);
        m.put("duration_ms", e.totalMicros() / 1000.0);
        m.put("tunnel", e.tunnel());
        m.put("error", e.error().isEmpty() ? null : e.error());
        m.put("trace_id", e.traceId().isEmpty() ? null : e.traceId());
        return Json.write(m);
    }

    private static String orNull(String s) {
        return s.isEmpty() || s.equals("-") ? null : s;
    }

    /**
     * Appends {@code micros} as milliseconds with two decimals, rounded half up (what {@code %.2f} writes for
     * {@code micros / 1000.0}), or "-" when negative. Not String.format: three of those were a
     * fifth of the loop's profile samples under keep-alive load with the log on.
     */
    static StringBuilder millis(StringBuilder sb, long micros) {
        if (micros < 0) {
            return sb.append('-');
        }
        long hundredths = micros / 10 + (micros % 10 >= 5 ? 1 : 0);
        long frac = hundredths % 100;
        return sb.append(hundredths / 100).append(frac < 10 ? ".0" : ".").append(frac);
    }

    /** Appends {@code s} in double quotes, with quotes, backslashes and control bytes escaped; "-" when empty. */
    private static StringBuilder quoted(StringBuilder sb, String s) {
        if (s.isEmpty()) {
            return sb.append("\"-\"");
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }
}
