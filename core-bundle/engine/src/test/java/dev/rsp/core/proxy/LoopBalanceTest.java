package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections opened in one burst spread evenly over the loops: whichever loop wakes first accepts the burst, and
 * hands each connection that would put it more than one ahead to the least loaded loop. Without that, 50 keep-alive
 * connections of a load test could all land on one of two loops while the other idled.
 */
class LoopBalanceTest {

    static final int CONNECTIONS = 48;

    StubBackend backend;
    ProxyHarness proxy;
    final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aBurstOfConnectionsIsSharedEvenlyByTheLoopsAndEachIsServed() throws Exception {
        backend = new StubBackend("a", (r, in, out) -> {
            StubBackend.respond(out, 200, "ok");
            return true;
        });
        proxy = new ProxyHarness(Map.of("loops", "2")).withStrategy().backend("a", backend.port());

        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(new Socket("127.0.0.1", proxy.port()));
        }
        // every connection answers, on whichever loop it went to
        for (Socket s : clients) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        for (Socket s : clients) {
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", head);
        }

        int[] perLoop = proxy.engine.views().clientsPerLoop();
        assertEquals(CONNECTIONS, Arrays.stream(perLoop).sum(), Arrays.toString(perLoop));
        assertTrue(Math.abs(perLoop[0] - perLoop[1]) <= 2, "clients per loop " + Arrays.toString(perLoop));

        for (Socket s : clients) {
            s.close();
        }
        assertTrue(ProxyHarness.await(() -> Arrays.stream(proxy.engine.views().clientsPerLoop()).sum() == 0, 5_000),
                "closed connections leave their loop's count: " + Arrays.toString(proxy.engine.views().clientsPerLoop()));
    }
}
