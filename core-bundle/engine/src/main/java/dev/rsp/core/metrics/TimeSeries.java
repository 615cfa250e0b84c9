package dev.rsp.core.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The last {@link #SECONDS} one-second samples of every {@link Metric}, overall (scope {@link #OVERALL}) and per
 * backend, in fixed rings: memory is bounded by the number of scopes (at most {@link #MAX_SCOPES}; 6 metrics x 900
 * floats = 21.6 KB each) whatever the traffic. A scope missing from a sample (a removed backend) is dropped with its
 * history. One writer (the sampler, once a second) and a few readers (admin requests): methods are synchronized,
 * none of it is on the request path.
 */
public final class TimeSeries {

    public static final int SECONDS = 900;
    public static final String OVERALL = "";
    public static final int MAX_SCOPES = LoopMetrics.MAX_BACKENDS + 2;

    /** What is sampled each second; {@link #id()} is the name used by the admin API. */
    public enum Metric {
        REQUESTS_PER_SECOND("requests_per_second"),
        ERRORS_PER_SECOND("errors_per_second"),
        LATENCY_P50_MS("latency_p50_ms"),
        LATENCY_P99_MS("latency_p99_ms"),
        BYTES_PER_SECOND("bytes_per_second"),
        ACTIVE_CONNECTIONS("active_connections");

        private final String id;

        Metric(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Optional<Metric> byId(String id) {
            return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
        }
    }

    /** One sample: the second it describes (wall clock) and its value. */
    public record Point(Instant timestamp, double value) {
    }

    private final long[] epochSeconds = new long[SECONDS];
    private final Map<String, float[][]> scopes = new HashMap<>();
    private int next;
    private int filled;

    /**
     * Appends one second. {@code valuesByScope} maps a scope to its values indexed by {@link Metric#ordinal()} (NaN
     * for "no value this second", e.g. a latency quantile without requests). Scopes beyond {@link #MAX_SCOPES} are
     * ignored.
     */
    public synchronized void append(long epochSecond, Map<String, double[]> valuesByScope) {
        scopes.keySet().retainAll(valuesByScope.keySet());
        int slot = next;
        epochSeconds[slot] = epochSecond;
        valuesByScope.forEach((scope, values) -> {
            float[][] rings = scopes.get(scope);
            if (rings == null) {
                if (scopes.size() >= MAX_SCOPES) {
                    return;
                }
                rings = new float[Metric.values().length][SECONDS];
                for (float[] r : rings) {
                    Arrays.fill(r, Float.NaN);
                }
                scopes.put(scope, rings);
            }
            for (int m = 0; m < rings.length; m++) {
                rings[m][slot] = (float) values[m];
            }
        });
        next = (slot + 1) % SECONDS;
        filled = Math.min(SECONDS, filled + 1);
    }

    /** The samples of {@code metric} for {@code scope}, oldest first, without the seconds that had no value. */
    public synchronized Optional<List<Point>> read(Metric metric, String scope) {
        float[][] rings = scopes.get(scope);
        if (rings == null) {
            return Optional.empty();
        }
        float[] ring = rings[metric.ordinal()];
        List<Point> out = new ArrayList<>(filled);
        for (int i = 0; i < filled; i++) {
            int slot = (next - filled + i + SECONDS) % SECONDS;
            float v = ring[slot];
            if (!Float.isNaN(v)) {
                out.add(new Point(Instant.ofEpochSecond(epochSeconds[slot]), v));
            }
        }
        return Optional.of(out);
    }

    /** The backend scopes with a history, sorted. */
    public synchronized Set<String> backends() {
        Set<String> s = new TreeSet<>(scopes.keySet());
        s.remove(OVERALL);
        return s;
    }

    /** Seconds sampled so far, at most {@link #SECONDS}. */
    public synchronized int length() {
        return filled;
    }
}
