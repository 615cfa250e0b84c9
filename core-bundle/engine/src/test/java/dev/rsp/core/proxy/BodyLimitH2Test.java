package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.body.bytes} for HTTP/2 clients (crafted frames, {@link CraftedH2Client}): a content-length over the
 * limit is a 413 on the stream before the backend sees anything; a body without one gets 413 once its DATA pass the
 * limit; either way the connection carries on.
 */
class BodyLimitH2Test extends StubProxyFixture {

    void startWithLimit(String limit) throws IOException {
        start((r, in, out) -> {
            byte[] body = StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, "got " + body.length);
            return true;
        }, Map.of("h2.cleartext", "true", "limits.body.bytes", limit));
    }

    @Test
    void aContentLengthOverTheLimitIs413OnTheStream() throws Exception {
        startWithLimit("5000");
        CraftedH2Client.run(dir, proxy.port(), "upload", "6000", "yes")
                .expect("A HEADERS 1 413")
                .expect("A HEADERS 3 200")
                .expect("A OPEN True");
        assertEquals(1, proxy.engine.counters().get(Counter.REJECT_BODY_TOO_LARGE));
        assertEquals(1, a.requests().size(), "only the GET reached the backend");
    }

    @Test
    void dataWithoutAContentLengthPassingTheLimitIs413() throws Exception {
        startWithLimit("5000");
        CraftedH2Client.run(dir, proxy.port(), "upload", "20000", "no")
                .expect("A HEADERS 1 413")
                .expect("A HEADERS 3 200")
                .expect("A OPEN True");
        assertEquals(1, proxy.engine.counters().get(Counter.REQUEST_BODY_TOO_LARGE));
    }

    @Test
    void aBodyWithinTheLimitGoesThrough() throws Exception {
        startWithLimit("5000");
        CraftedH2Client.run(dir, proxy.port(), "upload", "5000", "no")
                .expect("A HEADERS 1 200")
                .expect("A END 1 8")
                .expect("A OPEN True");
    }
}
