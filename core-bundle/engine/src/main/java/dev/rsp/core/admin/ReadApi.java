package dev.rsp.core.admin;

import dev.rsp.spi.routing.Backend;
import dev.rsp.core.json.Json;
import dev.rsp.core.ProxyControl;
import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.metrics.TimeSeries;
import dev.rsp.core.metrics.TrafficStats;
import dev.rsp.core.proxy.EngineReports;
import dev.rsp.core.proxy.ProxyEngine;
import dev.rsp.core.routing.Explain;
import dev.rsp.core.routing.RoutingSnapshot;
import dev.rsp.core.routing.StrategyStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only admin endpoints as JSON or CSV: {@code /api/stats}, {@code /api/backends}, {@code /api/timeseries},
 * {@code /api/route} and {@code /api/whatif} (which analyses a change without applying it). Runs on the admin
 * server's threads; reads the loops' statistics through {@link ProxyEngine#metrics()}.
 */
final class ReadApi {

    private final ProxyControl core;
    private final long startedMillis = System.currentTimeMillis();

    ReadApi(ProxyControl core) {
        this.core = core;
    }

    /** {@code GET /api/stats}: totals, per backend, per strategy, the chain and every named outcome counter. */
    AdminResponse stats() {
        LoopMetrics.Snapshot m = core.engine().views().metrics();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("timestamp", Instant.now().toString());
        out.put("uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000);
        out.put("listener", traffic(m.listener()));
        Map<String, Object> listeners = new java.util.LinkedHashMap<>();
        listeners.put("http", traffic(m.http()));
        listeners.put("tls", traffic(m.tls()));
        out.put("listeners", listeners);
        out.put("limits", limits(core.engine().views().load()));
        out.put("backends", backends(m));
        out.put("strategies", strategies(m));
        RoutingSnapshot routing = core.routing().current();
        out.put("chain", routing.chain());
        out.put("live_strategies", List.copyOf(routing.liveStrategies()));
        out.put("events", core.engine().views().events());
        out.put("ratelimit", core.engine().rateLimiter().describe());
        out.put("etcd", core.etcdStats().describe());
        return AdminResponse.json(200, out);
    }

    private static Map<String, Object> limits(EngineReports.Load l) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("connections", l.connections());
        o.put("connections_limit", l.maxConnections());
        o.put("accept_paused", l.acceptPaused());
        o.put("buffer_bytes", l.bufferBytes());
        o.put("buffer_budget_bytes", l.bufferBudget());
        o.put("direct_bytes", l.directReserved());
        o.put("direct_limit_bytes", l.directLimit());
        return o;
    }

    /**
     * {@code GET /api/backends}: each configured backend with state, weight, its traffic, how rsp speaks to it
     * ({@code protocol}: http/1.1 or h2; {@code tls}: none, verified or insecure; {@code send_proxy}: off, v1 or v2)
     * and, last, its concurrency slots ({@code in_flight}, {@code maxconn} with 0 for no limit, {@code queued}).
     */
    AdminResponse backends() {
        return AdminResponse.json(200, backends(core.engine().views().metrics()));
    }

    private List<Object> backends(LoopMetrics.Snapshot m) {
        List<Object> list = new ArrayList<>();
        for (EngineReports.BackendStatus b : core.engine().views().backendStatus()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", b.backend().name());
            o.put("address", b.backend().host() + ":" + b.backend().port());
            o.put("weight", b.backend().weight());
            o.put("state", b.state());
            o.putAll(traffic(m.backends().get(b.backend().name())));
            o.put("reason", b.reason());
            o.put("protocol", b.backend().protocol() == Backend.Protocol.H2 ? "h2" : "http/1.1");
            o.put("tls", b.backend().tls().name().toLowerCase(java.util.Locale.ROOT));
            o.put("send_proxy", b.backend().sendProxy() == Backend.SendProxy.NONE ? "off"
                    : b.backend().sendProxy().name().toLowerCase(java.util.Locale.ROOT));
            o.put("in_flight", b.inFlight());
            o.put("maxconn", b.maxconn());
            o.put("queued", b.queued());
            list.add(o);
        }
        return list;
    }

    private List<Object> strategies(LoopMetrics.Snapshot m) {
        RoutingSnapshot routing = core.routing().current();
        Map<String, StrategyStats> decisions = core.routing().stats();
        List<Object> list = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(decisions.keySet())) {
            StrategyStats s = decisions.get(name);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", name);
            o.put("live", routing.isLive(name));
            o.put("in_chain", routing.chain().contains(name));
            o.putAll(traffic(m.strategies().get(name)));
            o.put("decisions", decisions(s));
            list.add(o);
        }
        return list;
    }

    static Map<String, Long> decisions(StrategyStats s) {
        Map<String, Long> d = new LinkedHashMap<>();
        d.put("routed", s.routed());
        d.put("passed", s.passed());
        d.put("rehosted", s.rehosted());
        d.put("invalid_rehost", s.invalidRehost());
        d.put("error", s.errors());
        d.put("unknown_backend", s.unknownBackend());
        return d;
    }

    static Map<String, Object> traffic(TrafficStats t) {
        TrafficStats s = t == null ? new TrafficStats() : t;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("requests", s.requests);
        o.put("errors", s.errors());
        Map<String, Long> byClass = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) {
            byClass.put(c + "xx", s.responses[c]);
        }
        byClass.put("none", s.responses[0]);
        o.put("responses", byClass);
        o.put("bytes_in", s.bytesIn);
        o.put("bytes_out", s.bytesOut);
        o.put("active_connections", s.active);
        o.put("latency_p50_ms", s.quantileMillis(0.5));
        o.put("latency_p99_ms", s.quantileMillis(0.99));
        return o;
    }

    /**
     * {@code GET /api/timeseries?metric=..[&backend=..][&format=csv]}: the last 15 minutes, one record per second
     * with a value, {@code [{"timestamp": ISO-8601, "value": n}]} or CSV with the header {@code timestamp,value}.
     */
    AdminResponse timeseries(AdminRequest r) {
        String metricId = r.required("metric");
        TimeSeries.Metric metric = TimeSeries.Metric.byId(metricId).orElseThrow(() -> new AdminRequest.BadRequest(
                "unknown metric '" + metricId + "'; one of " + Arrays.stream(TimeSeries.Metric.values()).map(TimeSeries.Metric::id).toList()));
        String format = r.param("format").orElse("json");
        if (!format.equals("json") && !format.equals("csv")) {
            throw new AdminRequest.BadRequest("format must be json or csv, not '" + format + "'");
        }
        String backend = r.param("backend").orElse(TimeSeries.OVERALL);
        List<TimeSeries.Point> points = core.timeSeries().read(metric, backend).orElse(null);
        if (points == null) {
            return AdminResponse.text(404, "no time series for backend '" + backend + "'");
        }
        if (format.equals("csv")) {
            StringBuilder csv = new StringBuilder("timestamp,value\n");
            points.forEach(p -> csv.append(p.timestamp()).append(',').append(Json.write(p.value())).append('\n'));
            return AdminResponse.of("text/csv; charset=utf-8", csv.toString());
        }
        List<Object> records = new ArrayList<>(points.size());
        for (TimeSeries.Point p : points) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("timestamp", p.timestamp().toString());
            rec.put("value", p.value());
            records.add(rec);
        }
        return AdminResponse.json(200, records);
    }

    /** {@code GET /api/route?url=..}: what {@code rsp:route} prints, as JSON. */
    AdminResponse route(AdminRequest r) {
        ProbeRequest probe;
        try {
            probe = ProbeRequest.parse(r.required("url"));
        } catch (IllegalArgumentException e) {
            throw new AdminRequest.BadRequest(e.getMessage());
        }
        Explain.Result e = Explain.explain(core.routing().current(), probe);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("key", e.key());
        o.put("path", probe.path());
        o.put("steps", e.steps());
        o.put("strategy", e.candidates().isEmpty() ? null : e.strategy());
        o.put("backend", e.candidates().isEmpty() ? null : e.candidates().get(0));
        o.put("fallbacks", e.candidates().isEmpty() ? List.of() : e.candidates().subList(1, e.candidates().size()));
        return AdminResponse.json(200, o);
    }

    /**
     * {@code POST /api/whatif} with {@code action=add&name=..&address=host:port[&weight=N]},
     * {@code action=remove&name=..} or {@code action=weight&name=..&weight=N}: what would move; nothing is applied.
     */
    AdminResponse whatif(AdminRequest r) {
        String action = r.required("action");
        List<String> args = new ArrayList<>();
        args.add(r.required("name"));
        switch (action) {
            case "add" -> {
                args.add(r.required("address"));
                r.param("weight").ifPresent(args::add);
            }
            case "weight" -> args.add(r.required("weight"));
            case "remove" -> { }
            default -> throw new AdminRequest.BadRequest("action must be add, remove or weight, not '" + action + "'");
        }
        WhatIf.Report report;
        try {
            report = WhatIf.analyse(core.routing(), RoutingCommands.parse(action, args.toArray(new String[0])),
                    core.engine().views().recentHosts());
        } catch (IllegalArgumentException e) {
            throw new AdminRequest.BadRequest(e.getMessage());
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("change", report.change().toString());
        o.put("recent", movement(report.recent()));
        o.put("synthetic", movement(report.synthetic()));
        return AdminResponse.json(200, o);
    }

    private static Map<String, Object> movement(WhatIf.Movement m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("hosts", m.hosts());
        o.put("moved", m.moved());
        o.put("share", m.share());
        o.put("flows", m.flows());
        return o;
    }
}
