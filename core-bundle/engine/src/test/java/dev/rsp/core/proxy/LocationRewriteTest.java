package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code rewrite.location} with real sockets: Location, Content-Location and Refresh values that name the backend's
 * own address (its configured host:port, localhost, 127.0.0.1) come to the client with the scheme and host it used;
 * relative references, other hosts and other ports pass untouched; {@code rewrite.location = false} passes all; an
 * HTTP/2 client gets the same rewritten value.
 */
class LocationRewriteTest extends StubProxyFixture {

    /** Backend "a" answers 302 with the Location (and other fields) the request's {@code ?} part asks for. */
    void startRedirecting(Map<String, ?> core) throws Exception {
        start((r, in, out) -> {
            int port = r.socket().getLocalPort();
            switch (r.target()) {
                case "/own" -> StubBackend.respond(out, 302, "", "Location: http://127.0.0.1:" + port + "/next?q=1#top",
                        "Content-Location: http://LOCALHOST:" + port + "/c", "Refresh: 3; url=http://127.0.0.1:" + port + "/r");
                case "/others" -> StubBackend.respond(out, 302, "", "Location: http://other.example:" + port + "/x",
                        "Content-Location: /relative", "Refresh: 5");
                case "/port" -> StubBackend.respond(out, 302, "", "Location: http://127.0.0.1:" + (port + 1) + "/x");
                default -> StubBackend.respond(out, 302, "", "Location: https://127.0.0.1/x");
            }
            return true;
        }, core);
    }

    @Test
    void urlsNamingTheBackendGetTheClientsSchemeAndHost() throws Exception {
        startRedirecting(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("App.Example.com:8080", "/own");
            assertEquals(302, r.status());
            assertEquals("http://App.Example.com:8080/next?q=1#top", r.header("location"));
            assertEquals("http://App.Example.com:8080/c", r.header("content-location"));
            assertEquals("3; url=http://App.Example.com:8080/r", r.header("refresh"));
        }
        assertEquals(3, proxy.engine.counters().get(Counter.RESPONSE_LOCATION_REWRITTEN));
    }

    @Test
    void otherHostsOtherPortsAndRelativeReferencesPassUntouched() throws Exception {
        startRedirecting(Map.of());
        int port = a.port();
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("app.example.com", "/others");
            assertEquals("http://other.example:" + port + "/x", r.header("location"));
            assertEquals("/relative", r.header("content-location"));
            assertEquals("5", r.header("refresh"));
            assertEquals("http://127.0.0.1:" + (port + 1) + "/x", c.get("app.example.com", "/port").header("location"));
            assertEquals("https://127.0.0.1/x", c.get("app.example.com", "/default").header("location"),
                    "https without a port is port 443, not the backend's");
        }
        assertEquals(0, proxy.engine.counters().get(Counter.RESPONSE_LOCATION_REWRITTEN));
    }

    @Test
    void offPassesEverything() throws Exception {
        startRedirecting(Map.of("rewrite.location", "false"));
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("http://127.0.0.1:" + a.port() + "/next?q=1#top", c.get("app.example.com", "/own").header("location"));
        }
    }

    @Test
    void anH2cClientGetsTheRewrittenValue() throws Exception {
        startRedirecting(Map.of());
        String out = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-D", "-", "-o", "/dev/null",
                "-H", "Host: h2.example.com", url("/own"));
        assertTrue(out.startsWith("HTTP/2 302"), out);
        assertTrue(out.contains("\r\nlocation: http://h2.example.com/next?q=1#top\r\n"), out);
        assertTrue(out.contains("\r\ncontent-location: http://h2.example.com/c\r\n"), out);
    }
}
