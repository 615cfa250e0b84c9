package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.backend.ActiveChecks;
import dev.rsp.spi.routing.Backend;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active check through a running engine, with real sockets: a backend whose {@code /healthz} answers 503 gets no
 * traffic while the other serves, and comes back after {@code health.check.rise} passed checks; TCP checks, timeouts
 * and TLS backends.
 */
class HealthCheckTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private ProxyHarness proxy;
    private ActiveChecks checks;
    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (checks != null) {
            checks.close();
        }
        timer.shutdownNow();
        for (AutoCloseable c : open) {
            c.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A backend that answers {@code /healthz} with the status in {@code health}, anything else 200 with its name. */
    private StubBackend backend(String name, AtomicInteger health, List<Integer> answered) throws IOException {
        StubBackend b = new StubBackend(name, (r, in, out) -> {
            if (r.target().equals("/healthz")) {
                int status = health.get();
                answered.add(status);
                StubBackend.respond(out, status, "health " + status);
                return false;
            }
            StubBackend.respond(out, 200, name);
            return true;
        });
        open.add(b);
        return b;
    }

    private void start(Map<String, String> keys) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("health.check.interval.ms", "20", "health.check.timeout.ms", "1000"));
        all.putAll(keys);
        proxy = new ProxyHarness(all).withStrategy();
        checks = new ActiveChecks(proxy.engine.health(), timer, proxy.engine.checkTls());
    }

    /** Publishes the harness's backends to the check too. */
    private void checkPublished() {
        checks.update(proxy.engine.directory());
    }

    private EngineReports.BackendStatus status(String name) {
        return proxy.engine.views().backendStatus().stream().filter(b -> b.backend().name().equals(name)).findFirst().orElseThrow();
    }

    private String answerTo(String backends) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /page HTTP/1.1\r\nHost: x.example\r\nX-Backend: " + backends + "\r\n\r\n");
            return c.read(false).text();
        }
    }

    @Test
    void aBackendWhoseCheckAnswers503GetsNoTrafficUntilItPassesRiseChecks() throws Exception {
        start(Map.of("health.check.path", "/healthz", "health.check.rise", "2", "health.check.fall", "2"));
        AtomicInteger aHealth = new AtomicInteger(503);
        List<Integer> aAnswered = new CopyOnWriteArrayList<>();
        StubBackend a = backend("a", aHealth, aAnswered);
        StubBackend b = backend("b", new AtomicInteger(200), new CopyOnWriteArrayList<>());
        proxy.backend("a", a.port()).backend("b", b.port());
        checkPublished();
        assertTrue(ProxyHarness.await(() -> !status("a").up(), 10_000), "a taken out");
        assertEquals("down", status("a").state());
        assertEquals("health check GET /healthz answered 503", status("a").reason());
        assertEquals("up", status("b").state());
        for (int i = 0; i < 5; i++) {
            assertEquals("b", answerTo("a, b"), "a is out: b serves");
        }
        assertTrue(a.requests().stream().allMatch(r -> r.target().equals("/healthz")), "a got checks only");
        StubBackend.Request check = a.requests().get(0);
        assertEquals("GET", check.method());
        assertEquals("HTTP/1.1", check.version());
        assertEquals("127.0.0.1:" + a.port(), check.header("host"));
        assertEquals("close", check.header("connection"));

        aHealth.set(200);
        assertTrue(ProxyHarness.await(() -> status("a").up(), 10_000), "a back");
        assertTrue(aAnswered.stream().filter(s -> s == 200).count() >= 2, "back after rise = 2 passed checks: " + aAnswered);
        assertEquals("a", answerTo("a, b"));
        assertEquals(1L, proxy.engine.views().events().get("health.check.down"));
        assertEquals(1L, proxy.engine.views().events().get("health.check.back"));
        assertTrue(proxy.engine.views().events().get("health.check.failed") >= 1);
    }

    @Test
    void turningTheCheckOnWhileRspRunsStartsIt() throws Exception {
        start(Map.of("health.check.interval.ms", "0"));
        StubBackend a = backend("a", new AtomicInteger(503), new CopyOnWriteArrayList<>());
        proxy.backend("a", a.port());
        checkPublished();
        assertTrue(a.requests().isEmpty() && a.connections.get() == 0, "off: nothing checked");
        Map<String, Object> on = new HashMap<>(Map.of("http.listen", "127.0.0.1:" + proxy.port(), "loops", "2",
                "routing.chain", ProxyHarness.STRATEGY, "health.check.interval.ms", "20", "health.check.path", "/healthz"));
        proxy.engine.settings(((ProxySettings.Valid) ProxySettings.from(dev.rsp.core.CoreConfigs.with(on))).settings());
        checks.settingsChanged();
        assertTrue(ProxyHarness.await(() -> !status("a").up(), 10_000), "the new settings check a");
        assertEquals("health check GET /healthz answered 503", status("a").reason());
    }

    @Test
    void theConfiguredMethodHostAndStatusesAreUsed() throws Exception {
        start(Map.of("health.check.path", "/healthz", "health.check.method", "HEAD", "health.check.host",
                "status.example", "health.check.status", "204"));
        StubBackend a = backend("a", new AtomicInteger(200), new CopyOnWriteArrayList<>());
        proxy.backend("a", a.port());
        checkPublished();
        assertTrue(ProxyHarness.await(() -> !status("a").up(), 10_000), "200 is not 204");
        assertEquals("health check HEAD /healthz answered 200", status("a").reason());
        assertEquals("HEAD", a.requests().get(0).method());
        assertEquals("status.example", a.requests().get(0).header("host"));
    }

    @Test
    void withoutAPathTheCheckConnectsOnly() throws Exception {
        start(Map.of());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        StubBackend a = backend("a", new AtomicInteger(500), new CopyOnWriteArrayList<>());
        proxy.backend("a", a.port()).backend("gone", closed);
        checkPublished();
        assertTrue(ProxyHarness.await(() -> !status("gone").up(), 10_000));
        assertEquals("health check (TCP): connection refused", status("gone").reason());
        assertTrue(ProxyHarness.await(() -> a.connections.get() >= 3, 10_000));
        assertEquals("up", status("a").state(), "a connect passes whatever the backend would answer");
        assertEquals(List.of(), a.requests(), "nothing is sent");
    }

    @Test
    void aCheckThatGetsNoAnswerTimesOut() throws Exception {
        start(Map.of("health.check.path", "/healthz", "health.check.timeout.ms", "300"));
        StubBackend silent = new StubBackend("silent", (r, in, out) -> {
            in.read();
            return false;
        });
        open.add(silent);
        proxy.backend("silent", silent.port());
        checkPublished();
        assertTrue(ProxyHarness.await(() -> !status("silent").up(), 10_000));
        assertEquals("health check GET /healthz timed out after 300 ms", status("silent").reason());
    }

    @Test
    void tlsBackendsAreCheckedOverTlsWithTheTrustOfTraffic() throws Exception {
        TestPki.Identity localhost = TestPki.selfSigned("localhost");
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, localhost.certificatePem(), StandardCharsets.US_ASCII);
        start(Map.of("health.check.path", "/healthz", "backend.tls.ca", ca.toString()));
        TlsBackend trusted = new TlsBackend(localhost.serverContext(), "trusted", (r, in, out) -> {
            StubBackend.respond(out, r.target().equals("/healthz") ? 503 : 200, "trusted");
            return false;
        });
        TlsBackend stranger = new TlsBackend(TestPki.selfSigned("localhost").serverContext(), "stranger");
        open.add(trusted);
        open.add(stranger);
        proxy.backend(new Backend("trusted", "localhost", trusted.port(), 1, Backend.Protocol.HTTP1, Backend.Tls.VERIFIED));
        proxy.backend(new Backend("stranger", "localhost", stranger.port(), 1, Backend.Protocol.HTTP1, Backend.Tls.VERIFIED));
        checkPublished();
        assertTrue(ProxyHarness.await(() -> !status("trusted").up() && !status("stranger").up(), 10_000));
        assertEquals("health check GET /healthz answered 503", status("trusted").reason());
        assertTrue(status("stranger").reason().startsWith("health check GET /healthz: TLS handshake failed"),
                status("stranger").reason());
        assertEquals("localhost", trusted.serverNames.get(0), "the backend's host name is the SNI");
    }
}
