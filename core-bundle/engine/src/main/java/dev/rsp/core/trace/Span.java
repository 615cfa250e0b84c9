package dev.rsp.core.trace;

import java.util.List;

/**
 * One finished span, as exported: made on a loop when an exchange ends, read by the exporter thread. Immutable.
 *
 * @param parentSpanId  the caller's span id, 0 for a root span (a trace rsp started)
 * @param traceState    the {@code tracestate} received with the trace, "" for none
 * @param error         whether the span's status is ERROR (a 5xx, or no response at all); else it is left unset
 * @param statusMessage why, for an ERROR ("" otherwise)
 * @param attributes    values are {@code String}, {@code Long}, {@code Double} or {@code Boolean}
 */
public record Span(long traceIdHigh, long traceIdLow, long spanId, long parentSpanId, String traceState, String name,
        long startEpochNanos, long endEpochNanos, boolean error, String statusMessage, List<Attribute> attributes) {

    /** One attribute; {@code value} is a String, Long, Double or Boolean. */
    public record Attribute(String key, Object value) {
    }
}
