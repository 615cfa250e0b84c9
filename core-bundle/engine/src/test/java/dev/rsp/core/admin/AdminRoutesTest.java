package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.metrics.TimeSeries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoints without sockets on the admin side: routing of methods and paths, the token guard, inputs. */
class AdminRoutesTest {

    static final String TOKEN = AdminSettingsTest.TOKEN;
    AdminFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new AdminFixture();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void withoutATokenMutationsAreOff() {
        AdminRoutes routes = f.routes("");
        AdminResponse r = routes.handle(AdminFixture.call("POST", "/api/backends", "name=c&address=127.0.0.1:3", "Bearer " + TOKEN));
        assertEquals(403, r.status(), r.bodyText());
        assertEquals(403, routes.handle(AdminFixture.call("DELETE", "/api/backends", "name=a", null)).status());
        assertEquals(403, routes.handle(AdminFixture.call("PUT", "/api/chain", "chain=hash", null)).status());
        assertEquals(1, f.writes, "nothing was written");
    }

    /** While the backends come from etcd, a change of the file would not be used: 409, nothing written. */
    @Test
    void backendMutationsAre409WhileTheBackendsComeFromEtcd() {
        AdminRoutes routes = f.routes(TOKEN);
        f.etcdStats().state(dev.rsp.core.etcd.EtcdStats.State.WATCHING, "http://127.0.0.1:2379");
        AdminResponse r = routes.handle(AdminFixture.call("POST", "/api/backends", "name=c&address=127.0.0.1:3", "Bearer " + TOKEN));
        assertEquals(409, r.status(), r.bodyText());
        assertTrue(r.bodyText().contains("the backends come from etcd"), r.bodyText());
        assertEquals(409, routes.handle(AdminFixture.call("DELETE", "/api/backends", "name=a", "Bearer " + TOKEN)).status());
        assertEquals(1, f.writes, "nothing was written");
    }

    @Test
    void aMissingOrWrongTokenIs401() {
        AdminRoutes routes = f.routes(TOKEN);
        AdminResponse missing = routes.handle(AdminFixture.call("POST", "/api/backends", "name=c&address=127.0.0.1:3", null));
        assertEquals(401, missing.status());
        assertEquals("Bearer", missing.headers().get("WWW-Authenticate"));
        assertEquals(401, routes.handle(AdminFixture.call("POST", "/api/backends", "name=c&address=127.0.0.1:3", "Bearer nope")).status());
        assertEquals(401, routes.handle(AdminFixture.call("PUT", "/api/chain", "chain=hash", "Bearer " + TOKEN + "0")).status());
        assertEquals(1, f.writes);
    }

    @Test
    void theRightTokenAppliesAndLogsEveryMutation() {
        AdminRoutes routes = f.routes(TOKEN);
        String log = capturingStderr(() -> {
            AdminResponse added = routes.handle(AdminFixture.call("POST", "/api/backends", "name=c&address=127.0.0.1:3&weight=5", "Bearer " + TOKEN));
            assertEquals(201, added.status(), added.bodyText());
            assertEquals(200, routes.handle(AdminFixture.call("POST", "/api/backends", "name=c&address=127.0.0.1:4", "Bearer " + TOKEN)).status());
            assertEquals(200, routes.handle(AdminFixture.call("DELETE", "/api/backends", "name=a", "Bearer " + TOKEN)).status());
            assertEquals(404, routes.handle(AdminFixture.call("DELETE", "/api/backends", "name=zz", "Bearer " + TOKEN)).status());
            assertEquals(200, routes.handle(AdminFixture.call("PUT", "/api/chain", "chain=hash,+reload", "Bearer " + TOKEN)).status());
        });
        assertEquals(Map.of("backend.b", "127.0.0.1:2;weight=2", "backend.c", "127.0.0.1:4"), f.configs.get("rsp.backends"));
        assertEquals(List.of("b", "c"), f.engine.views().backendStatus().stream().map(b -> b.backend().name()).toList());
        assertEquals("hash, reload", f.configs.get("rsp.core").get("routing.chain"));
        assertEquals(List.of("hash", "reload"), f.routing.current().chain());
        assertTrue(log.contains("admin API: 127.0.0.9 added backend c = 127.0.0.1:3;weight=5"), log);
        assertTrue(log.contains("admin API: 127.0.0.9 changed backend c = 127.0.0.1:4"), log);
        assertTrue(log.contains("admin API: 127.0.0.9 removed backend a"), log);
        assertTrue(log.contains("admin API: 127.0.0.9 set routing.chain = [hash, reload]"), log);
    }

