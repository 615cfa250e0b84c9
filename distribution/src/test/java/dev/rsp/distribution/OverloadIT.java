package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst far beyond rsp's limits, with a small heap and direct memory: 3,000 clients at once against
 * {@code limits.connections = 200} and a 1 MiB buffer budget, in front of a backend that takes 20 ms per request.
 * Every client gets 200 or 503 (with Retry-After), none a reset or a close without an answer; the admin port answers
 * throughout; nothing in the log is an out-of-memory error.
 */
class OverloadIT {

    @TempDir
    Path tmp;

    @Test
    void aBurstFarBeyondTheLimitsIsAnsweredNeverReset() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        ExecutorService workers = Executors.newFixedThreadPool(32);
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        backend.setExecutor(workers);
        backend.createContext("/", exchange -> {
            // the backend's own pace, not a test synchronisation: 20 ms of "work" per request
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
        Files.writeString(home.etc().resolve("rsp.backends.cfg"),
                "backend.app = 127.0.0.1:" + backend.getAddress().getPort() + "\n");
        home.core("limits.connections", "200").core("limits.buffers", "1m");
        Path log = tmp.resolve("rsp.log");
        ProcessBuilder pb = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("RSP_JAVA_OPTS", "-Xmx96m -XX:MaxDirectMemorySize=16m");
        Process rsp = pb.start();
        AtomicBoolean bursting = new AtomicBoolean(true);
        AtomicInteger adminAnswers = new AtomicInteger();
        AtomicInteger adminFailures = new AtomicInteger();
        java.util.Queue<String> adminProblems = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread admin = new Thread(() -> pollAdmin(home.adminPort, bursting, adminAnswers, adminFailures, adminProblems), "admin-poll");
        try {
            Waits.until("rsp proxies to the test backend", () -> answered(home.httpPort, "/warm"), log);
            // the admin listener is a component of its own and may come up after the proxy
            Waits.until("the admin port answers", () -> adminAnswers(home.adminPort), log);
            admin.start();
            Map<String, Integer> outcomes = Burst.run(home.httpPort, 3_000,
                    "GET /burst HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n", 120);
            bursting.set(false);
            admin.join(10_000);
            System.out.println("OverloadIT burst outcomes: " + outcomes + ", admin answers: " + adminAnswers.get());
            int ok = outcomes.getOrDefault("200", 0);
            int refused = outcomes.getOrDefault("503", 0);
            assertEquals(3_000, ok + refused, "every client got 200 or 503: " + outcomes);
            assertTrue(ok > 0, "some were served: " + outcomes);
            assertEquals(0, adminFailures.get(), "the admin port answered throughout (" + adminAnswers.get() + " answers): "
                    + adminProblems);
            assertTrue(adminAnswers.get() > 0);
            String stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + home.adminPort + "/api/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(counter(stats, "accept.paused") > 0, "accepting paused at limits.connections: " + stats);
            assertEquals(refused, counter(stats, "overload.buffers"), "each 503 was a request over the buffer budget");
            String text = Files.readString(log);
            assertFalse(text.contains("OutOfMemoryError") || text.contains("Direct buffer memory"), "no out-of-memory error");
            assertTrue(answered(home.httpPort, "/after"), "rsp serves normally after the burst");
        } finally {
            bursting.set(false);
            rsp.destroy();
            if (!rsp.waitFor(15, TimeUnit.SECONDS)) {
                rsp.destroyForcibly();
            }
            backend.stop(0);
            workers.shutdownNow();
        }
    }

    private static long counter(String stats, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + java.util.regex.Pattern.quote(name) + "\":(\\d+)")
                .matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static boolean adminAnswers(int port) {
        try {
            String r = RawHttp.get(port, "127.0.0.1", "/api/chain");
            return r != null && r.startsWith("HTTP/1.1 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answered(int port, String path) {
        try {
            String r = RawHttp.get(port, "a.example", path);
            return r != null && r.startsWith("HTTP/1.1 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * curl gives up after half a second on a backend that does not answer: rsp closes the backend connection at once
     * (the backend reads its end), instead of keeping the request running until the backend answers.
     */
    @Test
    void aClientThatGivesUpCancelsItsBackendRequest() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        try (java.net.ServerSocket backend = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<Long> closedAfterNanos = new java.util.concurrent.CompletableFuture<>();
            Thread holder = new Thread(() -> holdUntilClosed(backend, closedAfterNanos), "holding-backend");
            holder.setDaemon(true);
            holder.start();
            Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.app = 127.0.0.1:" + backend.getLocalPort() + "\n");
            Path log = tmp.resolve("rsp.log");
            Process rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                // the backend published and host-hash live: before that a request is answered 503 at once
                Waits.until("rsp routes to the holding backend", () -> Waits.count(log, "added [app]") > 0
                        && Waits.count(log, "routing strategy host-hash added") > 0, log);
                Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "--max-time", "0.5",
                        "-H", "Host: a.example", "http://127.0.0.1:" + home.httpPort + "/held").start();
                assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl ended");
                assertEquals(28, curl.exitValue(), "curl timed out (exit 28)");
                long afterGivingUp = closedAfterNanos.get(10, TimeUnit.SECONDS);
                System.out.println("OverloadIT backend connection closed " + TimeUnit.NANOSECONDS.toMillis(afterGivingUp)
                        + " ms after the request arrived");
                Waits.logLine(log, "error=\"the client", 1);
            } finally {
                rsp.destroy();
                if (!rsp.waitFor(15, TimeUnit.SECONDS)) {
                    rsp.destroyForcibly();
                }
            }
        }
    }

    /** Accepts one connection, reads until it ends (never answering); completes with the time from accept to end. */
    private static void holdUntilClosed(java.net.ServerSocket server, java.util.concurrent.CompletableFuture<Long> closed) {
        try (java.net.Socket s = server.accept()) {
            long accepted = System.nanoTime();
            java.io.InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // the request, then nothing until rsp closes
            }
            closed.complete(System.nanoTime() - accepted);
        } catch (IOException e) {
            closed.complete(-1L);
        }
    }

    /** Asks /api/stats every 20 ms while the burst runs; each answer must come within 2 s. */
    private static void pollAdmin(int port, AtomicBoolean bursting, AtomicInteger answers, AtomicInteger failures,
            java.util.Queue<String> problems) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats"))
                .timeout(Duration.ofSeconds(2)).build();
        while (bursting.get()) {
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    answers.incrementAndGet();
                } else {
                    failures.incrementAndGet();
                    problems.add("status " + r.statusCode());
                }
            } catch (IOException e) {
                failures.incrementAndGet();
                problems.add(e.toString());
            } catch (InterruptedException e) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
