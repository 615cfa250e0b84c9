package dev.rsp.core.metrics;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns cumulative loop snapshots into per-second values in a {@link TimeSeries}: requests/s, errors/s, p50 and
 * p99 latency of the requests finished in that second, bytes/s (in + out) and open connections, overall and per
 * backend. {@link #tick} is called once a second by one thread (the core's daemon sampler); rates are divided by
 * the real time between two ticks, so a late tick does not inflate them.
 */
public final class Sampler {

    private static final Logger log = LoggerFactory.getLogger(Sampler.class);

    private final TimeSeries series;
    private final Supplier<LoopMetrics.Snapshot> source;
    private final Supplier<Collection<String>> configuredBackends;
    private LoopMetrics.Snapshot previous;
    private long previousNanos;

    /**
     * @param source             the engine's merged loop snapshot (cumulative counters)
     * @param configuredBackends the backends configured now: each gets a series even before its first request
     */
    public Sampler(TimeSeries series, Supplier<LoopMetrics.Snapshot> source, Supplier<Collection<String>> configuredBackends) {
        this.series = series;
        this.source = source;
        this.configuredBackends = configuredBackends;
    }

    public TimeSeries series() {
        return series;
    }

    /** Takes one sample; never throws (a scheduled task that throws is never run again), logs instead. */
    public void tick(long epochSecond, long nowNanos) {
        try {
            LoopMetrics.Snapshot current = source.get();
            if (previous != null) {
                double seconds = Math.max(1e-3, (nowNanos - previousNanos) / 1e9);
                Map<String, double[]> values = new HashMap<>();
                values.put(TimeSeries.OVERALL, values(current.listener(), previous.listener(), seconds));
                for (String name : configuredBackends.get()) {
                    values.put(name, values(current.backends().get(name), previous.backends().get(name), seconds));
                }
                TrafficStats other = current.backends().get(LoopMetrics.OTHER);
                if (other != null) {
                    values.put(LoopMetrics.OTHER, values(other, previous.backends().get(LoopMetrics.OTHER), seconds));
                }
                series.append(epochSecond, values);
            }
            previous = current;
            previousNanos = nowNanos;
        } catch (RuntimeException e) {
            log.warn("metrics sample failed: {}", e.toString());
        }
    }

    /** The values of one second for one scope; {@code now} or {@code before} may be null (no traffic yet). */
    static double[] values(TrafficStats now, TrafficStats before, double seconds) {
        TrafficStats n = now == null ? new TrafficStats() : now;
        TrafficStats b = before == null ? new TrafficStats() : before;
        long[] latency = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < latency.length; i++) {
            latency[i] = Math.max(0, n.latency[i] - b.latency[i]);
        }
        double[] v = new double[TimeSeries.Metric.values().length];
        v[TimeSeries.Metric.REQUESTS_PER_SECOND.ordinal()] = Math.max(0, n.requests - b.requests) / seconds;
        v[TimeSeries.Metric.ERRORS_PER_SECOND.ordinal()] = Math.max(0, n.errors() - b.errors()) / seconds;
        v[TimeSeries.Metric.LATENCY_P50_MS.ordinal()] = LatencyHistogram.quantileMicros(latency, 0.5) / 1000.0;
        v[TimeSeries.Metric.LATENCY_P99_MS.ordinal()] = LatencyHistogram.quantileMicros(latency, 0.99) / 1000.0;
        v[TimeSeries.Metric.BYTES_PER_SECOND.ordinal()] =
                Math.max(0, n.bytesIn + n.bytesOut - b.bytesIn - b.bytesOut) / seconds;
        v[TimeSeries.Metric.ACTIVE_CONNECTIONS.ordinal()] = n.active;
        return v;
    }
}
