package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rsp.core.testing.Dnsmasq;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS that moves, through a real {@code bin/rsp} (dnsjava resolved in Felix) and a DNS server of the test's own
 * (dnsmasq): a backend named by a host name and one named by an SRV name both reach the server at the address DNS
 * gives; when the record changes, new requests go to the new address within its TTL (1 s) and a little, and no
 * request fails meanwhile (connections to the old address finish there).
 */
class DnsIT {

    @TempDir
    Path tmp;
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopBackends() {
        servers.forEach(s -> s.stop(0));
    }

    private HttpServer backend(String ip, int port, String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), port), 50);
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        servers.add(server);
        return server;
    }

    /** Two servers on the same port, at 127.0.0.2 and 127.0.0.3 (Linux routes all of 127/8 to loopback). */
    private int twoServers() throws IOException {
        for (int attempt = 0; ; attempt++) {
            HttpServer old = backend("127.0.0.2", 0, "old");
            int port = old.getAddress().getPort();
            try {
                backend("127.0.0.3", port, "new");
                return port;
            } catch (BindException taken) {
                if (attempt == 5) {
                    throw taken;
                }
                stopBackends();
                servers.clear();
            }
        }
    }

    @Test
    void aChangedRecordTakesNewRequestsToTheNewAddressWithinItsTtlAndAnSrvNameExpands() throws Exception {
        int port = twoServers();
        try (Dnsmasq dns = Dnsmasq.start(tmp, "127.0.0.2 web.rsp.test\n", 1,
                "_http._tcp.api.rsp.test,web.rsp.test," + port + ",0,10")) {
            RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
            Files.writeString(home.etc().resolve("rsp.backends.cfg"),
                    "backend.web = web.rsp.test:" + port + "\n" + "backend.api = _http._tcp.api.rsp.test\n");
            home.core("dns.servers", "127.0.0.1:" + dns.port).core("dns.hosts", "");
            Path log = tmp.resolve("rsp.log");
            Process rsp = home.start(log);
            try {
                Waits.until("every host served by the old address", () -> answers(home).stream().allMatch("old"::equals),
                        log);
                String backends = RawHttp.get(home.adminPort, "127.0.0.1", "/api/backends");
                assertTrue(backends.contains("\"name\":\"api/web.rsp.test:" + port + "\""), backends);
                assertTrue(backends.contains("\"name\":\"web\""), backends);

                dns.hosts("127.0.0.3 web.rsp.test\n");
                long changed = System.nanoTime();
                List<String> seen = new ArrayList<>();
                Waits.until("every host served by the new address", () -> {
                    List<String> now = answers(home);
                    seen.addAll(now);
                    return now.stream().allMatch("new"::equals);
                }, log);
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
                assertTrue(tookMillis < 4_000, "TTL 1 s, the 250 ms tick, the lookup: took " + tookMillis + " ms");
                assertEquals(List.of(), seen.stream().filter(a -> !a.equals("old") && !a.equals("new")).toList(),
                        "no request failed during the move");
                Waits.logLine(log, "Backend host web.rsp.test moved from 127.0.0.2 to 127.0.0.3", 1);
                String stats = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
                assertTrue(stats.contains("\"dns.changed\":1"), "web.rsp.test moved once: " + stats);
            } finally {
                RspHome.stop(rsp);
            }
        }
    }

    /** Who answers each of 20 hosts (host-hash spreads them over web and api/...). */
    private static List<String> answers(RspHome home) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try {
                String r = RawHttp.get(home.httpPort, "site-" + i + ".example.com", "/");
                names.add(r.startsWith("HTTP/1.1 200 ") ? r.substring(r.lastIndexOf('\n') + 1)
                        : "status " + r.lines().findFirst().orElse(""));
            } catch (IOException e) {
                names.add("error " + e.getMessage());
            }
        }
        return names;
    }
}
