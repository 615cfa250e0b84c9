package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of a real {@code bin/rsp} sees of what rsp adds and answers itself: no Via on forwarded requests by
 * default, the JSON access log line of a proxied request and of rsp's own 502 (which names the backend in its
 * {@code error} field), and the operator's error page from {@code etc/errors/} served as it is, naming nothing
 * internal.
 */
class EdgeOutputIT {

    @TempDir
    Path tmp;

    @Test
    void viaIsOffTheAccessLogIsJsonAndA502ShowsTheOperatorsPage() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> echoHeads(backend), "head-echo-backend");
            echo.setDaemon(true);
            echo.start();
            Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.app = 127.0.0.1:" + backend.getLocalPort() + "\n");
            Path core = home.etc().resolve("rsp.core.cfg");
            Files.writeString(core, Files.readString(core) + "\naccess.log.format = json\n");
            Files.writeString(home.etc().resolve("errors/502.html"), "<h1>Down for a moment</h1>\n");
            Path log = tmp.resolve("rsp.log");
            Process rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                String[] answer = new String[1];
                Waits.until("a request proxied to the test backend", () -> {
                    answer[0] = get(home.httpPort, "/hello");
                    return answer[0] != null && answer[0].startsWith("HTTP/1.1 200 ");
                }, log);
                assertTrue(answer[0].contains("GET /hello HTTP/1.1"), answer[0]);
                assertFalse(answer[0].toLowerCase().contains("\nvia:"), "no Via by default: " + answer[0]);
                Waits.logLine(log, "\"target\":\"/hello\"", 1);
                String line = lineWith(log, "\"target\":\"/hello\"");
                assertTrue(line.startsWith("{\"time\":\"") && line.contains("\"status\":200")
                        && line.contains("\"backend\":\"app\"") && line.contains("\"user_agent\":\"edge-test/1\"")
                        && line.contains("\"version\":\"HTTP/1.1\""), line);

                // The backend moves to a port nothing listens on (closing a socket another thread accepts on can
                // let one more connection in): requests fail to connect from then on.
                int dead;
                try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    dead = gone.getLocalPort();
                }
                RspHome.writeAtomically(home.etc().resolve("rsp.backends.cfg"), "backend.app = 127.0.0.1:" + dead + "\n");
                String[] failedAnswer = new String[1];
                Waits.until("a 502 once the backend moved", () -> {
                    failedAnswer[0] = get(home.httpPort, "/after");
                    return failedAnswer[0] != null && failedAnswer[0].startsWith("HTTP/1.1 502 ");
                }, log);
                String failed = failedAnswer[0];
                assertTrue(failed.contains("Content-Type: text/html") && failed.endsWith("<h1>Down for a moment</h1>\n"), failed);
                assertFalse(failed.contains("app") || failed.contains(Integer.toString(dead)), failed);
                Waits.logLine(log, "\"target\":\"/after\"", 1);
                String failure = lineWith(log, "\"target\":\"/after\"");
                assertTrue(failure.contains("\"status\":502") && failure.contains("\"error\":\"no backend reachable")
                        && failure.contains("(tried app)"), failure);
            } finally {
                rsp.destroy();
                if (!rsp.waitFor(15, TimeUnit.SECONDS)) {
                    rsp.destroyForcibly();
                }
            }
        }
    }

    /** The last log line containing {@code text} (requests sent while rsp was starting may have left earlier ones). */
    private static String lineWith(Path log, String text) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).reduce((a, b) -> b).orElse("");
    }

    /** GET with a User-Agent and Connection: close; the whole answer, or null when nothing answers yet. */
    private static String get(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: edge-test/1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    /** Answers every request with its own head as the body. */
    private static void echoHeads(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int state = 0;
                while (state < 4) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.write(b);
                    state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
                }
                byte[] body = head.toByteArray();
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(body);
            } catch (IOException e) {
                // the next connection
            }
        }
    }
}
