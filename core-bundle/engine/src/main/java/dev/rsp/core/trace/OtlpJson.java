package dev.rsp.core.trace;

import dev.rsp.core.json.Json;
import java.util.List;

/**
 * A batch of spans as an OTLP/HTTP JSON body ({@code ExportTraceServiceRequest} in the protobuf JSON mapping that OTLP
 * specifies): one {@code resourceSpans} entry whose resource names the service, one {@code scopeSpans} entry for rsp,
 * then the spans. Ids are lower-case hex strings, times are nanoseconds since the epoch written as strings (64-bit
 * integers are strings in that mapping), the span kind is SERVER (2), attributes are {@code key} and a typed
 * {@code value} ({@code stringValue}, {@code intValue}, {@code doubleValue}, {@code boolValue}). This avoids a protobuf
 * dependency. Static; any thread.
 */
public final class OtlpJson {

    /** SPAN_KIND_SERVER in the OTLP enum: rsp's span is the server side of the client's request. */
    static final int KIND_SERVER = 2;
    /** STATUS_CODE_ERROR in the OTLP enum. */
    static final int STATUS_ERROR = 2;

    private OtlpJson() {
    }

    public static String body(List<Span> spans, String serviceName) {
        StringBuilder sb = new StringBuilder(256 + spans.size() * 700);
        sb.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
        attribute(sb, "service.name", serviceName);
        sb.append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"dev.rsp.core\"},\"spans\":[");
        for (int i = 0; i < spans.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            span(sb, spans.get(i));
        }
        return sb.append("]}]}]}").toString();
    }

    private static void span(StringBuilder sb, Span s) {
        sb.append("{\"traceId\":\"");
        TraceParent.hex(sb, s.traceIdHigh(), 16);
        TraceParent.hex(sb, s.traceIdLow(), 16).append("\",\"spanId\":\"");
        TraceParent.hex(sb, s.spanId(), 16).append('"');
        if (s.parentSpanId() != 0) {
            sb.append(",\"parentSpanId\":\"");
            TraceParent.hex(sb, s.parentSpanId(), 16).append('"');
        }
        if (!s.traceState().isEmpty()) {
            sb.append(",\"traceState\":");
            Json.quote(sb, s.traceState());
        }
        sb.append(",\"name\":");
        Json.quote(sb, s.name());
        sb.append(",\"kind\":").append(KIND_SERVER)
                .append(",\"startTimeUnixNano\":\"").append(s.startEpochNanos())
                .append("\",\"endTimeUnixNano\":\"").append(s.endEpochNanos()).append("\",\"attributes\":[");
        List<Span.Attribute> attributes = s.attributes();
        for (int i = 0; i < attributes.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            attribute(sb, attributes.get(i).key(), attributes.get(i).value());
        }
        sb.append("],\"status\":{");
        if (s.error()) {
            sb.append("\"code\":").append(STATUS_ERROR).append(",\"message\":");
            Json.quote(sb, s.statusMessage());
        }
        sb.append("}}");
    }

    private static void attribute(StringBuilder sb, String key, Object value) {
        sb.append("{\"key\":");
        Json.quote(sb, key);
        sb.append(",\"value\":{");
        if (value instanceof Long || value instanceof Integer) {
            sb.append("\"intValue\":\"").append(value).append('"');
        } else if (value instanceof Double d) {
            sb.append("\"doubleValue\":").append(Double.isFinite(d) ? d.toString() : "0");
        } else if (value instanceof Boolean b) {
            sb.append("\"boolValue\":").append(b);
        } else {
            sb.append("\"stringValue\":");
            Json.quote(sb, String.valueOf(value));
        }
        sb.append("}}");
    }
}