    @Test
    void aChainNamingAStrategyThatIsNotInstalledIsRefusedUnlessForced() {
        AdminRoutes routes = f.routes(TOKEN);
        String auth = "Bearer " + TOKEN;
        AdminResponse typo = routes.handle(AdminFixture.call("PUT", "/api/chain", "chain=reload,hsah", auth));
        assertEquals(400, typo.status(), typo.bodyText());
        assertEquals(AdminResponse.TEXT, typo.contentType());
        assertEquals("no strategy 'hsah' is installed (installed: hash, reload); force=true sets the chain anyway",
                typo.bodyText().strip());
        assertEquals(400, routes.handle(AdminFixture.call("PUT", "/api/chain", "chain=hash&force=yes", auth)).status());
        assertEquals("reload, hash", f.configs.get("rsp.core").get("routing.chain"), "nothing was written");

        String log = capturingStderr(() -> assertEquals(200, routes.handle(
                AdminFixture.call("PUT", "/api/chain", "chain=reload,lua,hash&force=true", auth)).status()));
        assertEquals("reload, lua, hash", f.configs.get("rsp.core").get("routing.chain"));
        assertEquals(List.of("reload", "lua", "hash"), f.routing.current().chain());
        assertTrue(log.contains("admin API: 127.0.0.9 set routing.chain = [reload, lua, hash] (forced)"), log);
    }

    @Test
    void badInputsGetA400NamingTheProblem() {
        AdminRoutes routes = f.routes(TOKEN);
        String auth = "Bearer " + TOKEN;
        Map<String, String> cases = Map.of(
                "name=c", "missing parameter 'address'",
                "name=bad/name&address=127.0.0.1:3", "backend.bad/name",
                "name=c&address=127.0.0.1:99999", "port",
                "name=c&address=127.0.0.1:3&weight=0", "weight",
                "name=c&address=127.0.0.1:3&weight=x", "weight");
        cases.forEach((form, expected) -> {
            AdminResponse r = routes.handle(AdminFixture.call("POST", "/api/backends", form, auth));
            assertEquals(400, r.status(), form + ": " + r.bodyText());
            assertTrue(r.bodyText().contains(expected), form + ": " + r.bodyText());
        });
        assertEquals(400, routes.handle(AdminFixture.call("PUT", "/api/chain", "chain=a;rm+-rf", auth)).status());
        assertEquals(400, routes.handle(AdminFixture.call("PUT", "/api/chain", "chain=a,a", auth)).status());
        assertEquals(400, routes.handle(AdminFixture.get("/api/timeseries", "metric=bogus")).status());
        assertEquals(400, routes.handle(AdminFixture.get("/api/timeseries", "metric=requests_per_second&format=xml")).status());
        assertEquals(404, routes.handle(AdminFixture.get("/api/timeseries", "metric=requests_per_second&backend=nope")).status());
        assertEquals(400, routes.handle(AdminFixture.get("/api/route", "url=http://")).status());
        assertEquals(400, routes.handle(AdminFixture.call("POST", "/api/whatif", "action=explode&name=a", null)).status());
        assertEquals(1, f.writes);
    }

    @Test
    void unknownPathsAndMethods() {
        AdminRoutes routes = f.routes("");
        assertEquals(404, routes.handle(AdminFixture.get("/nope", "")).status());
        AdminResponse r = routes.handle(AdminFixture.call("POST", "/metrics", "", null));
        assertEquals(405, r.status());
        assertEquals("GET", r.headers().get("Allow"));
        assertEquals(405, routes.handle(AdminFixture.call("PATCH", "/api/backends", "", null)).status());
    }

