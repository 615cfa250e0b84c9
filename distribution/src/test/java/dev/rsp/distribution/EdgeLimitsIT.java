package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/rsp} configured from {@code etc/} with the edge keys of issue #23 items 3 to 5: a trusted proxy
 * list ({@code forwarded.trusted = 127.0.0.1}, {@code forwarded.header = both}), request body limits
 * ({@code limits.body.bytes = 1k}, {@code limits.body.hosts = big.example=1m}) and a backend line with its own first
 * byte timeout and tries ({@code ;timeout.backend=500ms;tries=1}, the global timeout being 60 s). A JDK HTTP server is
 * the backend; curl and raw sockets the clients.
 */
class EdgeLimitsIT {

    @TempDir
    Path tmp;

    final AtomicInteger uploads = new AtomicInteger();
    final CountDownLatch letSlowGo = new CountDownLatch(1);

    @Test
    void trustedProxiesBodyLimitsAndABackendsOwnTimeoutWorkFromEtc() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.createContext("/", this::serve);
        backend.start();
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Files.writeString(home.etc().resolve("rsp.backends.cfg"),
                "backend.app = 127.0.0.1:" + backend.getAddress().getPort() + ";timeout.backend=500ms;tries=1\n");
        home.core("forwarded.trusted", "127.0.0.1").core("forwarded.header", "both")
                .core("limits.body.bytes", "1k").core("limits.body.hosts", "big.example=1m");
        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            Waits.until("rsp proxying to the test backend",
                    () -> answer(home.httpPort, "GET /ready HTTP/1.1\r\nHost: x.example\r\n").startsWith("HTTP/1.1 200 "), log);

            String who = answer(home.httpPort, "GET /who HTTP/1.1\r\nHost: x.example\r\nX-Forwarded-For: 203.0.113.50\r\n");
            assertTrue(who.endsWith("\r\n\r\nxff=203.0.113.50, 127.0.0.1 fwd=for=127.0.0.1;proto=http;host=\"x.example\""),
                    who);
            Waits.until("the access log naming the client the trusted proxy named",
                    () -> read(log).contains(" 203.0.113.50 http x.example GET /who "), log);

            String tooLarge = curl("-sS", "-i", "-H", "Host: x.example", "-H", "Expect: 100-continue", "--data-binary",
                    "@" + body(2000), "http://127.0.0.1:" + home.httpPort + "/up");
            assertTrue(tooLarge.startsWith("HTTP/1.1 413 Content Too Large\r\n"), "413, and no 100 Continue first:\n" + tooLarge);
            assertTrue(tooLarge.endsWith("the request body is larger than 1024 bytes, this site's limit\n"), tooLarge);
            String big = curl("-sS", "-H", "Host: big.example", "--data-binary", "@" + body(2000),
                    "http://127.0.0.1:" + home.httpPort + "/up");
            assertEquals("body=2000", big.substring(big.indexOf("body=")), big);
            String chunked = curl("-sS", "-i", "-H", "Host: x.example", "-H", "Transfer-Encoding: chunked", "-H", "Expect:",
                    "--data-binary", "@" + body(5000), "http://127.0.0.1:" + home.httpPort + "/up");
            assertTrue(chunked.startsWith("HTTP/1.1 413 Content Too Large\r\n"), chunked);
            assertEquals(1, uploads.get(), "only the upload within its host's limit reached the backend whole");

            long t0 = System.nanoTime();
            String slow = answer(home.httpPort, "GET /slow HTTP/1.1\r\nHost: x.example\r\n");
            assertTrue(slow.startsWith("HTTP/1.1 504 "), slow);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "the backend's 500 ms, not the global 60 s");

            String stats = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
            for (String counted : List.of("\"forwarded.client\":1", "\"reject.body_too_large\":1",
                    "\"request.body_too_large\":1", "\"backend.timeout\":1")) {
                assertTrue(stats.contains(counted), counted + " in " + stats);
            }
            String out = read(log);
            assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
        } finally {
            letSlowGo.countDown();
            RspHome.stop(rsp);
            backend.stop(0);
        }
    }

    @Test
    void badValuesAreNamedByCheck() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.app = 127.0.0.1:9;tries=0\n");
        home.core("forwarded.header", "x-real-ip").core("limits.body.hosts", "big.example=lots");
        Process check = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, check.exitValue(), checked);
        assertTrue(checked.contains("forwarded.header = 'x-real-ip': expected x-forwarded, forwarded or both"), checked);
        assertTrue(checked.contains("limits.body.hosts: 'big.example=lots': the limit is not a size"), checked);
        assertTrue(checked.contains("backend.app = '127.0.0.1:9;tries=0': tries 0 out of range (1-8)"), checked);
    }

    /**
     * /slow: held until the test ends; /up: the body's length (counted once read whole); anything else: the forwarding
     * fields received.
     */
    private void serve(HttpExchange x) throws IOException {
        String text;
        String path = x.getRequestURI().getPath();
        try (InputStream in = x.getRequestBody()) {
            if (path.equals("/slow")) {
                try {
                    letSlowGo.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                text = "late";
            } else if (path.equals("/up")) {
                int n = in.readAllBytes().length;
                uploads.incrementAndGet();
                text = "body=" + n;
            } else {
                text = "xff=" + x.getRequestHeaders().getFirst("X-Forwarded-For") + " fwd="
                        + x.getRequestHeaders().getFirst("Forwarded");
            }
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private Path body(int n) throws IOException {
        Path p = tmp.resolve("body-" + n);
        Files.write(p, new byte[n]);
        return p;
    }

    /** One request head (without its blank line) on a fresh connection that closes after the answer. */
    private static String answer(int port, String head) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String curl(String... args) throws Exception {
        Path out = tmp.resolve("curl-" + System.nanoTime());
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
