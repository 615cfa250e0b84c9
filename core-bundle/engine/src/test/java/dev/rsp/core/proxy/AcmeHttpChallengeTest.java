package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.spi.tls.HttpChallenges;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ACME HTTP-01 answers: a challenge the ACME client has pending is answered by rsp before routing, with exactly the
 * key authorization; everything else under the challenge path reaches the backend (its own ACME client).
 */
class AcmeHttpChallengeTest {

    static final String PATH = HttpChallenges.PATH_PREFIX;

    StubBackend stub;
    ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        stub = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "backend " + r.target());
            return true;
        });
        proxy = new ProxyHarness(Map.of()).withStrategy().backend("a", stub.port());
        proxy.engine.httpChallenges((host, token) -> host.equals("shop.example") && token.equals("tok-1")
                ? Optional.of("tok-1.thumbprint") : Optional.empty());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        stub.close();
    }

    @Test
    void aPendingChallengeIsAnsweredByRspWithTheKeyAuthorizationOnly() throws Exception {
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.get("Shop.Example:80", PATH + "tok-1");
            assertEquals(200, r.status());
            assertEquals("tok-1.thumbprint", r.text());
            assertEquals("text/plain", r.header("content-type"));
        }
        assertEquals(0, stub.requests().size(), "the backend never sees the challenge");
        assertEquals(1, proxy.engine.counters().get("acme.http01.answered"));
        assertEquals(1, proxy.accessLines.size(), "logged like any request");
    }

    @Test
    void otherTokensOtherHostsAndNoAcmeClientAreRoutedToTheBackend() throws Exception {
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("backend " + PATH + "tok-2", c.get("shop.example", PATH + "tok-2").text());
        }
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("backend " + PATH + "tok-1", c.get("other.example", PATH + "tok-1").text());
        }
        proxy.engine.httpChallenges(null);
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals("backend " + PATH + "tok-1", c.get("shop.example", PATH + "tok-1").text());
        }
        assertEquals(3, stub.requests().size());
        assertEquals(0, proxy.engine.counters().get("acme.http01.answered"));
    }

    @Test
    void answeredOverHttp2WithPriorKnowledge() throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-H",
                "Host: shop.example", "-w", "\n%{http_version} %{response_code}",
                "http://127.0.0.1:" + proxy.port() + PATH + "tok-1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("tok-1.thumbprint\n2 200", out);
        assertEquals(0, stub.requests().size());
    }
}
