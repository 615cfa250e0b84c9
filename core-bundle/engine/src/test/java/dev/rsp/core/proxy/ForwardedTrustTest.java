package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.spi.routing.Decision;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: {@code forwarded.trusted} and {@code forwarded.header}. From a trusted peer the incoming list is kept and
 * appended to, and names the client that routing, the access log and the rate limits see; from any other peer it is
 * replaced. The test client connects from 127.0.0.1.
 */
class ForwardedTrustTest {

    StubBackend a;
    ProxyHarness proxy;
    final List<InetSocketAddress> routed = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (a != null) {
            a.close();
        }
    }

    /** Backend "a" answers with the forwarding fields it received; the strategy records the client address. */
    void start(Map<String, String> core) throws IOException {
        a = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "xff=" + r.header("x-forwarded-for") + " fwd=" + r.header("forwarded"));
            return true;
        });
        proxy = new ProxyHarness(new HashMap<>(core)).backend("a", a.port());
        proxy.routing.strategyAdded(ProxyHarness.STRATEGY, all -> request -> {
            routed.add(request.clientAddress());
            return Decision.to("a");
        }, 1, 0);
    }

    long counted(Counter c) {
        return proxy.engine.counters().get(c);
    }

    static String get(String fields) {
        return "GET / HTTP/1.1\r\nHost: x.example\r\n" + fields + "\r\n";
    }

    @Test
    void anUntrustedPeersListIsReplacedAndThePeerIsTheClient() throws IOException {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send(get("X-Forwarded-For: 203.0.113.9\r\nForwarded: for=203.0.113.9\r\n")).read(false);
            assertEquals("xff=127.0.0.1 fwd=null", r.text());
        }
        assertEquals(InetAddress.getByName("127.0.0.1"), routed.get(0).getAddress());
        assertEquals(1, counted(Counter.FORWARDED_REPLACED));
        assertEquals(0, counted(Counter.FORWARDED_CLIENT));
    }

    @Test
    void aTrustedPeersListIsAppendedToAndItsRightmostUntrustedAddressIsTheClient() throws IOException {
        start(Map.of("forwarded.trusted", "127.0.0.1, 10.0.0.0/8"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send(get("X-Forwarded-For: 198.51.100.1, 203.0.113.9\r\nX-Forwarded-For: 10.0.0.2\r\n"))
                    .read(false);
            assertEquals("xff=198.51.100.1, 203.0.113.9, 10.0.0.2, 127.0.0.1 fwd=null", r.text());
            assertEquals("xff=127.0.0.1 fwd=null", c.send(get("")).read(false).text(), "no list: the peer is the client");
        }
        assertEquals(InetAddress.getByName("203.0.113.9"), routed.get(0).getAddress());
        assertEquals(InetAddress.getByName("127.0.0.1"), routed.get(1).getAddress(), "set per request, not per connection");
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.size() == 2, 5000));
        assertTrue(proxy.accessLines.get(0).contains(" 203.0.113.9 http x.example GET / "), proxy.accessLines.get(0));
        assertEquals(1, counted(Counter.FORWARDED_CLIENT));
    }

    @Test
    void theClientsAddressCountsForTheRateLimitsNotTheProxys() throws IOException {
        start(Map.of("forwarded.trusted", "127.0.0.1"));
        proxy.engine.rateLimits(((dev.rsp.core.ratelimit.RateLimitSettings.Valid) dev.rsp.core.ratelimit.RateLimitSettings
                .read(Map.of("client.requests.per.second", "1", "client.burst", "1"))).settings());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.send(get("X-Forwarded-For: 192.0.2.1\r\n")).read(false).status());
            assertEquals(200, c.send(get("X-Forwarded-For: 192.0.2.2\r\n")).read(false).status(), "another client");
            assertEquals(429, c.send(get("X-Forwarded-For: 192.0.2.1\r\n")).read(false).status(), "the first, again");
        }
    }

    @Test
    void forwardedIsReadAndWrittenWithIpv6QuotedAndBracketed() throws IOException {
        start(Map.of("forwarded.trusted", "127.0.0.1", "forwarded.header", "forwarded"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send(get("Forwarded: for=192.0.2.60;proto=http, for=\"[2001:db8::17]:4711\"\r\n"
                    + "X-Forwarded-For: 192.0.2.99\r\n")).read(false);
            assertEquals("xff=192.0.2.99 fwd=for=192.0.2.60;proto=http, for=\"[2001:db8::17]:4711\", "
                    + "for=127.0.0.1;proto=http;host=\"x.example\"", r.text(), "a trusted peer's X-Forwarded-For passes as sent");
        }
        assertEquals(InetAddress.getByName("2001:db8::17"), routed.get(0).getAddress());
    }

    @Test
    void anObfuscatedHopStopsTheWalkAtTheNearestKnownAddress() throws IOException {
        start(Map.of("forwarded.trusted", "127.0.0.1, 10.0.0.0/8", "forwarded.header", "both"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send(get("Forwarded: for=198.51.100.4, for=\"_hidden\", for=10.0.0.5\r\n")).read(false);
            assertEquals("xff=127.0.0.1 fwd=for=198.51.100.4, for=\"_hidden\", for=10.0.0.5, "
                    + "for=127.0.0.1;proto=http;host=\"x.example\"", r.text());
        }
        assertEquals(InetAddress.getByName("10.0.0.5"), routed.get(0).getAddress());
    }

    @Test
    void aBadTrustedListOrHeaderIsRefusedNamingTheKey() {
        ProxySettings.Parsed p = ProxySettings.from(dev.rsp.core.CoreConfigs.with(
                Map.of("forwarded.trusted", "10.0.0.0/33", "forwarded.header", "x-real-ip")));
        List<String> errors = ((ProxySettings.Invalid) p).errors();
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("forwarded.trusted: ")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("forwarded.header = 'x-real-ip'")), errors.toString());
    }
}
