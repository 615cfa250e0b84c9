package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.proxy.Counter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /metrics parsed back: every sample belongs to a family announced by HELP and TYPE; histograms are consistent. */
class MetricsExpositionTest {

    static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)\\})? (\\S+)");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    @Test
    void exposesTrafficInTheTextFormat() throws Exception {
        try (AdminFixture f = new AdminFixture()) {
            // Backends a and b are closed ports: the one candidate is refused, the request answered 502.
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket("127.0.0.1", f.engine.localAddress().getPort())) {
                    OutputStream out = s.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: x.example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    InputStream in = s.getInputStream();
                    assertTrue(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 502 "));
                }
            }
            String text = MetricsExposition.render(f);

            Map<String, String> types = new HashMap<>();
            Set<String> help = new HashSet<>();
            Map<String, Sample> byKey = new LinkedHashMap<>();
            Map<String, String> eventHelp = new HashMap<>();
            String current = null;
            String comment = null;
            for (String line : text.split("\n")) {
                if (line.startsWith("# HELP ")) {
                    current = line.split(" ")[2];
                    assertTrue(help.add(current), "one HELP per family: " + current);
                } else if (line.startsWith("# TYPE ")) {
                    String[] p = line.split(" ");
                    assertEquals(current, p[2]);
                    assertTrue(Set.of("counter", "gauge", "histogram").contains(p[3]), line);
                    types.put(p[2], p[3]);
                } else if (line.startsWith("# ")) {
                    comment = line;
                } else {
                    Matcher m = SAMPLE.matcher(line);
                    assertTrue(m.matches(), "not a sample line: " + line);
                    String name = m.group(1);
                    String family = types.get(current).equals("histogram") ? name.replaceAll("_(bucket|sum|count)$", "") : name;
                    assertEquals(current, family, "samples of a family stay together: " + line);
                    if (types.get(current).equals("counter")) {
                        assertTrue(name.endsWith("_total"), line);
                    }
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (m.group(3) != null) {
                        Matcher l = LABEL.matcher(m.group(3));
                        while (l.find()) {
                            labels.put(l.group(1), l.group(2));
                        }
                    }
                    double v = m.group(4).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(4));
                    byKey.put(name + labels, new Sample(name, labels, v));
                    if (name.equals("rsp_events_total") && comment != null) {
                        eventHelp.put(labels.get("event"), comment);
                    }
                    comment = null;
                }
            }
            assertEquals(3.0, value(byKey, "rsp_listener_requests_total{listener=http}"));
            assertEquals(3.0, value(byKey, "rsp_listener_responses_total{listener=http, code=5xx}"));
            assertEquals(3.0, value(byKey, "rsp_strategy_requests_total{strategy=hash}"));
            assertEquals(3.0, value(byKey, "rsp_strategy_decisions_total{strategy=hash, result=routed}"));
            assertEquals(3.0, value(byKey, "rsp_events_total{event=backend.unavailable}"));
            assertEquals("# event backend.unavailable: " + Counter.BACKEND_UNAVAILABLE.help(), eventHelp.get("backend.unavailable"));
            // Every declared outcome shows from the start, with what it counts.
            for (Counter c : Counter.values()) {
                assertTrue(byKey.containsKey("rsp_events_total{event=" + c.id() + "}"), c.id());
                assertEquals("# event " + c.id() + ": " + c.help(), eventHelp.get(c.id()));
            }
            assertEquals(0.0, value(byKey, "rsp_events_total{event=tls.handshake.done}"), "declared, never counted");
            assertEquals(1.0, value(byKey, "rsp_backend_up{backend=b}"));
            double failures = value(byKey, "rsp_backend_failures_total{backend=a}") + value(byKey, "rsp_backend_failures_total{backend=b}");
            assertEquals(3.0, failures);
            assertEquals(2.0, value(byKey, "rsp_backend_weight{backend=b}"));
            // No limit configured: every backend shows its slots, none counted (BackendSlotsViewTest: with a limit).
            for (String b : new String[] {"a", "b"}) {
                assertEquals(0.0, value(byKey, "rsp_backend_maxconn{backend=" + b + "}"));
                assertEquals(0.0, value(byKey, "rsp_backend_in_flight{backend=" + b + "}"));
                assertEquals(0.0, value(byKey, "rsp_backend_queued{backend=" + b + "}"));
            }
            assertEquals("gauge", types.get("rsp_backend_in_flight"));
            assertEquals("gauge", types.get("rsp_backend_queued"));
            // Backend names: the fixture's are literals, never looked up; none held, none unresolved.
            assertEquals("gauge", types.get("rsp_dns_names"));
            assertEquals(0.0, value(byKey, "rsp_dns_names{state=held}"));
            assertEquals(0.0, value(byKey, "rsp_dns_names{state=unresolved}"));
            assertEquals(0.0, value(byKey, "rsp_events_total{event=dns.lookups}"));
            // The histogram: cumulative buckets in increasing le, ending at +Inf = _count.
            double last = -1;
            double lastLe = 0;
            for (Sample s : byKey.values()) {
                if (s.name().equals("rsp_listener_request_duration_seconds_bucket") && "http".equals(s.labels().get("listener"))) {
                    double le = s.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s.labels().get("le"));
                    assertTrue(le > lastLe && s.value() >= last, s.toString());
                    last = s.value();
                    lastLe = le;
                }
            }
            assertEquals(Double.POSITIVE_INFINITY, lastLe);
            assertEquals(3.0, last);
            assertEquals(3.0, value(byKey, "rsp_listener_request_duration_seconds_count{listener=http}"));
            assertEquals(0.0, value(byKey, "rsp_listener_requests_total{listener=tls}"), "no TLS listener traffic");
            assertTrue(value(byKey, "rsp_listener_request_duration_seconds_sum{listener=http}") > 0);
        }
    }

    static double value(Map<String, Sample> byKey, String key) {
        Sample s = byKey.get(key);
        assertTrue(s != null, "no sample " + key + " in " + byKey.keySet());
        return s.value();
    }

    @Test
    void labelValuesAreEscaped() {
        String text = new PrometheusText().family("x_total", "counter", "a\\b\nc").sample("x_total", 1.5, "k", "q\"u\\o\nte").toString();
        assertEquals("# HELP x_total a\\\\b\\nc\n# TYPE x_total counter\nx_total{k=\"q\\\"u\\\\o\\nte\"} 1.5\n", text);
        assertEquals("NaN", PrometheusText.number(Double.NaN));
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
    }
}