    @Test
    void backendsSayHowRspSpeaksToThem() {
        Map<String, Object> b = new java.util.LinkedHashMap<>();
        b.put("backend.a", "127.0.0.1:1");
        b.put("backend.c", "127.0.0.1:3;proto=h2;tls=insecure");
        b.put("backend.d", "127.0.0.1:4;tls;send-proxy=v2");
        f.backends(b);
        String json = f.routes("").handle(AdminFixture.get("/api/backends", "")).bodyText();
        assertTrue(BackendSlotsViewTest.backend(json, "a").contains(",\"protocol\":\"http/1.1\",\"tls\":\"none\",\"send_proxy\":\"off\",\"in_flight\":"), json);
        assertTrue(BackendSlotsViewTest.backend(json, "c").contains(",\"protocol\":\"h2\",\"tls\":\"insecure\",\"send_proxy\":\"off\",\"in_flight\":"), json);
        assertTrue(BackendSlotsViewTest.backend(json, "d").contains(",\"protocol\":\"http/1.1\",\"tls\":\"verified\",\"send_proxy\":\"v2\",\"in_flight\":"), json);
    }

    @Test
    void readEndpointsAnswerJson() {
        AdminRoutes routes = f.routes("");
        AdminResponse stats = routes.handle(AdminFixture.get("/api/stats", ""));
        assertEquals(200, stats.status());
        assertEquals(AdminResponse.JSON, stats.contentType());
        String s = stats.bodyText();
        assertTrue(s.contains("\"backends\":[{\"name\":\"a\",\"address\":\"127.0.0.1:1\",\"weight\":1,\"state\":\"up\",\"requests\":0"), s);
        assertTrue(s.contains("\"chain\":[\"reload\",\"hash\"]"), s);
        assertTrue(s.contains("\"limits\":{\"connections\":0,\"connections_limit\":20000,\"accept_paused\":false,\"buffer_bytes\":"), s);
        String route = routes.handle(AdminFixture.get("/api/route", "url=http%3A%2F%2Fadmin.example.com%2Fu%2Ffred.example.com%2Freload")).bodyText();
        assertTrue(route.contains("\"key\":\"admin.example.com\""), route);
        assertTrue(route.contains("\"strategy\":\"hash\""), route);
        String whatif = routes.handle(AdminFixture.call("POST", "/api/whatif", "action=remove&name=b", null)).bodyText();
        assertTrue(whatif.contains("\"synthetic\":{\"hosts\":10000,"), whatif);
        assertEquals(2, f.engine.views().backendStatus().size(), "what-if applies nothing");
        assertTrue(routes.handle(AdminFixture.get("/", "")).contentType().startsWith("text/html"));
    }

    @Test
    void timeSeriesAsRecordsOrCsv() {
        double[] v = new double[TimeSeries.Metric.values().length];
        v[TimeSeries.Metric.REQUESTS_PER_SECOND.ordinal()] = 12.5;
        v[TimeSeries.Metric.LATENCY_P99_MS.ordinal()] = Double.NaN;
        f.series.append(1_700_000_000L, Map.of(TimeSeries.OVERALL, v, "a", v));
        f.series.append(1_700_000_001L, Map.of(TimeSeries.OVERALL, v, "a", v));
        AdminRoutes routes = f.routes("");
        AdminResponse json = routes.handle(AdminFixture.get("/api/timeseries", "metric=requests_per_second&backend=a"));
        assertEquals("[{\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":12.5},{\"timestamp\":\"2023-11-14T22:13:21Z\",\"value\":12.5}]",
                json.bodyText());
        AdminResponse csv = routes.handle(AdminFixture.get("/api/timeseries", "metric=requests_per_second&format=csv"));
        assertEquals("timestamp,value\n2023-11-14T22:13:20Z,12.5\n2023-11-14T22:13:21Z,12.5\n", csv.bodyText());
        assertTrue(csv.contentType().startsWith("text/csv"));
        assertEquals("[]", routes.handle(AdminFixture.get("/api/timeseries", "metric=latency_p99_ms")).bodyText(),
                "seconds without requests have no latency");
    }

    static String capturingStderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
