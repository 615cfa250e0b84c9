package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: an Upgrade becomes a tunnel only where rsp chooses (HTTP/1.1, a protocol in {@code upgrade.protocols});
 * everything else is forwarded as plain HTTP/1.1 without the offer, and a 101 the client did not get to ask for is a
 * 502 instead of a tunnel past routing (h2c smuggling).
 */
class UpgradeTest {

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

    /** A backend that switches to whatever the request offers (as h2c-capable servers do), else echoes the fields. */
    private void start(Map<String, String> core) throws IOException {
        stub = new StubBackend("a", (r, in, out) -> {
            String offer = r.header("upgrade");
            if (r.target().startsWith("/switch-anyway") || offer != null) {
                String to = offer != null ? offer.split(",")[0].trim() : "h2c";
                out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + to + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                byte[] echo = new byte[4];
                int n = in.readNBytes(echo, 0, 4);
                out.write(echo, 0, n);
                out.flush();
                return false;
            }
            StubBackend.respond(out, 200, r.target() + " upgrade=" + offer + " http2-settings=" + r.header("http2-settings")
                    + " connection=" + r.header("connection"));
            return true;
        });
        Map<String, String> props = new HashMap<>(core);
        proxy = new ProxyHarness(props).withStrategy().backend("a", stub.port());
    }

    @Test
    void h2cIsRemovedAndTheConnectionStaysRoutedHttp11() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /one HTTP/1.1\r\nHost: x.example\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals("/one upgrade=null http2-settings=null connection=null", r.text());
            TestClient.Response next = c.get("x.example", "/two");
            assertEquals("/two upgrade=null http2-settings=null connection=null", next.text(), "still HTTP/1.1 through rsp");
        }
        assertEquals(2, stub.requests().size(), "every request on the connection went through routing");
        assertEquals(1, proxy.engine.counters().get("request.upgrade_removed"));
    }

    @Test
    void http2SettingsIsNeverForwardedEvenWithoutConnectionNamingIt() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /s HTTP/1.1\r\nHost: x.example\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            assertEquals("/s upgrade=null http2-settings=null connection=null", c.read(false).text());
        }
    }

    @Test
    void anUpgradeInHttp10IsIgnored() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /old HTTP/1.0\r\nHost: x.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertTrue(r.text().startsWith("/old upgrade=null"), r.text());
        }
    }

    @Test
    void onlyTheAllowedOffersAreForwarded() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /ws HTTP/1.1\r\nHost: x.example\r\nConnection: Upgrade\r\nUpgrade: h2c, websocket\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(101, r.status());
            assertEquals("websocket", r.header("upgrade"));
            c.send("ping");
            assertEquals("ping", new String(c.in.readNBytes(4), StandardCharsets.ISO_8859_1));
        }
        assertEquals("websocket", stub.requests().get(0).header("upgrade"));
    }

    @Test
    void aSwitchTheClientDidNotAskForIsA502() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /switch-anyway HTTP/1.1\r\nHost: x.example\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(502, r.status());
            assertTrue(c.closedByPeer());
        }
        assertEquals(1, proxy.engine.counters().get("backend.unasked_upgrade"));
        assertEquals(0, proxy.engine.counters().get("exchange.upgraded"), "no tunnel was opened");
    }

    @Test
    void aSwitchToAnotherProtocolThanOfferedIsA502() throws IOException {
        stub = new StubBackend("a", (r, in, out) -> {
            out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", stub.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /ws HTTP/1.1\r\nHost: x.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            assertEquals(502, c.read(false).status());
        }
        assertEquals(1, proxy.engine.counters().get("backend.unasked_upgrade"));
    }

    @Test
    void upgradeProtocolsIsConfigurable() throws IOException {
        start(Map.of("upgrade.protocols", "websocket, tls/1.2"));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /tls HTTP/1.1\r\nHost: x.example\r\nConnection: Upgrade\r\nUpgrade: TLS/1.2\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(101, r.status());
            assertEquals("TLS/1.2", r.header("upgrade"));
        }
        proxy.close();
        stub.close();
        start(Map.of("upgrade.protocols", ""));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /none HTTP/1.1\r\nHost: x.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertNull(r.header("upgrade"));
        }
    }

    @Test
    void anInvalidProtocolListIsRefused() {
        ProxySettings.Parsed p = ProxySettings.from(CoreConfigs.with(Map.of("upgrade.protocols", "websocket, h2c;q=1")));
        ProxySettings.Invalid invalid = assertInstanceOf(ProxySettings.Invalid.class, p);
        assertTrue(invalid.errors().get(0).startsWith("upgrade.protocols"), invalid.errors().toString());
    }
}
