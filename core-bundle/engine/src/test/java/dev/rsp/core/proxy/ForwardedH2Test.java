package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code forwarded.trusted} for HTTP/2 streams (curl, h2c with prior knowledge): each stream settles its own client. */
class ForwardedH2Test extends StubProxyFixture {

    @Test
    void aTrustedPeersStreamsNameTheirClientsAndAnUntrustedOnesAreReplaced() throws Exception {
        start(ProxyBasicsTest.ECHO, Map.of("forwarded.trusted", "127.0.0.1", "forwarded.header", "both"));
        String out = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge",
                "-H", "X-Forwarded-For: 198.51.100.23", url("/h2"));
        assertTrue(out.contains(" xff=198.51.100.23, 127.0.0.1 "), out);
        assertTrue(proxy.accessLine("/h2").contains(" 198.51.100.23 http "), proxy.accessLines.toString());
        assertEquals(1, proxy.engine.counters().get(Counter.FORWARDED_CLIENT));
    }

    @Test
    void fromAnUntrustedPeerTheStreamsListIsReplaced() throws Exception {
        start(ProxyBasicsTest.ECHO, Map.of("forwarded.trusted", "10.0.0.0/8"));
        String out = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge",
                "-H", "X-Forwarded-For: 198.51.100.23", url("/h2"));
        assertTrue(out.contains(" xff=127.0.0.1 "), out);
        assertTrue(proxy.accessLine("/h2").contains(" 127.0.0.1 http "), proxy.accessLines.toString());
        assertEquals(1, proxy.engine.counters().get(Counter.FORWARDED_REPLACED));
    }
}
