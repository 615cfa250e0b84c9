package dev.rsp.core.admin;

import dev.rsp.core.ProxyControl;
import dev.rsp.core.metrics.LatencyHistogram;
import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.metrics.TrafficStats;
import dev.rsp.core.proxy.Counter;
import dev.rsp.core.proxy.EngineReports;
import dev.rsp.core.proxy.ProxyEngine;
import dev.rsp.core.routing.RoutingSnapshot;
import dev.rsp.core.routing.StrategyStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: everything rsp counts, in the Prometheus text format. Three scopes share one set of
 * families each ({@code rsp_listener_*{listener}}, {@code rsp_backend_*{backend}}, {@code rsp_strategy_*{strategy}}),
 * plus health, weight and concurrency slots of backends, strategy decisions and every named outcome ({@code rsp_events_total{event}},
 * each declared one shown from the start, after a comment line with its help text).
 * Latency histograms are in seconds with buckets at the powers of two from 32 µs to 67 s, which are exact bounds of
 * the internal histogram.
 */
final class MetricsExposition {

    static final String LISTENER = "http";
    /** Internal buckets whose upper bound is a power of two, 2^5 to 2^26 microseconds. */
    private static final int FIRST_BUCKET = 9;
    private static final int LAST_BUCKET = 51;

    private MetricsExposition() {
    }

    static String render(ProxyControl core) {
        ProxyEngine engine = core.engine();
        LoopMetrics.Snapshot m = engine.views().metrics();
        PrometheusText p = new PrometheusText();
        traffic(p, "rsp_listener", "listener", new TreeMap<>(Map.of(LISTENER, m.http(), "tls", m.tls())), "client connections");
        Map<String, TrafficStats> backends = new TreeMap<>(m.backends());
        List<EngineReports.BackendStatus> status = engine.views().backendStatus();
        status.forEach(b -> backends.computeIfAbsent(b.backend().name(), n -> new TrafficStats()));
        traffic(p, "rsp_backend", "backend", backends, "connections to the backend");
        p.family("rsp_backend_failures_total", "counter", "Connects refused or timed out and connections broken before a response, per backend");
        backends.forEach((n, t) -> p.sample("rsp_backend_failures_total", t.failures, "backend", n));
        p.family("rsp_backend_up", "gauge", "1 when passive health has the backend up, 0 when it is marked down");
        status.forEach(b -> p.sample("rsp_backend_up", b.up() ? 1 : 0, "backend", b.backend().name()));
        p.family("rsp_backend_weight", "gauge", "Configured weight of the backend");
        status.forEach(b -> p.sample("rsp_backend_weight", b.backend().weight(), "backend", b.backend().name()));
        slots(p, status);
        traffic(p, "rsp_strategy", "strategy", new TreeMap<>(m.strategies()), null);
        traffic(p, "rsp_protocol", "protocol", new TreeMap<>(m.protocols()), null);
        Map<String, StrategyStats> stats = new TreeMap<>(core.routing().stats());
        p.family("rsp_strategy_decisions_total", "counter", "Answers of each routing strategy, by result (error includes exceptions, e.g. Lua errors)");
        stats.forEach((n, s) -> ReadApi.decisions(s).forEach((result, v) -> p.sample("rsp_strategy_decisions_total", v,
                "strategy", n, "result", result)));
        RoutingSnapshot routing = core.routing().current();
        p.family("rsp_strategy_live", "gauge", "1 when a strategy of that name is registered and has a router");
        stats.keySet().forEach(n -> p.sample("rsp_strategy_live", routing.isLive(n) ? 1 : 0, "strategy", n));
        p.family("rsp_tls_engine", "gauge", "1 per terminating TLS listener, with the TLS engine its new connections get "
                + "(boringssl: native; jsse: the JDK's); rsp_events_total{event=\"tls.engine.<name>\"} counts the engines made");
        engine.tlsEngines().forEach((address, kind) -> p.sample("rsp_tls_engine", 1, "address", address, "engine", kind));
        EngineReports.PooledBytes pooled = engine.views().pooledBytes();
        p.family("rsp_buffer_pool_bytes", "gauge", "Direct buffer bytes of the loops' pools: in_use by connections, idle "
                + "(released, kept for reuse; shrinks to the recent demand every buffer.pool.decay.ms)");
        p.sample("rsp_buffer_pool_bytes", pooled.inUse(), "state", "in_use");
        p.sample("rsp_buffer_pool_bytes", pooled.idle(), "state", "idle");
        p.family("rsp_loop_clients", "gauge", "Client connections each selector loop serves (an accepted connection goes to "
                + "the loop with the fewest)");
        int[] perLoop = engine.views().clientsPerLoop();
        for (int i = 0; i < perLoop.length; i++) {
            p.sample("rsp_loop_clients", perLoop[i], "loop", Integer.toString(i));
        }
        p.family("rsp_dns_names", "gauge", "Backend names in use served from a held answer while their lookups fail "
                + "(held), or without any answer (unresolved: their backends cannot be reached)");
        p.sample("rsp_dns_names", engine.dnsCounters().holdingNow(), "state", "held");
        p.sample("rsp_dns_names", engine.dnsCounters().unresolvedNow(), "state", "unresolved");
        p.family("rsp_etcd_state", "gauge", "1 for the state the etcd source is in (off without etc/rsp.etcd.cfg; "
                + "watching: following etcd; connecting, backing_off, over_limit: the backends in force stay)");
        for (dev.rsp.core.etcd.EtcdStats.State st : dev.rsp.core.etcd.EtcdStats.State.values()) {
            p.sample("rsp_etcd_state", core.etcdStats().state() == st ? 1 : 0, "state",
                    st.name().toLowerCase(java.util.Locale.ROOT));
        }
        p.family("rsp_events_total", "counter", "Named outcomes by event: rejections (reject.*), timeouts, retries, "
                + "TLS (tls.*), ...; a comment line before a sample says what its event counts");
        engine.views().events().forEach((n, v) -> {
            Counter.forId(n).ifPresent(c -> p.comment("event " + n + ": " + c.help()));
            p.sample("rsp_events_total", v, "event", n);
        });
        return p.toString();
    }

