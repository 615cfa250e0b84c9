package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sockets: what a client sees of rsp's own answers and what rsp adds to requests. A 5xx never names a backend
 * or an address (the detail goes to the log and the access log); the operator's pages replace rsp's text; Via is
 * added only when asked for.
 */
class OwnRepliesTest {

    @TempDir
    Path tmp;
    StubBackend stub;
    ProxyHarness proxy;

    @AfterEach
    void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    /** A backend named {@code secret-app} on a port nothing listens on. */
    private int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void startWithDeadBackend(Map<String, String> core) throws IOException {
        proxy = new ProxyHarness(core).withStrategy().backend("secret-app", deadPort());
    }

    @Test
    void a502NamesNoBackendAndTheAccessLogSaysWhy() throws IOException {
        startWithDeadBackend(Map.of("errors.dir", tmp.resolve("none").toString(), "access.log.format", "json"));
        int port = proxy.engine.directory().backends().all().get(0).port();
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("x.example", "/");
            assertEquals(502, r.status());
            assertEquals("rsp: Bad Gateway\n", r.text());
            assertFalse(r.text().contains("secret-app") || r.text().contains(Integer.toString(port)), r.text());
        }
        assertTrue(ProxyHarness.await(() -> !proxy.accessLines.isEmpty(), 5000));
        String line = proxy.accessLines.get(0);
        assertTrue(line.contains("\"status\":502") && line.contains("\"backend\":\"secret-app\"")
                && line.contains("\"error\":\"no backend reachable for x.example (tried secret-app)\""), line);
    }

    @Test
    void theOperatorsPageIsServedAsItIsAndReloadedWhenItChanges() throws Exception {
        Path errors = Files.createDirectories(tmp.resolve("errors"));
        Files.writeString(errors.resolve("502.html"), "<h1>We are on it</h1>\n");
        startWithDeadBackend(Map.of("errors.dir", errors.toString()));
        assertTrue(ProxyHarness.await(() -> proxy.engine.errorPages().size() == 1, 5000), "the page is loaded");
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("x.example", "/");
            assertEquals(502, r.status());
            assertEquals("text/html; charset=utf-8", r.header("content-type"));
            assertEquals("<h1>We are on it</h1>\n", r.text());
        }
        Files.writeString(errors.resolve("502.html"), "<h1>Back soon, with a longer page</h1>\n");
        assertTrue(ProxyHarness.await(() -> {
            try (TestClient c = new TestClient(proxy.address())) {
                return c.get("x.example", "/").text().contains("longer page");
            } catch (IOException e) {
                return false;
            }
        }, 10_000), "the changed page is served");
    }

    @Test
    void aPageOverTheLimitIsNotServed() throws Exception {
        Path errors = Files.createDirectories(tmp.resolve("errors"));
        Files.writeString(errors.resolve("502.html"), "x".repeat(2000));
        startWithDeadBackend(Map.of("errors.dir", errors.toString(), "errors.max.bytes", "1000"));
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("rsp: Bad Gateway\n", c.get("x.example", "/").text());
        }
    }

    @Test
    void viaIsAddedOnlyWhenConfigured() throws IOException {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "via=" + r.header("via"));
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", stub.port());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("via=null", c.get("x.example", "/").text(), "off by default, like HAProxy and nginx");
        }
        proxy.close();
        proxy = new ProxyHarness(Map.of("forwarded.via", "true")).withStrategy().backend("a", stub.port());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("via=1.1 rsp", c.get("x.example", "/").text());
        }
    }

    @Test
    void aTunnelIsLoggedWhenItEndsWithItsBytesBothWays() throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] got = in.readNBytes(5);
            out.write(got);
            out.write("!!".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        });
        proxy = new ProxyHarness(Map.of("access.log.format", "json")).withStrategy().backend("a", stub.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /ws HTTP/1.1\r\nHost: x.example\r\nUser-Agent: test-agent/1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            assertEquals(101, c.read(false).status());
            assertTrue(proxy.accessLines.isEmpty(), "no line while the tunnel runs: " + proxy.accessLines);
            c.send("hello");
            assertEquals("hello!!", new String(c.in.readNBytes(7), StandardCharsets.ISO_8859_1));
            assertTrue(c.closedByPeer());
        }
        assertTrue(ProxyHarness.await(() -> !proxy.accessLines.isEmpty(), 5000));
        String line = proxy.accessLines.get(0);
        assertTrue(line.contains("\"status\":101") && line.contains("\"tunnel\":true") && line.contains("\"request_bytes\":5")
                && line.contains("\"response_bytes\":7") && line.contains("\"user_agent\":\"test-agent/1\""), line);
        assertEquals(1, proxy.accessLines.size());
    }
}
