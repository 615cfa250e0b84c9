package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.trace.OtlpReceiver;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * W3C Trace Context through a running engine with real sockets: what the backend receives (traceparent passed, started,
 * replaced, or with rsp's span id as its parent), the trace id in the access log, and the span a local OTLP receiver
 * gets, for HTTP/1.1 clients and HTTP/2 (curl, h2c) alike.
 */
class TracingTest extends StubProxyFixture {

    static final String INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])");
    static final StubBackend.Handler OK = (r, in, out) -> {
        StubBackend.respond(out, 200, "ok");
        return true;
    };

    private OtlpReceiver receiver;

    @AfterEach
    void closeReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    /** Sends GET {@code path} with {@code fields} (full lines) and expects a 200. */
    private void get(String path, String... fields) throws Exception {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET " + path + " HTTP/1.1\r\nHost: alice.example.com\r\n" + String.join("", fields) + "\r\n");
            assertEquals(200, c.read(false).status());
        }
    }

    private StubBackend.Request received(String path) {
        return a.requests().stream().filter(r -> r.target().equals(path)).findFirst().orElseThrow();
    }

    private static List<String> all(StubBackend.Request r, String name) {
        return r.headers().getOrDefault(name, List.of());
    }

    private Map<String, Object> exportOn(String start) throws Exception {
        receiver = new OtlpReceiver();
        return Map.of("tracing.otlp.endpoint", receiver.endpoint(), "tracing.otlp.interval.ms", "20",
                "tracing.start", start);
    }

    @Test
    void byDefaultTraceFieldsPassUnchangedAndTheTraceIdIsLogged() throws Exception {
        start(OK);
        get("/traced", "traceparent: " + INCOMING + "\r\n", "tracestate: congo=t61rcWkgMzE\r\n");
        get("/plain");
        get("/invalid", "traceparent: ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n");
        assertEquals(List.of(INCOMING), all(received("/traced"), "traceparent"));
        assertEquals(List.of("congo=t61rcWkgMzE"), all(received("/traced"), "tracestate"));
        assertNull(received("/plain").header("traceparent"));
        assertEquals("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", received("/invalid").header("traceparent"));
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.size() == 3, 5000), proxy.accessLines.toString());
        assertTrue(proxy.accessLine("/traced").contains(" trace=4bf92f3577b34da6a3ce929d0e0e4736"), proxy.accessLine("/traced"));
        assertFalse(proxy.accessLine("/plain").contains("trace="), proxy.accessLine("/plain"));
        assertFalse(proxy.accessLine("/invalid").contains("trace="), proxy.accessLine("/invalid"));
        assertEquals(0, proxy.engine.counters().get(Counter.TRACE_STARTED));
        assertEquals(1, proxy.engine.counters().get(Counter.TRACE_PARENT_INVALID));
    }

    @Test
    void aTraceIsStartedForARequestWithoutOneAndItsIdIsLogged() throws Exception {
        start(OK, Map.of("tracing.start", "always", "access.log.format", "json"));
        get("/new");
        Matcher m = TRACEPARENT.matcher(received("/new").header("traceparent"));
        assertTrue(m.matches(), received("/new").header("traceparent"));
        assertEquals("1", m.group(3), "sampled at always");
        assertTrue(ProxyHarness.await(() -> !proxy.accessLines.isEmpty(), 5000));
        assertTrue(proxy.accessLine("/new").contains("\"trace_id\":\"" + m.group(1) + "\""), proxy.accessLine("/new"));
        assertEquals(1, proxy.engine.counters().get(Counter.TRACE_STARTED));
    }

    @Test
    void anInvalidTraceparentIsReplacedAndItsTracestateDropped() throws Exception {
        start(OK, Map.of("tracing.start", "0%"));
        get("/bad", "traceparent: 00-00000000000000000000000000000000-00f067aa0ba902b7-01\r\n", "tracestate: congo=x\r\n");
        get("/twice", "traceparent: " + INCOMING + "\r\n", "traceparent: " + INCOMING + "\r\n");
        for (String path : List.of("/bad", "/twice")) {
            List<String> sent = all(received(path), "traceparent");
            assertEquals(1, sent.size(), sent.toString());
            Matcher m = TRACEPARENT.matcher(sent.get(0));
            assertTrue(m.matches(), sent.get(0));
            assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", m.group(1));
            assertEquals("0", m.group(3), "sampled at 0%");
        }
        assertNull(received("/bad").header("tracestate"));
        assertEquals(2, proxy.engine.counters().get(Counter.TRACE_PARENT_INVALID));
        assertEquals(2, proxy.engine.counters().get(Counter.TRACE_STARTED));
    }

    @Test
    void whenSpansAreExportedRspsSpanIsTheBackendsParent() throws Exception {
        start(OK, exportOn("never"));
        get("/hop?q=secret", "traceparent: " + INCOMING + "\r\n", "tracestate: congo=t61rcWkgMzE\r\n");
        Matcher m = TRACEPARENT.matcher(received("/hop?q=secret").header("traceparent"));
        assertTrue(m.matches(), received("/hop?q=secret").header("traceparent"));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", m.group(1), "same trace");
        assertNotEquals("00f067aa0ba902b7", m.group(2), "rsp's span is the parent");
        assertEquals("1", m.group(3));
        assertEquals("congo=t61rcWkgMzE", received("/hop?q=secret").header("tracestate"));

        assertTrue(ProxyHarness.await(() -> receiver.spans.size() == 1, 5000), "one span exported " + receiver.problems);
        Map<String, Object> span = receiver.spans.get(0);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", span.get("traceId"));
        assertEquals(m.group(2), span.get("spanId"));
        assertEquals("00f067aa0ba902b7", span.get("parentSpanId"));
        assertEquals("congo=t61rcWkgMzE", span.get("traceState"));
        assertEquals("GET", span.get("name"));
        Map<String, Object> attributes = OtlpReceiver.attributes(span);
        assertEquals("stringValue:GET", attributes.get("http.request.method"));
        assertEquals("stringValue:/hop", attributes.get("url.path"), "the query stays out of the span");
        assertEquals("stringValue:alice.example.com", attributes.get("server.address"));
        assertEquals("intValue:200", attributes.get("http.response.status_code"));
        assertEquals("stringValue:a", attributes.get("rsp.backend"));
        assertEquals("stringValue:test", attributes.get("rsp.strategy"));
        assertEquals("intValue:1", attributes.get("rsp.backend.tries"));
        assertEquals("stringValue:1.1", attributes.get("network.protocol.version"));
        assertTrue(attributes.containsKey("rsp.backend.connect_ms") && attributes.containsKey("rsp.backend.first_byte_ms"),
                attributes.toString());
        long start = Long.parseLong((String) span.get("startTimeUnixNano"));
        long end = Long.parseLong((String) span.get("endTimeUnixNano"));
        assertTrue(end >= start && Math.abs(System.currentTimeMillis() - end / 1_000_000) < 60_000, start + " " + end);
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(Counter.TRACE_SPANS_EXPORTED) == 1, 5000));
    }

    @Test
    void anUnsampledTraceGetsRspsSpanIdButNoSpanIsExported() throws Exception {
        start(OK, exportOn("never"));
        get("/quiet", "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\r\n");
        get("/loud", "traceparent: " + INCOMING + "\r\n");
        Matcher m = TRACEPARENT.matcher(received("/quiet").header("traceparent"));
        assertTrue(m.matches());
        assertNotEquals("00f067aa0ba902b7", m.group(2));
        assertEquals("0", m.group(3));
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(Counter.TRACE_SPANS_EXPORTED) == 1, 5000));
        assertEquals(1, receiver.spans.size(), "only the sampled one");
        assertEquals("stringValue:/loud", OtlpReceiver.attributes(receiver.spans.get(0)).get("url.path"));
    }

    @Test
    void anErrorRspAnswersItselfIsAnErrorSpanOfAStartedTrace() throws Exception {
        start(OK, exportOn("always"));
        proxy.removeBackend("a");
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /gone HTTP/1.1\r\nHost: alice.example.com\r\nX-Backend: nowhere\r\n\r\n");
            assertTrue(c.read(false).status() >= 500);
        }
        assertTrue(ProxyHarness.await(() -> receiver.spans.size() == 1, 5000), "one span " + receiver.problems);
        Map<String, Object> span = receiver.spans.get(0);
        assertFalse(span.containsKey("parentSpanId"), "a root span");
        assertEquals(2.0, ((Map<?, ?>) span.get("status")).get("code"), span.toString());
    }

    @Test
    void aCollectorThatHangsCostsSpansNotRequests() throws Exception {
        receiver = new OtlpReceiver();
        receiver.hold();
        start(OK, Map.of("tracing.otlp.endpoint", receiver.endpoint(), "tracing.otlp.interval.ms", "10",
                "tracing.otlp.queue.spans", "4", "tracing.otlp.batch.spans", "2", "tracing.start", "always"));
        get("/first");
        assertTrue(ProxyHarness.await(() -> receiver.requests.get() == 1, 5000), "the first batch waits at the collector");
        long t0 = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            get("/r" + i);
        }
        long took = System.nanoTime() - t0;
        assertTrue(took < 10_000_000_000L, "30 requests took " + took / 1_000_000 + " ms");
        // a span is offered when its exchange ends, which may be just after the client has its response
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(Counter.TRACE_SPANS_DROPPED) == 30 - 4, 5000),
                "dropped " + proxy.engine.counters().get(Counter.TRACE_SPANS_DROPPED));
        receiver.release();
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(Counter.TRACE_SPANS_EXPORTED)
                + proxy.engine.counters().get(Counter.TRACE_SPANS_DROPPED) == 31, 10_000), "every span exported or dropped");
    }

    @Test
    void exportSwitchedOnWhileRunningAppliesToTheNextRequest() throws Exception {
        start(OK);
        receiver = new OtlpReceiver();
        get("/before", "traceparent: " + INCOMING + "\r\n");
        assertEquals(INCOMING, received("/before").header("traceparent"));
        proxy.engine.settings(((ProxySettings.Valid) ProxySettings.from(dev.rsp.core.CoreConfigs.with(Map.of(
                "http.listen", "127.0.0.1:0", "loops", "2", "routing.chain", ProxyHarness.STRATEGY,
                "tracing.otlp.endpoint", receiver.endpoint(), "tracing.otlp.interval.ms", "20")))).settings());
        get("/after", "traceparent: " + INCOMING + "\r\n");
        assertNotEquals(INCOMING, received("/after").header("traceparent"));
        assertTrue(ProxyHarness.await(() -> receiver.spans.size() == 1, 5000), "one span " + receiver.problems);
    }

    @Test
    void aBadTracingValueIsRefusedWithOneLine() {
        ProxySettings.Parsed parsed = ProxySettings.from(dev.rsp.core.CoreConfigs.with(Map.of("tracing.start", "sometimes",
                "tracing.otlp.endpoint", "collector:4318")));
        assertTrue(parsed instanceof ProxySettings.Invalid, parsed.toString());
        List<String> errors = ((ProxySettings.Invalid) parsed).errors();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("tracing.start must be never, always or a percentage"), errors.get(0));
        assertTrue(errors.get(1).startsWith("tracing.otlp.endpoint must be an http or https URL"), errors.get(1));
    }

    @Test
    void anH2BackendGetsRspsTraceparentToo() throws Exception {
        H2Backend backend = H2Backend.start(dir);
        try {
            proxy = new ProxyHarness(Map.of("tracing.start", "always")).withStrategy();
            proxy.backend(new dev.rsp.spi.routing.Backend("h2", "127.0.0.1", backend.port(), 1,
                    dev.rsp.spi.routing.Backend.Protocol.H2));
            try (TestClient c = new TestClient(proxy.address())) {
                TestClient.Response r = c.send("GET /echo HTTP/1.1\r\nHost: alice.example.com\r\n\r\n").read(false);
                assertEquals(200, r.status());
                Matcher m = TRACEPARENT.matcher(String.valueOf(r.header("x-seen-traceparent")));
                assertTrue(m.matches(), r.header("x-seen-traceparent"));
                assertTrue(ProxyHarness.await(() -> !proxy.accessLines.isEmpty(), 5000));
                assertTrue(proxy.accessLine("/echo").contains("trace=" + m.group(1)), proxy.accessLine("/echo"));
            }
        } finally {
            backend.close();
        }
    }

    @Test
    void http2ClientsAreTracedAlike() throws Exception {
        start(OK, exportOn("never"));
        String out = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-H", "traceparent: " + INCOMING,
                "-w", "\n%{http_version}", url("/h2"));
        assertTrue(out.endsWith("\n2"), out);
        Matcher m = TRACEPARENT.matcher(received("/h2").header("traceparent"));
        assertTrue(m.matches(), received("/h2").header("traceparent"));
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", m.group(1));
        assertTrue(ProxyHarness.await(() -> receiver.spans.size() == 1, 5000), "one span " + receiver.problems);
        assertEquals(m.group(2), receiver.spans.get(0).get("spanId"));
        assertEquals("stringValue:2", OtlpReceiver.attributes(receiver.spans.get(0)).get("network.protocol.version"));
        assertTrue(proxy.accessLine("/h2").contains("trace=4bf92f3577b34da6a3ce929d0e0e4736"), proxy.accessLine("/h2"));
    }
}
