package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.edge.HeaderRules;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Header rules ({@code rsp.headers}) with real sockets: request fields set, added and removed before the backend sees
 * them, response fields before the client does, per host pattern and per backend, later rules winning, HTTP/1.1 and
 * HTTP/2 clients alike; and the configurations refused with a message.
 */
class HeaderRulesTest extends StubProxyFixture {

    static final Map<String, String> RULES = Map.of(
            "rule.all.hosts", "*",
            "rule.all.response.set.X-Frame-Options", "DENY",
            "rule.all.response.remove", "Server, X-Powered-By",
            "rule.api.hosts", "api.example.com, *.api.example.com",
            "rule.api.request.set.X-Env", "prod",
            "rule.api.request.remove", "Cookie",
            "rule.api.request.add.X-Added", "one",
            "rule.api.response.add.Cache-Control", "no-store",
            "rule.zz.hosts", "late.example.com",
            "rule.zz.response.set.X-Frame-Options", "SAMEORIGIN");

    void startEchoing(Map<String, String> rules) throws Exception {
        start((r, in, out) -> {
            StubBackend.respond(out, 200, "env=" + r.headers().get("x-env") + " cookie=" + r.header("cookie") + " added="
                    + r.headers().get("x-added") + " ua=" + r.header("user-agent"),
                    "Server: stub/1.0", "X-Powered-By: PHP", "X-Frame-Options: ALLOWALL", "Cache-Control: max-age=60");
            return true;
        }, Map.of());
        proxy.engine.headerRules(valid(rules));
    }

    static HeaderRules valid(Map<String, String> rules) {
        HeaderRules.Parsed p = HeaderRules.read(rules);
        assertTrue(p instanceof HeaderRules.Valid, p.toString());
        return ((HeaderRules.Valid) p).rules();
    }

    @Test
    void requestAndResponseFieldsChangePerHostPattern() throws Exception {
        startEchoing(RULES);
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET /x HTTP/1.1\r\nHost: v1.api.example.com\r\nX-Env: dev\r\nX-Env: test\r\nCookie: s=1\r\n"
                    + "User-Agent: t\r\n\r\n");
            TestClient.Response r = c.read(false);
            assertEquals("env=[prod] cookie=null added=[one] ua=t", r.text());
            assertEquals("DENY", r.header("x-frame-options"));
            assertNull(r.header("server"));
            assertNull(r.header("x-powered-by"));
            assertEquals("max-age=60, no-store", r.header("cache-control"), "add keeps the backend's field");

            TestClient.Response other = c.get("www.example.com", "/");
            assertEquals("env=null cookie=null added=null ua=null", other.text(), "rule api is not for this host");
            assertEquals("DENY", other.header("x-frame-options"));
            assertEquals("max-age=60", other.header("cache-control"));

            assertEquals("SAMEORIGIN", c.get("late.example.com", "/").header("x-frame-options"),
                    "rule zz comes after rule all: its set wins");
        }
        assertEquals(1, proxy.engine.counters().get(Counter.HEADERS_REQUEST_EDITED));
        assertEquals(3, proxy.engine.counters().get(Counter.HEADERS_RESPONSE_EDITED));
    }

    @Test
    void aRuleForOtherBackendsDoesNotApply() throws Exception {
        startEchoing(Map.of("rule.b.hosts", "*", "rule.b.backends", "b, c", "rule.b.response.set.X-Frame-Options", "DENY",
                "rule.a.hosts", "*", "rule.a.backends", "a", "rule.a.request.set.X-Env", "a-only"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("x.example.com", "/");
            assertEquals("ALLOWALL", r.header("x-frame-options"));
            assertTrue(r.text().startsWith("env=[a-only] "), r.text());
        }
    }

    @Test
    void anH2cClientSeesTheSameFields() throws Exception {
        startEchoing(RULES);
        String out = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-D", "-", "-H",
                "Host: api.example.com", "-H", "X-Env: dev", url("/h2"));
        assertTrue(out.startsWith("HTTP/2 200"), out);
        assertTrue(out.contains("\r\nx-frame-options: DENY\r\n"), out);
        assertTrue(out.contains("\r\ncache-control: no-store\r\n"), out);
        assertTrue(!out.contains("server:") && !out.contains("x-powered-by"), out);
        assertTrue(out.endsWith("env=[prod] cookie=null added=[one] ua=curl/" + out.replaceAll("(?s).*ua=curl/", "")), out);
    }

    @Test
    void framingHopByHopAndRspsOwnFieldsAreRefusedWithAMessage() {
        HeaderRules.Parsed p = HeaderRules.read(Map.of(
                "rule.a.hosts", "*",
                "rule.a.response.set.Content-Length", "5",
                "rule.a.response.remove", "Transfer-Encoding",
                "rule.a.request.set.Host", "x.example",
                "rule.a.request.add.X-Forwarded-For", "1.2.3.4",
                "rule.a.respons.set.X", "y",
                "rule.a.response.set.X-Bad", "a\u0001b",
                "rule.nohosts.response.set.X", "y",
                "rule.a.response.set.Bad Name", "y"));
        assertTrue(p instanceof HeaderRules.Invalid, p.toString());
        List<String> errors = ((HeaderRules.Invalid) p).errors();
        String all = String.join("\n", errors);
        assertTrue(all.contains("rsp.headers: rule.a.response.set.Content-Length: Content-Length frames the message or belongs"
                + " to one connection; rsp writes it and no rule may change it"), all);
        assertTrue(all.contains("rule.a.response.remove: Transfer-Encoding frames the message"), all);
        assertTrue(all.contains("rule.a.request.set.Host: rsp writes Host into every forwarded request itself"), all);
        assertTrue(all.contains("rule.a.request.add.X-Forwarded-For: rsp writes X-Forwarded-For"), all);
        assertTrue(all.contains("unknown key 'rule.a.respons.set.X' (did you mean 'rule.a.response.set.<Field>'?)"), all);
        assertTrue(all.contains("rule.a.response.set.X-Bad = 'a\u0001b': a field value is text without control characters"), all);
        assertTrue(all.contains("rule.nohosts has no rule.nohosts.hosts (write hosts = * for every host)"), all);
        assertTrue(all.contains("'Bad Name' is not a field name"), all);
        assertEquals(8, errors.size(), all);
    }

    @Test
    void moreThan64RulesAreRefused() {
        Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("rule.r" + i + ".hosts", "h" + i + ".example.com");
            many.put("rule.r" + i + ".response.set.X-R", "v" + i);
        }
        HeaderRules.Parsed p = HeaderRules.read(many);
        assertTrue(p instanceof HeaderRules.Invalid i && i.errors().get(0).startsWith("rsp.headers: 65 rules; at most 64"),
                p.toString());
    }
}
