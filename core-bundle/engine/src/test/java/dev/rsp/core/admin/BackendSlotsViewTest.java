package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets: backend {@code a} with {@code ;maxconn=1} holds its answers until the test lets go. With one request
 * at it and one waiting in rsp, the operator sees in flight 1 of 1 and 1 queued in /api/backends, /api/stats,
 * /metrics and rsp:backends; once answered, 0 and 0. Backend {@code b} has no limit and shows maxconn 0.
 */
class BackendSlotsViewTest {

    final CountDownLatch letGo = new CountDownLatch(1);
    final AtomicInteger arrived = new AtomicInteger();
    final List<Socket> clients = new ArrayList<>();
    ServerSocket held;
    /** The Host of the requests: one routed to backend a. */
    String host;
    AdminFixture f;

    @AfterEach
    void tearDown() throws IOException {
        letGo.countDown();
        for (Socket c : clients) {
            c.close();
        }
        if (f != null) {
            f.close();
        }
        if (held != null) {
            held.close();
        }
    }

    /** A backend that reads each request head, then answers 200 (and closes) once the test lets go. */
    int holdingBackend() throws IOException {
        held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!held.isClosed()) {
                try {
                    Socket s = held.accept();
                    Thread t = new Thread(() -> answerWhenLetGo(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return held.getLocalPort();
    }

    void answerWhenLetGo(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            int matched = 0;
            while (matched < 4) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
            }
            arrived.incrementAndGet();
            if (letGo.await(20, TimeUnit.SECONDS)) {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
        } catch (IOException | InterruptedException e) {
            // the test ended
        }
    }

    Socket request() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), f.engine.localAddress().getPort());
        clients.add(s);
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return s;
    }

    String apiBackends() {
        AdminResponse r = f.routes("").handle(AdminFixture.get("/api/backends", ""));
        assertEquals(200, r.status(), r.bodyText());
        return r.bodyText();
    }

    /** The object of backend {@code name} in a JSON list of backends, from its name to its end. */
    static String backend(String json, String name) {
        Matcher m = Pattern.compile("\\{\"name\":\"" + name + "\"[^{}]*(\\{[^{}]*\\}[^{}]*)*\\}").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group();
    }

    static boolean await(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return condition.getAsBoolean();
    }

    @Test
    void aBackendAtItsMaxconnShowsTheRequestInFlightAndTheOneQueued() throws Exception {
        f = new AdminFixture(Map.of("backend.queue.timeout.ms", "20000"));
        int port = holdingBackend();
        f.backends(Map.of("backend.a", "127.0.0.1:" + port + ";maxconn=1", "backend.b", "127.0.0.1:" + port));
        // The fixture's hash strategy picks backend hash(host) mod 2 in the published order: a host that goes to a.
        List<String> order = f.engine.views().backendStatus().stream().map(b -> b.backend().name()).toList();
        int i = 0;
        while (!order.get(Math.floorMod(("h" + i + ".example").hashCode(), 2)).equals("a")) {
            i++;
        }
        host = "h" + i + ".example";
        String limited = "a";
        String other = "b";

        Socket first = request();
        assertTrue(await(() -> arrived.get() == 1, 5000), "the first request is at the backend");
        assertTrue(await(() -> backend(apiBackends(), limited).contains("\"in_flight\":1"), 5000), apiBackends());
        Socket second = request();
        assertTrue(await(() -> backend(apiBackends(), limited).contains("\"queued\":1"), 5000), apiBackends());
        assertEquals(1, arrived.get(), "the second waits in rsp");

        String shown = backend(apiBackends(), limited);
        assertTrue(shown.endsWith("\"in_flight\":1,\"maxconn\":1,\"queued\":1}"), shown);
        assertTrue(shown.matches("\\{\"name\":\"" + limited + "\",\"address\":\"[^\"]+\",\"weight\":1,\"state\":\"\\w+\",\"requests\".*"),
                "the fields before stay in their order: " + shown);
        assertTrue(backend(apiBackends(), other).endsWith("\"in_flight\":0,\"maxconn\":0,\"queued\":0}"), apiBackends());
        AdminResponse stats = f.routes("").handle(AdminFixture.get("/api/stats", ""));
        assertTrue(backend(stats.bodyText(), limited).endsWith("\"in_flight\":1,\"maxconn\":1,\"queued\":1}"), stats.bodyText());

        String metrics = MetricsExposition.render(f);
        assertTrue(metrics.contains("\nrsp_backend_in_flight{backend=\"" + limited + "\"} 1\n"), metrics);
        assertTrue(metrics.contains("\nrsp_backend_queued{backend=\"" + limited + "\"} 1\n"), metrics);
        assertTrue(metrics.contains("\nrsp_backend_maxconn{backend=\"" + limited + "\"} 1\n"), metrics);
        assertTrue(metrics.contains("\nrsp_backend_maxconn{backend=\"" + other + "\"} 0\n"), metrics);
        assertTrue(metrics.contains("\nrsp_backend_in_flight{backend=\"" + other + "\"} 0\n"), metrics);

        String text = new RoutingCommands(f, null).backendsText();
        String line = text.lines().filter(l -> l.startsWith(limited + " ")).findFirst().orElseThrow();
        assertTrue(line.contains(" in_flight=1/1 queued=1 "), text);
        String unlimited = text.lines().filter(l -> l.startsWith(other + " ")).findFirst().orElseThrow();
        assertTrue(!unlimited.contains("in_flight"), "nothing counted without a limit: " + text);

        letGo.countDown();
        assertTrue(status(first).startsWith("HTTP/1.1 200 "));
        assertTrue(status(second).startsWith("HTTP/1.1 200 "));
        assertTrue(await(() -> backend(apiBackends(), limited).endsWith("\"in_flight\":0,\"maxconn\":1,\"queued\":0}"), 5000),
                apiBackends());
        assertTrue(await(() -> MetricsExposition.render(f).contains("\nrsp_backend_in_flight{backend=\"" + limited + "\"} 0\n"), 5000));
        assertTrue(new RoutingCommands(f, null).backendsText().contains(" in_flight=0/1 queued=0 "));
    }

    static String status(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
