package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 connection's own deadlines when a stream outlasts them: the idle timeout of a connection whose only
 * stream trickles from a slow backend, and the 1 s grace of a drain. Each acts once and the loop goes on, so the stream
 * is answered. (A deadline left in the past fired again at once, forever, and held the loop thread.) The backend
 * is slow on purpose: it answers late, or paces its body.
 */
class H2DeadlinesTest extends StubProxyFixture {

    /** The body trickles in (the exchange makes progress) while the client has nothing to send (no readiness). */
    @Test
    void aStreamThatOutlastsTheConnectionsIdleTimeoutIsAnswered() throws Exception {
        int pieces = 25;
        start((r, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + pieces * 1000 + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            paced(out, pieces);
            return true;
        }, Map.of("timeout.idle.ms", "500"));
        Process curl = curl(dir.resolve("idle.out"), "/paced");
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl finished");
        String out = Files.readString(dir.resolve("idle.out"), StandardCharsets.ISO_8859_1);
        assertEquals(0, curl.exitValue(), out);
        assertEquals("x".repeat(pieces * 1000) + "\n2 200", out);
    }

    @Test
    void aStreamThatOutlastsTheDrainGraceFinishesAndNothingIsCut() throws Exception {
        int pieces = 25;
        start((r, in, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + pieces * 1000 + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            paced(out, pieces);
            return true;
        }, Map.of("timeout.stop.ms", "20000"));
        Process curl = curl(dir.resolve("drain.out"), "/paced");
        assertTrue(ProxyHarness.await(() -> !a.requests().isEmpty() || !curl.isAlive(), 10_000), "the request reached the backend");
        assertTrue(curl.isAlive(), "still in flight");
        CompletableFuture<Integer> cut = CompletableFuture.supplyAsync(proxy.engine::drain);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl finished");
        String out = Files.readString(dir.resolve("drain.out"), StandardCharsets.ISO_8859_1);
        assertEquals(0, curl.exitValue(), out);
        assertEquals("x".repeat(pieces * 1000) + "\n2 200", out);
        assertEquals(0, cut.get(30, TimeUnit.SECONDS), "nothing had to be cut");
    }

    /** {@code pieces} pieces of 1000 bytes, 100 ms apart: 2.5 s for 25, past the drain's 1 s grace and a short idle timeout. */
    private static void paced(OutputStream out, int pieces) throws IOException {
        byte[] piece = "x".repeat(1000).getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < pieces; i++) {
            out.write(piece);
            out.flush();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private Process curl(Path output, String path) throws IOException {
        return new ProcessBuilder("curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "-w", "\n%{http_version} %{response_code}",
                "http://127.0.0.1:" + proxy.port() + path).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
