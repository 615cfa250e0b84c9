package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rsp.spi.routing.Decision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: what rsp accepts it forwards in one meaning only. The host a request is routed by is the host it is
 * forwarded with, and framing fields reach the next hop as one normalised field, whatever list form the sender used.
 */
class ForwardedFramingTest {

    StubBackend a;
    StubBackend b;
    ProxyHarness proxy;

    @BeforeEach
    void setUp() throws IOException {
        StubBackend.Handler echo = (r, in, out) -> {
            byte[] body = StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, r.method() + " " + r.target() + " body=" + new String(body, StandardCharsets.UTF_8));
            return true;
        };
        a = new StubBackend("a", echo);
        b = new StubBackend("b", echo);
        proxy = new ProxyHarness().backend("a", a.port()).backend("b", b.port());
        // routes a.test to a and b.test to b, by the host rsp resolved for the request
        proxy.routing.strategyAdded(ProxyHarness.STRATEGY, all -> request -> Decision.to(request.host().substring(0, 1)), 1, 0);
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        a.close();
        b.close();
    }

    @Test
    void anAbsoluteFormTargetIsRoutedAndForwardedByItsAuthority() throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET http://b.test/p?q=1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals("GET /p?q=1 body=", c.read(false).text());
        }
        assertEquals(0, a.requests().size(), "routed by the target's authority, not by Host");
        StubBackend.Request seen = b.requests().get(0);
        assertEquals(List.of("b.test"), seen.headers().get("host"), "the backend gets the host it was routed by");
        assertEquals("b.test", seen.header("x-forwarded-host"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Transfer-Encoding: ,chunked|transfer-encoding|chunked",
        "Transfer-Encoding: chunked ,|transfer-encoding|chunked",
        "Transfer-Encoding: ,~Transfer-Encoding: chunked|transfer-encoding|chunked",
        "Content-Length: 3, 3|content-length|3",
        "Content-Length: 3~Content-Length: 3|content-length|3",
        "Content-Length: 003|content-length|3"})
    void requestFramingIsForwardedNormalised(String framingLines, String name, String expected) throws IOException {
        String framing = framingLines.replace("~", "\r\n");
        String body = framing.startsWith("Transfer") ? "3\r\nabc\r\n0\r\n\r\n" : "abc";
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: a.test\r\n" + framing + "\r\n\r\n" + body);
            assertEquals("POST /up body=abc", c.read(false).text());
        }
        StubBackend.Request seen = a.requests().get(0);
        assertEquals(List.of(expected), seen.headers().get(name), "one normalised field");
        assertEquals(null, seen.headers().get(name.equals("content-length") ? "transfer-encoding" : "content-length"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Content-Length: 2, 2|ok|content-length|2",
        "Content-Length: 2~Content-Length: 02|2|-|-",
        "Transfer-Encoding: ,chunked|2~ok~0~~|transfer-encoding|chunked",
        "Transfer-Encoding: gzip,, chunked|2~ok~0~~|transfer-encoding|gzip, chunked"})
    // (the last case reads until close: a client that cannot undo gzip sees the codings as sent, in normal form)
    void responseFramingIsForwardedNormalised(String framingLines, String bodyLines, String name, String expected)
            throws IOException {
        String framing = framingLines.replace("~", "\r\n");
        String body = bodyLines.replace("~", "\r\n");
        proxy.close();
        a.close();
        a = new StubBackend("a", (r, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\n" + framing + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", a.port());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
            TestClient.Response r = c.read(false);
            if (name.equals("-")) {
                assertEquals(502, r.status(), "conflicting lengths are refused, not normalised");
                return;
            }
            assertEquals(200, r.status());
            assertEquals(expected, r.header(name), "one normalised field");
            if (!expected.contains("gzip")) {
                assertEquals("ok", r.text());
            }
        }
    }
}
