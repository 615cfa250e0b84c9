package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active HTTP health check through a real {@code bin/rsp}: a backend whose {@code /healthz} answers 500 gets no
 * traffic (the other serves every host), shows as down with the reason on the admin API, and comes back when it
 * answers 200 again; each change is one log line. Every wait polls with a deadline ({@link Waits}).
 */
class HealthCheckIT {

    @TempDir
    Path tmp;
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopBackends() {
        servers.forEach(s -> s.stop(0));
    }

    /** A backend answering {@code /healthz} with {@code health}'s status and anything else 200 with its name. */
    private HttpServer backend(String name, AtomicInteger health, AtomicInteger pages) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            boolean check = exchange.getRequestURI().getPath().equals("/healthz");
            int status = check ? health.get() : 200;
            if (!check) {
                pages.incrementAndGet();
            }
            byte[] body = (check ? "health " + status : name).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        servers.add(server);
        return server;
    }

    @Test
    void aBackendWhoseHealthCheckAnswers500GetsNoTrafficAndComesBackAt200() throws Exception {
        AtomicInteger health1 = new AtomicInteger(200);
        AtomicInteger pages1 = new AtomicInteger();
        HttpServer web1 = backend("web-1", health1, pages1);
        HttpServer web2 = backend("web-2", new AtomicInteger(200), new AtomicInteger());
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Files.writeString(home.etc().resolve("rsp.backends.cfg"),
                "backend.web-1 = 127.0.0.1:" + web1.getAddress().getPort() + "\n"
                        + "backend.web-2 = 127.0.0.1:" + web2.getAddress().getPort() + "\n");
        home.core("health.check.interval.ms", "100").core("health.check.path", "/healthz")
                .core("health.check.rise", "2").core("health.check.fall", "2").core("health.check.timeout.ms", "1s");
        Path log = tmp.resolve("rsp.log");
        ProcessBuilder pb = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("RSP_CDS", "off");
        Process rsp = pb.start();
        try {
            Waits.until("both backends serve", () -> answers(home).contains("web-1") && answers(home).contains("web-2"), log);

            health1.set(500);
            Waits.logLine(log, "Backend web-1 out: health check GET /healthz answered 500 (2 failed check(s) in a row)", 1);
            String backends = RawHttp.get(home.adminPort, "127.0.0.1", "/api/backends");
            assertTrue(backends.contains("\"name\":\"web-1\",\"address\":\"127.0.0.1:" + web1.getAddress().getPort()
                    + "\",\"weight\":1,\"state\":\"down\""), backends);
            assertTrue(backends.contains("\"reason\":\"health check GET /healthz answered 500\""), backends);
            int before = pages1.get();
            List<String> served = answers(home);
            assertEquals(List.of("web-2"), served.stream().distinct().toList(), "every host goes to web-2: " + served);
            assertEquals(before, pages1.get(), "web-1 got no request");

            health1.set(200);
            Waits.logLine(log, "Backend web-1 back: health check GET /healthz passed 2 time(s) in a row", 1);
            Waits.until("web-1 serves again", () -> answers(home).contains("web-1"), log);
            String stats = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
            assertTrue(stats.contains("\"health.check.down\":1"), stats);
            assertTrue(stats.contains("\"health.check.back\":1"), stats);
        } finally {
            rsp.destroy();
            rsp.waitFor(10, TimeUnit.SECONDS);
            rsp.destroyForcibly();
        }
    }

    /** Who answers each of 20 hosts (host-hash spreads them over both backends). */
    private static List<String> answers(RspHome home) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try {
                String r = RawHttp.get(home.httpPort, "site-" + i + ".example.com", "/");
                names.add(r.startsWith("HTTP/1.1 200 ") ? r.substring(r.lastIndexOf('\n') + 1) : "status " + r.lines().findFirst().orElse(""));
            } catch (IOException e) {
                names.add("error " + e.getMessage());
            }
        }
        return names;
    }
}
