package dev.rsp.core.metrics;

/**
 * Traffic counters of one scope (a listener, a backend or a strategy) on one event loop: plain fields written by
 * that loop only, no atomics, no allocation per request. Readers never touch a live instance: they ask the loop for
 * a {@link #copy()} (see {@link LoopMetrics#snapshot()}) and add copies together with {@link #addTo}.
 */
public final class TrafficStats {

    /** Finished exchanges, whatever their outcome. */
    public long requests;
    /** Responses by status class: index 1 to 5 for 1xx to 5xx; index 0 counts exchanges that ended without one. */
    public final long[] responses = new long[6];
    /** Request body bytes sent on to a backend. */
    public long bytesIn;
    /** Response body bytes sent to clients. */
    public long bytesOut;
    /** Backends only: connects refused or timed out, connections broken before a response. */
    public long failures;
    /** Open connections now (a gauge): client connections of a listener, backend connections of a backend. */
    public long active;
    /** Durations from request head to end of response, see {@link LatencyHistogram}. */
    public final long[] latency = new long[LatencyHistogram.BUCKETS];
    /** Sum of the recorded durations in microseconds. */
    public long latencySumMicros;

    /** Records a finished exchange; {@code status} 0 when it ended without a response. Loop thread only. */
    public void record(int status, long bytesIn, long bytesOut, long micros) {
        if (LoopMetrics.DISABLED) {
            return;
        }
        requests++;
        int c = status / 100;
        responses[c >= 1 && c <= 5 ? c : 0]++;
        this.bytesIn += bytesIn;
        this.bytesOut += bytesOut;
        latency[LatencyHistogram.index(micros)]++;
        latencySumMicros += Math.max(0, micros);
    }

    /** Errors: 5xx responses, exchanges that ended without a response, and (backends) failures. */
    public long errors() {
        return responses[5] + responses[0] + failures;
    }

    public TrafficStats copy() {
        TrafficStats t = new TrafficStats();
        addTo(t);
        return t;
    }

    /** Adds these counts to {@code into}. */
    public void addTo(TrafficStats into) {
        into.requests += requests;
        for (int i = 0; i < responses.length; i++) {
            into.responses[i] += responses[i];
        }
        into.bytesIn += bytesIn;
        into.bytesOut += bytesOut;
        into.failures += failures;
        into.active += active;
        for (int i = 0; i < latency.length; i++) {
            into.latency[i] += latency[i];
        }
        into.latencySumMicros += latencySumMicros;
    }

    /** These counts minus {@code part}'s, as a new instance: a scope without one of its parts (HTTP = all - TLS). */
    public TrafficStats minus(TrafficStats part) {
        TrafficStats t = copy();
        t.requests -= part.requests;
        for (int i = 0; i < responses.length; i++) {
            t.responses[i] -= part.responses[i];
        }
        t.bytesIn -= part.bytesIn;
        t.bytesOut -= part.bytesOut;
        t.failures -= part.failures;
        t.active -= part.active;
        for (int i = 0; i < latency.length; i++) {
            t.latency[i] -= part.latency[i];
        }
        t.latencySumMicros -= part.latencySumMicros;
        return t;
    }

    /** Latency quantile in milliseconds, NaN when nothing was recorded. */
    public double quantileMillis(double q) {
        return LatencyHistogram.quantileMicros(latency, q) / 1000.0;
    }
}
