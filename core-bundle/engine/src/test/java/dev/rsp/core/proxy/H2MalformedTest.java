package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Malformed HTTP/2 requests (RFC 9113 §8.1.1, §8.2, §8.3) and stream errors against a running engine, with crafted
 * frames from {@link CraftedH2Client} over h2c: each malformed request is reset (RST_STREAM PROTOCOL_ERROR), counted,
 * and never reaches the backend whole; CONNECT is 405, a request without any host 400; the connection carries on.
 */
class H2MalformedTest extends StubProxyFixture {

    /** Malformed in their head: reset before an exchange starts, so the backend never sees them. */
    static final List<String> HEAD_CASES = List.of("uppercase-name", "pseudo-after-regular", "no-method", "no-path",
            "no-scheme", "unknown-pseudo", "connection", "upgrade", "transfer-encoding", "keep-alive", "te-gzip",
            "duplicate-path", "duplicate-method", "length-no-body");

    /** The backend holds {@code /slow} until rsp has counted a stream error, so the stream is active meanwhile. */
    private void start() throws IOException {
        start((r, in, out) -> {
            if (r.target().startsWith("/slow")) {
                ProxyHarness.await(() -> proxy.engine.counters().get("h2.stream_error") > 0, 5000);
            }
            return ProxyBasicsTest.ECHO.handle(r, in, out);
        });
    }

    private long counter(String name) {
        return proxy.engine.counters().get(name);
    }

    @Test
    void malformedHeadsAreResetCountedAndNeverForwarded() throws Exception {
        start();
        List<String> args = new java.util.ArrayList<>(HEAD_CASES);
        args.addAll(List.of("connect", "no-authority", "te-trailers", "host-only"));
        CraftedH2Client.Observed o = CraftedH2Client.run(dir, proxy.port(), "malformed", args.toArray(String[]::new));
        for (String c : HEAD_CASES) {
            o.expect("CASE " + c + " RST PROTOCOL_ERROR");
        }
        o.expect("CASE connect STATUS 405").expect("CASE no-authority STATUS 400");
        o.expect("CASE te-trailers STATUS 200").expect("CASE host-only STATUS 200");
        o.expect("A OPEN True").expectNot("A GOAWAY");
        assertEquals(HEAD_CASES.size(), counter("h2.malformed"));
        assertEquals(List.of("/ok-te", "/ok-host", "/ok-after"), a.requests().stream().map(StubBackend.Request::target).toList(),
                "only the well-formed requests reach the backend");
        assertNull(a.requests().get(0).header("te"), "te: trailers is accepted, not forwarded");
    }

    /**
     * A content-length that disagrees with the DATA is found only as the body arrives, after the head went to the
     * backend: the stream is reset and its exchange abandoned at once, while the client's connection is still open
     * (the backend connection is not left waiting for a body that never comes).
     */
    @Test
    void aContentLengthThatDisagreesWithTheDataResetsTheStreamAndAbandonsTheExchange() throws Exception {
        start();
        CraftedH2Client.Observed o = CraftedH2Client.runHolding(dir, proxy.port(), () -> {
            assertTrue(ProxyHarness.await(() -> proxy.accessLines.stream().anyMatch(l -> l.contains("/bad-cl-over"))
                    && proxy.accessLines.stream().anyMatch(l -> l.contains("/bad-cl-under")), 3000),
                    "both exchanges ended with the connection still open: " + proxy.accessLines);
            assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeBackendConnections() <= 1, 3000),
                    "the backend connections of the reset streams were closed: "
                            + proxy.engine.counters().activeBackendConnections());
        }, "malformed", "length-too-much", "length-too-little");
        o.expect("CASE length-too-much RST PROTOCOL_ERROR").expect("CASE length-too-little RST PROTOCOL_ERROR");
        o.expect("A OPEN True").expectNot("A GOAWAY");
        assertEquals(2, counter("h2.content_length_mismatch"));
        assertEquals(0, counter("h2.malformed"));
    }

    @Test
    void dataAfterTheClientEndedTheStreamIsStreamClosed() throws Exception {
        start();
        CraftedH2Client.Observed o = CraftedH2Client.run(dir, proxy.port(), "data-after-end");
        o.expect("A RST 1 STREAM_CLOSED").expect("A HEADERS 3 200").expect("A OPEN True").expectNot("A GOAWAY");
        assertEquals(1, counter("h2.stream_error"));
    }

    @Test
    void aWindowUpdateOverflowIsAFlowControlErrorOnTheStreamThenOnTheConnection() throws Exception {
        start();
        CraftedH2Client.Observed o = CraftedH2Client.run(dir, proxy.port(), "window-overflow");
        o.expect("A RST 1 FLOW_CONTROL_ERROR").expect("A HEADERS 3 200");
        o.expect("A GOAWAY 3 FLOW_CONTROL_ERROR").expect("A CLOSED");
        assertEquals(1, counter("h2.stream_error"));
        assertEquals(1, counter("h2.connection_error"));
    }
}