    /** The backends' concurrency slots; only a backend with a limit counts its requests (0 without one). */
    private static void slots(PrometheusText p, List<EngineReports.BackendStatus> status) {
        p.family("rsp_backend_maxconn", "gauge", "Concurrency limit of the backend (;maxconn, else backend.maxconn); 0: none");
        status.forEach(b -> p.sample("rsp_backend_maxconn", b.maxconn(), "backend", b.backend().name()));
        p.family("rsp_backend_in_flight", "gauge", "Requests holding a slot at the backend, from admission to the end of "
                + "their exchange; counted at backends with a limit only");
        status.forEach(b -> p.sample("rsp_backend_in_flight", b.inFlight(), "backend", b.backend().name()));
        p.family("rsp_backend_queued", "gauge", "Requests waiting in rsp for a slot at the backend (at its maxconn)");
        status.forEach(b -> p.sample("rsp_backend_queued", b.queued(), "backend", b.backend().name()));
    }

    /** The families of one scope; {@code connections} is the help of its open-connections gauge, null for none. */
    private static void traffic(PrometheusText p, String prefix, String label, Map<String, TrafficStats> scopes,
            String connections) {
        counter(p, prefix + "_requests_total", "Finished exchanges", label, scopes, t -> t.requests);
        p.family(prefix + "_responses_total", "counter", "Responses by status class (code=none: ended without a response)");
        scopes.forEach((n, t) -> {
            for (int c = 1; c <= 5; c++) {
                p.sample(prefix + "_responses_total", t.responses[c], label, n, "code", c + "xx");
            }
            p.sample(prefix + "_responses_total", t.responses[0], label, n, "code", "none");
        });
        counter(p, prefix + "_request_bytes_total", "Request body bytes sent to backends", label, scopes, t -> t.bytesIn);
        counter(p, prefix + "_response_bytes_total", "Response body bytes sent to clients", label, scopes, t -> t.bytesOut);
        String h = prefix + "_request_duration_seconds";
        p.family(h, "histogram", "Time from request head to the end of the response");
        scopes.forEach((n, t) -> {
            long cumulative = 0;
            for (int i = 0; i <= LAST_BUCKET; i++) {
                cumulative += t.latency[i];
                if (i >= FIRST_BUCKET && i % 2 == 1) {
                    p.sample(h + "_bucket", cumulative, label, n, "le", PrometheusText.number(LatencyHistogram.upperMicros(i) / 1e6));
                }
            }
            long count = LatencyHistogram.total(t.latency);
            p.sample(h + "_bucket", count, label, n, "le", "+Inf");
            p.sample(h + "_sum", t.latencySumMicros / 1e6, label, n);
            p.sample(h + "_count", count, label, n);
        });
        if (connections != null) {
            p.family(prefix + "_connections", "gauge", "Open " + connections);
            scopes.forEach((n, t) -> p.sample(prefix + "_connections", t.active, label, n));
        }
    }

    private static void counter(PrometheusText p, String name, String help, String label, Map<String, TrafficStats> scopes,
            ToDoubleFunction<TrafficStats> value) {
        p.family(name, "counter", help);
        scopes.forEach((n, t) -> p.sample(name, value.applyAsDouble(t), label, n));
    }
}
