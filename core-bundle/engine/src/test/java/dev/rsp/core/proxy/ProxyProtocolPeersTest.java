package dev.rsp.core.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsp.core.testing.ExternalPrograms;
import dev.rsp.spi.routing.Decision;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * rsp's HTTP listener behind a real HAProxy in TCP mode, with {@code send-proxy} (v1) and {@code send-proxy-v2} with
 * {@code proxy-v2-options crc32c}, and its health checks ({@code check-send-proxy}: LOCAL). The client connects from
 * 127.0.0.2, HAProxy connects to rsp from 127.0.0.1, the only trusted peer: what the backend, routing and the access
 * log see is the client's address and port, not HAProxy's.
 */
class ProxyProtocolPeersTest extends StubProxyFixture {

    static final InetAddress CLIENT = loopback("127.0.0.2");
    private Process haproxy;
    /** Per client port, the client address routing saw. */
    final Map<Integer, InetSocketAddress> routed = new ConcurrentHashMap<>();

    @AfterEach
    void stopHaproxy() {
        if (haproxy != null) {
            haproxy.destroy();
        }
    }

    void startRsp() throws IOException {
        a = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "xff=" + r.header("x-forwarded-for"));
            return true;
        });
        Map<String, Object> core = new HashMap<>(Map.of("proxy.protocol", "any", "proxy.trusted", "127.0.0.1"));
        proxy = new ProxyHarness(core).backend("a", a.port());
        proxy.routing.strategyAdded(ProxyHarness.STRATEGY, all -> request -> {
            routed.put(request.clientAddress().getPort(), request.clientAddress());
            return Decision.to("a");
        }, 1, 0);
    }

    @Test
    void haproxySendProxyV1AndV2WithCrc32c() throws Exception {
        String exe = ExternalPrograms.executable("haproxy", "apt-get install haproxy");
        startRsp();
        int v1 = ExternalPrograms.freePort();
        int v2 = ExternalPrograms.freePort();
        String server = "127.0.0.1:" + proxy.port();
        startHaproxy(exe, "listen v1\n  bind 127.0.0.1:" + v1 + "\n  server s " + server + " send-proxy\n"
                + "listen v2\n  bind 127.0.0.1:" + v2 + "\n  server s " + server
                + " send-proxy-v2 proxy-v2-options crc32c\n", v1, v2);
        for (int port : new int[] {v1, v2}) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(CLIENT, 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                try (TestClient c = new TestClient(s)) {
                    assertEquals("xff=127.0.0.2", c.get("x.example", "/" + port).text(), "through " + port);
                }
                assertEquals(new InetSocketAddress(CLIENT, s.getLocalPort()), routed.get(s.getLocalPort()));
            }
        }
        assertTrue(proxy.engine.counters().get(Counter.PROXY_PROXIED) >= 2, "the requests' headers (and the probes')");
        assertTrue(ProxyHarness.await(() -> proxy.accessLines.stream().filter(l -> l.contains(" 127.0.0.2 http ")).count() == 2,
                5000), proxy.accessLines.toString());
        assertEquals(0, proxy.engine.counters().get(Counter.PROXY_REJECT_CRC));
    }

    /** HAProxy's health checks with check-send-proxy send a v2 LOCAL header: rsp keeps the TCP peer and counts it. */
    @Test
    void haproxyHealthChecksSendLocal() throws Exception {
        String exe = ExternalPrograms.executable("haproxy", "apt-get install haproxy");
        startRsp();
        int port = ExternalPrograms.freePort();
        startHaproxy(exe, "listen v2\n  bind 127.0.0.1:" + port + "\n  server s 127.0.0.1:" + proxy.port()
                + " send-proxy-v2 check check-send-proxy inter 100\n", port);
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().get(Counter.PROXY_LOCAL) >= 2, 10_000),
                "health checks seen: " + proxy.engine.counters().get(Counter.PROXY_LOCAL));
        assertEquals(0, proxy.engine.counters().get(Counter.PROXY_REJECT_SIGNATURE));
        assertEquals(0, proxy.engine.counters().get(Counter.PROXY_CLOSED), "a check's header arrives whole");
    }

    private void startHaproxy(String exe, String listeners, int... ports) throws Exception {
        String cfg = "global\n  maxconn 100\n"
                + "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 10s\n  timeout server 10s\n" + listeners;
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg, US_ASCII);
        Path log = dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder(exe, "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        for (int port : ports) {
            if (!ProxyHarness.await(() -> accepts(port) || !haproxy.isAlive(), 10_000) || !haproxy.isAlive()) {
                fail("HAProxy did not listen on " + port + ": " + Files.readString(log));
            }
        }
    }

    /** A successful probe is one connection without a request: HAProxy passes it on with a header, rsp closes it. */
    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }


    private static InetAddress loopback(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
