package dev.rsp.core.proxy;

import dev.rsp.core.trace.Span;
import dev.rsp.core.trace.TraceIds;
import dev.rsp.core.trace.TraceParent;
import dev.rsp.core.trace.TraceSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One exchange's place in a W3C trace ({@code tracing.*}), decided when its request head is known ({@link #begin}):
 * <ul>
 * <li>a valid {@code traceparent} came and spans are exported: rsp's span is the caller's child; the backend gets the
 *     same trace id and flags with rsp's span id as its parent, and {@code tracestate} unchanged;</li>
 * <li>a valid one came and spans are not exported: it passes unchanged (rsp is not a hop of the trace, so that the
 *     caller's and the backend's spans stay linked);</li>
 * <li>none or an invalid one came (two {@code traceparent} fields are invalid too) and {@code tracing.start} is not
 *     {@code never}: rsp starts a trace (sampled at the percentage configured); an invalid {@code traceparent} and any
 *     {@code tracestate} are replaced, as the specification's restart of a trace says;</li>
 * <li>otherwise the fields pass as they came and the exchange has no trace.</li>
 * </ul>
 * The trace id goes to the access log; the span goes to the export when it ends ({@link #end}) if it is sampled and
 * spans are exported. Costs one look-up of the field when there is no trace and the access log is off, nothing more.
 * Loop thread only.
 */
final class ExchangeTrace {

    /** No trace: fields pass as they came, the access log shows none. */
    static final ExchangeTrace NONE = new ExchangeTrace(0, 0, 0, 0, false, "", false);

    private final long traceHigh;
    private final long traceLow;
    /** The caller's span id (0: rsp started the trace) and rsp's own (0: rsp is not a hop, the fields pass unchanged). */
    private final long parentId;
    private final long spanId;
    private final boolean sampled;
    private final String traceState;
    /** The received traceparent (invalid) and tracestate are not forwarded: rsp started the trace anew. */
    private final boolean restarted;

    private ExchangeTrace(long traceHigh, long traceLow, long parentId, long spanId, boolean sampled, String traceState,
            boolean restarted) {
        this.traceHigh = traceHigh;
        this.traceLow = traceLow;
        this.parentId = parentId;
        this.spanId = spanId;
        this.sampled = sampled;
        this.traceState = traceState;
        this.restarted = restarted;
    }

    /** The exchange's trace, from its request's fields and {@code tracing.*}. */
    static ExchangeTrace begin(ProxyEngine engine, TraceIds ids, ExchangeRequest request) {
        TraceSettings s = engine.settings().tracing();
        if (!s.starts() && !s.exports() && !engine.accessLogOn()) {
            return NONE;
        }
        int fields = 0;
        for (int i = 0; i < request.fieldCount(); i++) {
            if (request.nameIs(i, "traceparent")) {
                fields++;
            }
        }
        Optional<TraceParent> received = fields == 1 ? TraceParent.parse(request.header("traceparent").orElse(null))
                : Optional.empty();
        if (fields > 0 && received.isEmpty()) {
            engine.counters().count(Counter.TRACE_PARENT_INVALID);
        }
        if (received.isPresent()) {
            TraceParent p = received.get();
            return s.exports()
                    ? new ExchangeTrace(p.traceIdHigh(), p.traceIdLow(), p.parentId(), ids.next(), p.sampled(),
                            request.header("tracestate").orElse(""), false)
                    : new ExchangeTrace(p.traceIdHigh(), p.traceIdLow(), p.parentId(), 0, p.sampled(), "", false);
        }
        if (!s.starts()) {
            return NONE;
        }
        engine.counters().count(Counter.TRACE_STARTED);
        return new ExchangeTrace(ids.next(), ids.next(), 0, ids.next(), ids.sample(s.startPercent()), "", true);
    }

    /** The trace id for the access log, "" when there is none. */
    String traceId() {
        return traceHigh == 0 && traceLow == 0 ? "" : new TraceParent(traceHigh, traceLow, 1, sampled).traceId();
    }

    /** The request's fields as they go to the backend: with rsp's {@code traceparent} when rsp is a hop of the trace. */
    RequestFields forwarded(RequestFields request) {
        return spanId == 0 ? request
                : new TracedFields(request, TraceParent.header(traceHigh, traceLow, spanId, sampled), restarted);
    }

    /**
     * The exchange ended: its span goes to the export when rsp is a hop, the trace is sampled and spans are exported.
     * The span's start is the request head's arrival ({@code f.started}), its end now.
     */
    void end(ProxyEngine engine, Downstream down, ExchangeFacts f, int tries) {
        if (spanId == 0 || !sampled || !engine.settings().tracing().exports()) {
            return;
        }
        Instant now = Instant.now();
        long end = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long start = end - (System.nanoTime() - f.started);
        boolean error = f.status == 0 || f.status >= 500;
        engine.spans().offer(new Span(traceHigh, traceLow, spanId, parentId, traceState, f.method, start, end, error,
                error ? (f.error.isEmpty() ? "status " + f.status : f.error) : "", attributes(down, f, tries)));
    }

    private static List<Span.Attribute> attributes(Downstream down, ExchangeFacts f, int tries) {
        List<Span.Attribute> a = new ArrayList<>(14);
        a.add(new Span.Attribute("http.request.method", f.method));
        int q = f.target.indexOf('?');
        a.add(new Span.Attribute("url.path", q < 0 ? f.target : f.target.substring(0, q)));
        a.add(new Span.Attribute("url.scheme", down.tls() ? "https" : "http"));
        a.add(new Span.Attribute("server.address", f.host));
        a.add(new Span.Attribute("client.address", down.clientIp()));
        a.add(new Span.Attribute("network.protocol.version", f.http10 ? "1.0" : down.protocol().substring("HTTP/".length())));
        if (f.status > 0) {
            a.add(new Span.Attribute("http.response.status_code", (long) f.status));
        }
        if (!f.strategy.isEmpty()) {
            a.add(new Span.Attribute("rsp.strategy", f.strategy));
        }
        if (!f.backendName.equals("-")) {
            a.add(new Span.Attribute("rsp.backend", f.backendName));
        }
        a.add(new Span.Attribute("rsp.backend.tries", (long) tries));
        if (f.connectedAt != 0) {
            a.add(new Span.Attribute("rsp.backend.connect_ms", (f.connectedAt - f.started) / 1e6));
        }
        if (f.firstByteAt != 0) {
            a.add(new Span.Attribute("rsp.backend.first_byte_ms", (f.firstByteAt - f.started) / 1e6));
        }
        if (!f.error.isEmpty()) {
            a.add(new Span.Attribute("rsp.error", f.error));
        }
        return a;
    }
}
