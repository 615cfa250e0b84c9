package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The redirect of plain HTTP to HTTPS ({@code redirect.https}) with real sockets: the hosts it names get 301 (or 308)
 * with the path and query kept and the configured public port, before any backend sees the request; other hosts and
 * ACME HTTP-01 challenges are routed as usual; HTTP/2 (h2c) clients get the same answer.
 */
class HttpsRedirectTest extends StubProxyFixture {

    void startOk(Map<String, ?> core) throws Exception {
        start((r, in, out) -> {
            StubBackend.respond(out, 200, "ok " + r.target());
            return true;
        }, core);
    }

    @Test
    void aNamedHostGets301ToHttpsWithPathAndQueryAndTheBackendSeesNothing() throws Exception {
        startOk(Map.of("redirect.https", "*.example.com, example.org"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("Shop.Example.com:8080", "/a/b?x=1&y=%20");
            assertEquals(301, r.status());
            assertEquals("https://shop.example.com/a/b?x=1&y=%20", r.header("location"));
            assertEquals("close", r.header("connection"));
            assertEquals("rsp: moved to https://shop.example.com/a/b?x=1&y=%20\n", r.text());
        }
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("https://example.org/", c.get("example.org", "/").header("location"));
        }
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("example.com", "/p");
            assertEquals(200, r.status(), "*.example.com names the subdomains, not example.com itself");
            assertEquals("ok /p", r.text());
        }
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("shop.example.com", "/.well-known/acme-challenge/tok3n");
            assertEquals(200, r.status(), "an ACME HTTP-01 challenge is never redirected");
            assertEquals("ok /.well-known/acme-challenge/tok3n", r.text());
        }
        assertEquals(2, a.requests().size(), "only the requests that were not redirected reached the backend");
        assertEquals(2, proxy.engine.counters().get(Counter.REDIRECT_HTTPS));
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.stream().anyMatch(l -> l.contains(" 301 ") && l.contains(" redirect ")),
                5000), "the redirect has its access log line, strategy redirect: " + proxy.accessLines);
    }

    @Test
    void everyHostWith308AndAPublicPortForATlsListenerBehindAPortMapping() throws Exception {
        startOk(Map.of("redirect.https", "*", "redirect.https.status", "308", "redirect.https.port", "8443"));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /form?id=7 HTTP/1.1\r\nHost: any.example.net\r\nContent-Length: 3\r\n\r\nabc");
            TestClient.Response r = c.read(false);
            assertEquals(308, r.status(), "308: the client sends the POST and its body again");
            assertEquals("https://any.example.net:8443/form?id=7", r.header("location"));
        }
        assertEquals(0, a.requests().size());
    }

    @Test
    void anH2cClientIsRedirectedToo() throws Exception {
        startOk(Map.of("redirect.https", "*"));
        String out = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-o", "/dev/null", "-w",
                "%{http_version} %{response_code} %{redirect_url}", "-H", "Host: h2.example.com", url("/x?y=1"));
        assertEquals("2 301 https://h2.example.com/x?y=1", out);
    }

    /** One request with {@code extra} fields; the status and, when it was proxied, what the backend heard. */
    private String ask(String extra) throws Exception {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /x HTTP/1.1\r\nHost: shop.example.com\r\n" + extra + "\r\n");
            TestClient.Response r = c.read(false);
            return r.status() + (r.status() == 200 ? " " + r.text() : " " + r.header("location"));
        }
    }

    @Test
    void behindATrustedBalancerThatTerminatedTlsItsHttpsRequestsAreServedNotRedirectedInALoop() throws Exception {
        start((r, in, out) -> {
            StubBackend.respond(out, 200, "proto=" + r.header("x-forwarded-proto") + " fwd=" + r.header("forwarded"));
            return true;
        }, Map.of("redirect.https", "*", "forwarded.trusted", "127.0.0.1/32", "forwarded.header", "both"));
        assertEquals("200 proto=https fwd=proto=https;for=192.0.2.7, for=127.0.0.1;proto=https;host=\"shop.example.com\"",
                ask("X-Forwarded-Proto: https\r\nForwarded: proto=https;for=192.0.2.7\r\n"),
                "the balancer's https is believed and passed on, in both lists");
        assertEquals("200 proto=https fwd=null", askX("X-Forwarded-Proto: HTTPS, http\r\n"), "its first value is the client's");
        assertEquals("301 https://shop.example.com/x", ask("X-Forwarded-Proto: http\r\n"), "a plain request it took is redirected");
        assertEquals("301 https://shop.example.com/x", ask(""), "no claim: rsp's own connection is plain");
    }

    /** {@link #ask} without a Forwarded field, for a configuration that reads X-Forwarded-Proto when Forwarded is absent. */
    private String askX(String extra) throws Exception {
        String answer = ask(extra);
        return answer.replaceAll(" fwd=.*", " fwd=null");
    }

    @Test
    void anUntrustedPeerClaimingHttpsIsRedirectedAndItsClaimIsReplaced() throws Exception {
        start((r, in, out) -> {
            StubBackend.respond(out, 200, "proto=" + r.header("x-forwarded-proto"));
            return true;
        }, Map.of("redirect.https", "other.example.com", "forwarded.trusted", "10.0.0.0/8"));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /x HTTP/1.1\r\nHost: other.example.com\r\nX-Forwarded-Proto: https\r\n\r\n");
            assertEquals(301, c.read(false).status());
        }
        assertEquals("200 proto=http", ask("X-Forwarded-Proto: https\r\n"), "the backend hears rsp's own view");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        ProxySettings.Parsed p = ProxySettings.from(CoreConfigs.with(Map.of("redirect.https.status", "302",
                "redirect.https", "a..example.com", "redirect.https.port", "0")));
        assertTrue(p instanceof ProxySettings.Invalid, p.toString());
        String errors = ((ProxySettings.Invalid) p).errors().toString();
        assertTrue(errors.contains("redirect.https.status must be 301 (browsers may turn a POST into a GET) or 308"), errors);
        assertTrue(errors.contains("redirect.https = 'a..example.com': 'a..example.com' is not a host name, *.name or *"), errors);
        assertTrue(errors.contains("redirect.https.port must be 1 to 65535, not 0"), errors);
    }
}
