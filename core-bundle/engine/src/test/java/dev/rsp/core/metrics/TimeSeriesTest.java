package dev.rsp.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.metrics.TimeSeries.Metric;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TimeSeriesTest {

    static double[] all(double v) {
        double[] a = new double[Metric.values().length];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void keepsTheLast900SecondsOldestFirst() {
        TimeSeries ts = new TimeSeries();
        for (long s = 1; s <= 2000; s++) {
            ts.append(1_700_000_000L + s, Map.of(TimeSeries.OVERALL, all(s)));
        }
        List<TimeSeries.Point> p = ts.read(Metric.REQUESTS_PER_SECOND, TimeSeries.OVERALL).orElseThrow();
        assertEquals(900, p.size());
        assertEquals(1101, p.get(0).value());
        assertEquals(2000, p.get(899).value());
        assertEquals(1_700_000_000L + 2000, p.get(899).timestamp().getEpochSecond());
        assertEquals(900, ts.length());
    }

    @Test
    void aBackendMissingFromASampleIsDroppedAndANewOneStartsEmpty() {
        TimeSeries ts = new TimeSeries();
        ts.append(10, Map.of(TimeSeries.OVERALL, all(1), "a", all(2)));
        ts.append(11, Map.of(TimeSeries.OVERALL, all(1), "b", all(3)));
        assertTrue(ts.read(Metric.REQUESTS_PER_SECOND, "a").isEmpty());
        List<TimeSeries.Point> b = ts.read(Metric.REQUESTS_PER_SECOND, "b").orElseThrow();
        assertEquals(1, b.size(), "seconds before b existed have no value");
        assertEquals(11, b.get(0).timestamp().getEpochSecond());
        assertEquals(List.of("b"), List.copyOf(ts.backends()));
    }

    @Test
    void secondsWithoutAValueAreLeftOut() {
        TimeSeries ts = new TimeSeries();
        ts.append(10, Map.of(TimeSeries.OVERALL, all(Double.NaN)));
        ts.append(11, Map.of(TimeSeries.OVERALL, all(5)));
        assertEquals(1, ts.read(Metric.LATENCY_P99_MS, TimeSeries.OVERALL).orElseThrow().size());
    }

    @Test
    void scopesAreCapped() {
        TimeSeries ts = new TimeSeries();
        Map<String, double[]> many = new HashMap<>();
        for (int i = 0; i < TimeSeries.MAX_SCOPES + 50; i++) {
            many.put("b" + i, all(1));
        }
        ts.append(1, many);
        assertEquals(TimeSeries.MAX_SCOPES, ts.backends().size());
    }

    @Test
    void samplerTurnsCumulativeCountsIntoPerSecondRates() {
        AtomicReference<LoopMetrics.Snapshot> snap = new AtomicReference<>(LoopMetrics.Snapshot.empty());
        TimeSeries ts = new TimeSeries();
        Sampler s = new Sampler(ts, snap::get, () -> List.of("a"));
        s.tick(100, 0);
        LoopMetrics m = new LoopMetrics();
        for (int i = 0; i < 20; i++) {
            m.listener().record(i < 18 ? 200 : 503, 10, 100, 1000);
            m.backend("a").record(200, 10, 100, 2000);
        }
        snap.set(m.snapshot(3));
        s.tick(102, 2_000_000_000L);
        assertEquals(10.0, ts.read(Metric.REQUESTS_PER_SECOND, TimeSeries.OVERALL).orElseThrow().get(0).value(), 1e-9);
        assertEquals(1.0, ts.read(Metric.ERRORS_PER_SECOND, TimeSeries.OVERALL).orElseThrow().get(0).value(), 1e-9);
        assertEquals(1100.0, ts.read(Metric.BYTES_PER_SECOND, TimeSeries.OVERALL).orElseThrow().get(0).value(), 1e-9);
        assertEquals(3.0, ts.read(Metric.ACTIVE_CONNECTIONS, TimeSeries.OVERALL).orElseThrow().get(0).value(), 1e-9);
        double p99 = ts.read(Metric.LATENCY_P99_MS, "a").orElseThrow().get(0).value();
        assertTrue(p99 >= 2.0 && p99 <= 2.5, "p99 " + p99);
        s.tick(103, 3_000_000_000L);
        assertEquals(0.0, ts.read(Metric.REQUESTS_PER_SECOND, "a").orElseThrow().get(1).value(), 1e-9);
        assertEquals(1, ts.read(Metric.LATENCY_P50_MS, "a").orElseThrow().size(), "no requests: no latency that second");
    }
}
