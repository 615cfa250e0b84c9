package dev.rsp.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The span export against a small OTLP receiver of the test's own: the JSON a collector gets, batching, retries on 429
 * and 503, a collector that is down, and one that is slow (the queue stays bounded, drops are counted, offering never
 * waits).
 */
class SpanExportTest {

    static final class Counted implements SpanExport.Counts {
        final AtomicLong exported = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong failedSpans = new AtomicLong();
        final AtomicLong failedBatches = new AtomicLong();
        final AtomicLong retried = new AtomicLong();

        @Override
        public void exported(int spans) {
            exported.addAndGet(spans);
        }

        @Override
        public void dropped(int spans) {
            dropped.addAndGet(spans);
        }

        @Override
        public void failed(int spans) {
            failedSpans.addAndGet(spans);
            failedBatches.incrementAndGet();
        }

        @Override
        public void retried() {
            retried.incrementAndGet();
        }
    }

    private final Counted counts = new Counted();
    private OtlpReceiver receiver;
    private SpanExport export;

    @AfterEach
    void close() {
        if (export != null) {
            export.close(2000);
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private SpanExport export(String endpoint, int queue, int batch, long intervalMs, int tries) {
        List<String> errors = new java.util.ArrayList<>();
        TraceSettings s = TraceSettings.from("never", endpoint, queue, batch, intervalMs, 2000, tries, "rsp-test",
                "x-api-key=k%2C1", errors);
        assertEquals(List.of(), errors);
        export = new SpanExport(() -> s, counts);
        return export;
    }

    static Span span(int i) {
        return new Span(0x4bf92f3577b34da6L, 0xa3ce929d0e0e4736L + i, 0x1000 + i, i % 2 == 0 ? 0 : 0x00f067aa0ba902b7L,
                i % 2 == 0 ? "" : "congo=t61rcWkgMzE", "GET", 1_796_605_323_456_000_000L, 1_796_605_323_458_500_000L,
                i % 3 == 0, i % 3 == 0 ? "backend a did not answer in time" : "",
                List.of(new Span.Attribute("http.request.method", "GET"), new Span.Attribute("url.path", "/p\"" + i),
                        new Span.Attribute("http.response.status_code", 200L),
                        new Span.Attribute("rsp.backend.connect_ms", 0.25), new Span.Attribute("rsp.flag", true)));
    }

    static boolean await(BooleanSupplier condition, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    @Test
    void spansReachTheCollectorAsOtlpJsonInBatches() throws Exception {
        receiver = new OtlpReceiver();
        export(receiver.endpoint(), 100, 10, 50, 3);
        for (int i = 0; i < 25; i++) {
            export.offer(span(i));
        }
        assertTrue(await(() -> receiver.spans.size() == 25, 10_000), "25 spans received: " + receiver.spans.size()
                + " " + receiver.problems);
        assertEquals(List.of(), receiver.problems);
        assertTrue(await(() -> counts.exported.get() == 25, 10_000), "counted: " + counts.exported.get());
        assertTrue(receiver.requests.get() >= 3, "batches of at most 10: " + receiver.requests.get());
        assertTrue(receiver.apiKeys.stream().allMatch("k,1"::equals), "tracing.otlp.headers sent: " + receiver.apiKeys);

        Map<String, Object> root = receiver.spans.stream().filter(m -> m.get("spanId").equals("0000000000001003")).findFirst()
                .orElseThrow();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4739", root.get("traceId"));
        assertEquals("00f067aa0ba902b7", root.get("parentSpanId"));
        assertEquals("congo=t61rcWkgMzE", root.get("traceState"));
        assertEquals("GET", root.get("name"));
        assertEquals(2.0, root.get("kind"));
        assertEquals("1796605323456000000", root.get("startTimeUnixNano"));
        assertEquals("1796605323458500000", root.get("endTimeUnixNano"));
        assertEquals(Map.of("code", 2.0, "message", "backend a did not answer in time"), root.get("status"));
        assertEquals(Map.of("http.request.method", "stringValue:GET", "url.path", "stringValue:/p\"3",
                "http.response.status_code", "intValue:200", "rsp.backend.connect_ms", "doubleValue:0.25",
                "rsp.flag", "boolValue:true"), OtlpReceiver.attributes(root));
        @SuppressWarnings("unchecked")
        Map<String, Object> resource = (Map<String, Object>) root.get("_resource");
        assertEquals(Map.of("service.name", "stringValue:rsp-test"), OtlpReceiver.attributes(resource));

        Map<String, Object> noParent = receiver.spans.stream().filter(m -> m.get("spanId").equals("0000000000001004"))
                .findFirst().orElseThrow();
        assertTrue(!noParent.containsKey("parentSpanId") && !noParent.containsKey("traceState"), noParent.toString());
        assertEquals(Map.of(), noParent.get("status"));
    }

    @Test
    void a503AndA429AreRetriedWithBackoff() throws Exception {
        receiver = new OtlpReceiver();
        receiver.answer(503, 429);
        export(receiver.endpoint(), 100, 10, 20, 3);
        export.offer(span(1));
        assertTrue(await(() -> counts.exported.get() == 1, 10_000), "exported after two retries");
        assertEquals(2, counts.retried.get());
        assertEquals(3, receiver.requests.get());
        assertEquals(0, counts.failedBatches.get());
    }

    @Test
    void otherStatusesFailTheBatchAtOnce() throws Exception {
        receiver = new OtlpReceiver();
        receiver.answer(400);
        export(receiver.endpoint(), 100, 10, 20, 3);
        export.offer(span(1));
        export.offer(span(2));
        assertTrue(await(() -> counts.failedBatches.get() == 1, 10_000), "failed");
        assertEquals(2, counts.failedSpans.get());
        assertEquals(0, counts.retried.get());
        assertEquals(1, receiver.requests.get());
    }

    @Test
    void aCollectorThatIsDownCostsItsTriesThenTheBatch() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        export("http://127.0.0.1:" + port + "/v1/traces", 100, 10, 20, 2);
        for (int i = 0; i < 3; i++) {
            export.offer(span(i));
        }
        assertTrue(await(() -> counts.failedBatches.get() == 1, 10_000), "given up");
        assertEquals(3, counts.failedSpans.get());
        assertEquals(1, counts.retried.get());
        assertEquals(0, counts.exported.get());
    }

    @Test
    void aSlowCollectorFillsTheQueueAndDropsAreCountedWithoutWaiting() throws Exception {
        receiver = new OtlpReceiver();
        receiver.hold();
        export(receiver.endpoint(), 100, 10, 10, 1);
        export.offer(span(0));
        assertTrue(await(() -> receiver.requests.get() == 1, 10_000), "the first batch is at the collector, held");
        int offered = 1;
        long slowest = 0;
        for (int i = 1; i < 20_000; i++) {
            long t0 = System.nanoTime();
            export.offer(span(i));
            slowest = Math.max(slowest, System.nanoTime() - t0);
            offered++;
            assertTrue(export.queued() <= 100, "queue bounded: " + export.queued());
        }
        assertTrue(counts.dropped.get() >= offered - 1 - 100, "dropped " + counts.dropped.get());
        assertTrue(slowest < TimeUnit.MILLISECONDS.toNanos(200), "the slowest offer took " + slowest / 1000 + " us");
        receiver.release();
        int total = offered;
        assertTrue(await(() -> counts.exported.get() + counts.dropped.get() == total, 10_000),
                "every span exported or dropped: " + counts.exported.get() + " + " + counts.dropped.get());
        assertEquals(0, export.queued());
    }
}
