package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/rsp} in front of a backend with {@code ;maxconn=1} in {@code etc/rsp.backends.cfg} and a queue of
 * one ({@code backend.queue.size = 1} in {@code etc/rsp.core.cfg}): while a slow request holds the backend, the next
 * request waits in rsp and is served once the first is done, and one more gets {@code 503} with {@code Retry-After}
 * at once. The backend never sees two requests at a time. Meanwhile /api/backends and /metrics show it: 1 in flight of
 * maxconn 1, 1 queued.
 */
class BackendQueueIT {

    @TempDir
    Path tmp;

    final CountDownLatch letGo = new CountDownLatch(1);
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger mostConcurrent = new AtomicInteger();

    @Test
    void aBackendAtItsMaxconnQueuesOneRequestAndRefusesTheNextWithRetryAfter() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> serve(backend), "slow-backend");
            acceptor.setDaemon(true);
            acceptor.start();
            Files.writeString(home.etc().resolve("rsp.backends.cfg"),
                    "backend.app = 127.0.0.1:" + backend.getLocalPort() + ";maxconn=1\n");
            home.core("backend.queue.size", "1").core("backend.queue.timeout.ms", "30s");
            Path log = tmp.resolve("rsp.log");
            Process rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                Waits.until("rsp proxying to the test backend", () -> answer(home.httpPort, "/ready").startsWith("HTTP/1.1 200 "), log);
                int before = requests.get();
                try (Socket first = send(home.httpPort, "/slow")) {
                    Waits.until("the slow request at the backend", () -> requests.get() == before + 1, log);
                    try (Socket second = send(home.httpPort, "/second")) {
                        Waits.until("the second waiting in rsp's queue (backend.queued in /api/stats)", () -> stats(home)
                                .contains("\"backend.queued\":1"), log);
                        String third = answer(home.httpPort, "/third");
                        assertTrue(third.startsWith("HTTP/1.1 503 ") && third.contains("\r\nRetry-After: 1\r\n"), third);
                        assertTrue(stats(home).contains("\"backend.queue.full\":1"), stats(home));
                        assertEquals(before + 1, requests.get(), "neither the second nor the third reached the backend");
                        String backends = RawHttp.get(home.adminPort, "127.0.0.1", "/api/backends");
                        assertTrue(backends.contains("\"in_flight\":1,\"maxconn\":1,\"queued\":1}"), backends);
                        String metrics = RawHttp.get(home.adminPort, "127.0.0.1", "/metrics");
                        assertTrue(metrics.contains("\nrsp_backend_in_flight{backend=\"app\"} 1\n")
                                && metrics.contains("\nrsp_backend_queued{backend=\"app\"} 1\n"), metrics);
                        letGo.countDown();
                        assertTrue(read(first).startsWith("HTTP/1.1 200 "));
                        String served = read(second);
                        assertTrue(served.startsWith("HTTP/1.1 200 ") && served.endsWith("/second"), served);
                    }
                }
                assertEquals(1, mostConcurrent.get(), "never two requests at the backend at once");
            } finally {
                letGo.countDown();
                rsp.destroy();
                if (!rsp.waitFor(15, TimeUnit.SECONDS)) {
                    rsp.destroyForcibly();
                }
            }
        }
    }

    private static String stats(RspHome home) {
        try {
            return RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
        } catch (IOException e) {
            return "";
        }
    }

    private static Socket send(int port, String path) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        return s;
    }

    private static String read(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** One GET; the whole answer, or "" when nothing answers yet. */
    private static String answer(int port, String path) {
        try (Socket s = send(port, path)) {
            s.setSoTimeout(5000);
            return read(s);
        } catch (IOException e) {
            return "";
        }
    }

    /** Each connection on its own thread: reads a head, holds {@code /slow} until {@link #letGo}, answers its path. */
    private void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> answerOne(s), "slow-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answerOne(Socket s) {
        try (s) {
            String path = readHead(s.getInputStream());
            if (path == null) {
                return;
            }
            requests.incrementAndGet();
            mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                if (path.equals("/slow")) {
                    letGo.await(30, TimeUnit.SECONDS);
                }
                byte[] body = path.getBytes(StandardCharsets.ISO_8859_1);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(body);
            } finally {
                concurrent.decrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            // the connection ends
        }
    }

    /** The target of the request head read from {@code in}, or null when the connection closed first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
        String line = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
        return line.split(" ")[1];
    }
}
