package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfigs;
import dev.rsp.core.proxyprotocol.ProxyHeaderRejection;
import dev.rsp.core.ratelimit.RateLimitSettings;
import dev.rsp.spi.routing.Decision;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol on the HTTP listener, with real sockets: the client a trusted peer's header names is the client
 * of routing, X-Forwarded-For, the access log and rate limits; LOCAL keeps the TCP peer; untrusted peers, bad, slow
 * and missing headers are closed and counted.
 */
class ProxyProtocolListenerTest extends StubProxyFixture {

    /** The client address routing saw, per request. */
    final List<InetSocketAddress> routed = new CopyOnWriteArrayList<>();

    /** Backend "a" answers with the X-Forwarded-For it received; the strategy records the client address and routes to "a". */
    void start(Map<String, String> core) throws IOException {
        a = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "xff=" + r.header("x-forwarded-for"));
            return true;
        });
        Map<String, Object> props = new HashMap<>(Map.of("proxy.protocol", "any", "proxy.trusted", "127.0.0.1/32, ::1"));
        props.putAll(core);
        proxy = new ProxyHarness(props).backend("a", a.port());
        proxy.routing.strategyAdded(ProxyHarness.STRATEGY, all -> request -> {
            routed.add(request.clientAddress());
            return Decision.to("a");
        }, 1, 0);
    }

    static String v1(String src, int sport) {
        return "PROXY TCP4 " + src + " 198.51.100.1 " + sport + " 80\r\n";
    }

    static final String GET = "GET / HTTP/1.1\r\nHost: x.example\r\n\r\n";

    /** A v2 PROXY (or LOCAL, {@code src} null) header with a CRC32C TLV; {@code crcFlip} != 0 spoils the checksum. */
    static byte[] v2(String src, int sport, int crcFlip) throws IOException {
        byte[] s = src == null ? new byte[0] : InetAddress.getByName(src).getAddress();
        byte[] d = src == null ? new byte[0] : InetAddress.getByName(s.length == 4 ? "198.51.100.1" : "2001:db8::1").getAddress();
        int addresses = src == null ? 0 : 2 * s.length + 4;
        int len = addresses + 7;
        ByteBuffer b = ByteBuffer.allocate(16 + len);
        b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.put((byte) (src == null ? 0x20 : 0x21)).put((byte) (src == null ? 0x00 : s.length == 4 ? 0x11 : 0x21));
        b.putShort((short) len);
        if (src != null) {
            b.put(s).put(d).putShort((short) sport).putShort((short) 443);
        }
        b.put((byte) 0x03).putShort((short) 4).putInt(0);
        CRC32C crc = new CRC32C();
        crc.update(b.array());
        b.putInt(b.position() - 4, (int) crc.getValue() ^ crcFlip);
        return b.array();
    }

    long counted(Counter c) {
        return proxy.engine.counters().get(c);
    }

    void awaitCount(Counter c, long n) {
        assertTrue(ProxyHarness.await(() -> counted(c) == n, 5000), c.id() + " = " + counted(c) + ", expected " + n);
    }

    @Test
    void aV1ClientIsTheClientOfRoutingXForwardedForAndTheAccessLog() throws Exception {
        start(Map.of("proxy.protocol", "v1"));
        try (TestClient c = new TestClient(proxy.address())) {
            TestClient.Response r = c.send(v1("192.0.2.7", 4321) + GET).read(false);
            assertEquals(200, r.status());
            assertEquals("xff=192.0.2.7", r.text());
            assertEquals(200, c.get("x.example", "/again").status(), "the header is read once; keep-alive goes on");
        }
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 4321), routed.get(0));
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.size() == 2, 5000));
        assertTrue(proxy.accessLines.get(0).contains(" 192.0.2.7 http x.example GET / "), proxy.accessLines.get(0));
        assertEquals(1, counted(Counter.PROXY_PROXIED));
    }

    @Test
    void aV2HeaderArrivingInPiecesWithItsCrcIsReadAcrossReads() throws Exception {
        start(Map.of("proxy.protocol", "v2"));
        byte[] header = v2("2001:db8::7", 50_000, 0);
        try (TestClient c = new TestClient(proxy.address())) {
            for (int i = 0; i < header.length; i += 7) {
                c.send(java.util.Arrays.copyOfRange(header, i, Math.min(header.length, i + 7)));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing, so that the pieces arrive apart
            }
            TestClient.Response r = c.send(GET).read(false);
            assertEquals("xff=2001:db8:0:0:0:0:0:7", r.text());
        }
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 50_000), routed.get(0));
        assertEquals(1, counted(Counter.PROXY_PROXIED));
    }

    @Test
    void aLocalHeaderKeepsTheTcpPeer() throws Exception {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(v2(null, 0, 0));
            assertEquals("xff=127.0.0.1", c.get("x.example", "/").text());
            assertEquals(c.socket.getLocalPort(), routed.get(0).getPort());
        }
        assertEquals(1, counted(Counter.PROXY_LOCAL));
        assertEquals(0, counted(Counter.PROXY_PROXIED));
    }

    @Test
    void aPeerOutsideProxyTrustedIsClosedBeforeAnythingIsRead() throws Exception {
        start(Map.of("proxy.trusted", "10.0.0.0/8, 2001:db8::/32"));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(v1("192.0.2.7", 4321) + GET);
            assertTrue(c.closedByPeer());
        }
        assertEquals(1, counted(Counter.PROXY_UNTRUSTED));
        assertEquals(0, a.requests().size());
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients.open() == 0, 5000), "its slot is given back");
    }

    @Test
    void aBadChecksumAMissingHeaderAndAWrongVersionAreClosedAndCounted() throws Exception {
        start(Map.of("proxy.protocol", "v2"));
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(v2("192.0.2.7", 1, 0x10));
            assertTrue(c.closedByPeer());
        }
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(GET);
            assertTrue(c.closedByPeer(), "a request without a header is not served");
        }
        try (TestClient c = new TestClient(proxy.address())) {
            c.send(v1("192.0.2.7", 4321) + GET);
            assertTrue(c.closedByPeer(), "v1 on a v2 listener");
        }
        awaitCount(Counter.PROXY_REJECT_CRC, 1);
        awaitCount(Counter.PROXY_REJECT_SIGNATURE, 2);
        assertEquals(0, a.requests().size());
    }

    @Test
    void aHeaderNotCompleteWithinTheTimeoutIsClosed() throws Exception {
        start(Map.of("proxy.timeout.ms", "300"));
        long began = System.nanoTime();
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("PROXY TCP4 192.0.2.7");
            assertTrue(c.closedByPeer());
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertTrue(took >= 250 && took < 5000, "closed after about proxy.timeout.ms: " + took + " ms");
        awaitCount(Counter.PROXY_TIMEOUT, 1);
    }

    @Test
    void aPeerThatClosesMidHeaderIsCounted() throws Exception {
        start(Map.of());
        try (TestClient c = new TestClient(proxy.address())) {
            c.send("PROXY TCP4 192.0.2.7");
        }
        awaitCount(Counter.PROXY_CLOSED, 1);
    }

    @Test
    void rateLimitsCountTheClientsTheHeadersName() throws Exception {
        start(Map.of());
        proxy.engine.rateLimits(((RateLimitSettings.Valid) RateLimitSettings.read(
                Map.of("client.requests.per.second", "1", "client.burst", "1"))).settings());
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.send(v1("192.0.2.7", 1000) + GET).read(false).status());
            assertEquals(429, c.get("x.example", "/second").status(), "192.0.2.7's burst is spent");
        }
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.send(v1("192.0.2.8", 1000) + GET).read(false).status(),
                    "another client behind the same load balancer has its own bucket");
        }
        assertEquals(1, counted(Counter.RATELIMIT_CLIENT_REQUESTS));
    }

    @Test
    void theConnectionRateIsCheckedOnceTheHeaderNamedTheClient() throws Exception {
        start(Map.of());
        proxy.engine.rateLimits(((RateLimitSettings.Valid) RateLimitSettings.read(
                Map.of("client.connections.per.second", "1", "client.connections.burst", "1"))).settings());
        try (TestClient first = new TestClient(proxy.address()); TestClient second = new TestClient(proxy.address());
             TestClient other = new TestClient(proxy.address())) {
            assertEquals(200, first.send(v1("192.0.2.7", 1000) + GET).read(false).status());
            assertEquals(429, second.send(v1("192.0.2.7", 1001) + GET).read(false).status());
            assertEquals(200, other.send(v1("192.0.2.8", 1000) + GET).read(false).status());
        }
        assertEquals(1, counted(Counter.RATELIMIT_CLIENT_CONNECTIONS));
    }

    @Test
    void h2cWithPriorKnowledgeFollowsTheHeader() throws Exception {
        start(Map.of("proxy.protocol", "v1"));
        String out = run(30, "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "--haproxy-protocol",
                "-w", "\n%{http_version} %{local_port}", url("/h2"));
        String[] lines = out.split("\n");
        assertEquals("xff=127.0.0.1", lines[0]);
        assertEquals("2 " + routed.get(0).getPort(), lines[1], "HTTP/2, and routing saw the port the header named");
        assertEquals(1, counted(Counter.PROXY_PROXIED));
    }

    @Test
    void everyRefusalOfTheParserHasItsDeclaredCounter() {
        for (ProxyHeaderRejection r : ProxyHeaderRejection.values()) {
            if (r != ProxyHeaderRejection.NOT_REJECTED) {
                assertTrue(Counter.forId(r.counter()).isPresent(), r + " counts " + r.counter() + ", not declared");
            }
        }
    }

    @Test
    void onWithoutTrustedPeersOrWithABadRangeIsRefusedNamingTheKey() {
        assertEquals(List.of("proxy.trusted: required with proxy.protocol = v2: the addresses of the load balancers that "
                + "send the header (CIDRs, e.g. 10.0.0.0/8, 2001:db8::/32); 0.0.0.0/0, ::/0 trusts everyone"),
                invalid(Map.of("proxy.protocol", "v2")));
        assertEquals(List.of("proxy.trusted: '10.0.0.0/33': the prefix length must be 0 to 32"),
                invalid(Map.of("proxy.trusted", "10.0.0.0/33")), "a bad range fails even while off");
        assertEquals(List.of("proxy.protocol = 'v3': expected off, v1, v2 or any"),
                invalid(Map.of("proxy.protocol", "v3", "proxy.trusted", "10.0.0.1")));
        assertEquals(List.of("proxy.max.v2.bytes must be at most buffer.size (4096), not 8192"),
                invalid(Map.of("buffer.size", "4096", "proxy.max.v2.bytes", "8192")));
    }

    private static List<String> invalid(Map<String, String> props) {
        Map<String, Object> all = new HashMap<>(Map.of("limits.head.bytes", "4096", "limits.request.line", "4096"));
        all.putAll(props);
        return assertInstanceOf(ProxySettings.Invalid.class, ProxySettings.from(CoreConfigs.with(all))).errors();
    }
}
