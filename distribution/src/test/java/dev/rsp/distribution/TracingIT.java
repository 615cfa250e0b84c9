package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real bin/rsp configured from etc/ to trace: the backend gets rsp's span as the parent of the client's trace, the
 * access log names the trace, and the test's own OTLP/HTTP receiver gets the span as JSON (resourceSpans, scopeSpans,
 * spans) with the same ids.
 */
class TracingIT {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final Pattern SENT = Pattern.compile("traceparent: 00-([0-9a-f]{32})-([0-9a-f]{16})-01\r\n");

    @TempDir
    Path tmp;

    @Test
    void aRealRspExportsItsSpanToTheCollectorAndIsTheBackendsParent() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        collector.createContext("/v1/traces", x -> {
            String type = x.getRequestHeaders().getFirst("Content-Type");
            bodies.add(type + " " + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        collector.start();
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> echoHeads(backend), "head-echo-backend");
            echo.setDaemon(true);
            echo.start();
            Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.app = 127.0.0.1:" + backend.getLocalPort() + "\n");
            home.core("tracing.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces")
                    .core("tracing.otlp.interval.ms", "100").core("tracing.service.name", "edge-1");
            Path log = tmp.resolve("rsp.log");
            Process rsp = home.start(log);
            try {
                String[] answer = new String[1];
                Waits.until("a traced request proxied to the test backend", () -> {
                    answer[0] = get(home.httpPort, "/traced");
                    return answer[0] != null && answer[0].startsWith("HTTP/1.1 200 ");
                }, log);
                Matcher m = SENT.matcher(answer[0]);
                assertTrue(m.find(), answer[0]);
                assertEquals(TRACE, m.group(1), "the client's trace goes on");
                assertNotEquals("00f067aa0ba902b7", m.group(2), "with rsp's span as the parent");
                String spanId = m.group(2);
                Waits.until("rsp's span at the collector", () -> bodies.stream().anyMatch(b -> b.contains("\"spanId\":\"" + spanId + "\"")), log);
                String body = bodies.stream().filter(b -> b.contains(spanId)).findFirst().orElseThrow();
                assertTrue(body.startsWith("application/json {\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":"
                        + "\"service.name\",\"value\":{\"stringValue\":\"edge-1\"}}]},\"scopeSpans\":[{\"scope\":"), body);
                assertTrue(body.contains("\"traceId\":\"" + TRACE + "\",\"spanId\":\"" + spanId
                        + "\",\"parentSpanId\":\"00f067aa0ba902b7\""), body);
                assertTrue(body.contains("{\"key\":\"rsp.backend\",\"value\":{\"stringValue\":\"app\"}}"), body);
                Waits.logLine(log, "trace=" + TRACE, 1);
            } finally {
                RspHome.stop(rsp);
                collector.stop(0);
            }
        }
    }

    /** GET with a traceparent and Connection: close; the whole answer, or null when nothing answers yet. */
    private static String get(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: shop.example.com\r\ntraceparent: 00-" + TRACE
                    + "-00f067aa0ba902b7-01\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
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
