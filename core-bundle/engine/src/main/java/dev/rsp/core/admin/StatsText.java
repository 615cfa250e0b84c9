package dev.rsp.core.admin;

import dev.rsp.core.ProxyControl;
import dev.rsp.core.metrics.LoopMetrics;
import dev.rsp.core.metrics.TrafficStats;
import java.util.Map;
import java.util.TreeMap;

/** The text of {@code rsp:stats} and the traffic columns of {@code rsp:backends}: the numbers of /api/stats. */
final class StatsText {

    private StatsText() {
    }

    static String traffic(TrafficStats t) {
        TrafficStats s = t == null ? new TrafficStats() : t;
        return String.format("requests=%d errors=%d p50=%sms p99=%sms out=%dB conns=%d", s.requests, s.errors(),
                ms(s.quantileMillis(0.5)), ms(s.quantileMillis(0.99)), s.bytesOut, s.active);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2f", v);
    }

    static String render(ProxyControl core) {
        LoopMetrics.Snapshot m = core.engine().views().metrics();
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-22s %s%n", "listener http", traffic(m.http())));
        out.append(String.format("%-22s %s%n", "listener tls", traffic(m.tls())));
        new TreeMap<>(m.backends()).forEach((n, t) -> out.append(String.format("%-22s %s failures=%d%n", "backend " + n, traffic(t), t.failures)));
        new TreeMap<>(m.strategies()).forEach((n, t) -> out.append(String.format("%-22s %s%n", "strategy " + n, traffic(t))));
        out.append("routing.chain = ").append(core.routing().current().chain()).append(", live: ")
                .append(core.routing().current().liveStrategies()).append('\n');
        Map<String, Long> events = core.engine().views().events();
        events.forEach((k, v) -> out.append(String.format("  %-36s %d%n", k, v)));
        return out.toString();
    }
}
