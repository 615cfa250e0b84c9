package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop drains HTTP/2 connections: GOAWAY first, the stream in flight still answered, then the close. */
class H2DrainTest extends StubProxyFixture {


    @Test
    void aStopSendsGoAwayAndLetsTheStreamInFlightFinish() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        a = new StubBackend("a", (r, in, out) -> {
            asked.countDown();
            try {
                answer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            StubBackend.respond(out, 200, "late but whole");
            return true;
        });
        proxy = new ProxyHarness().withStrategy().backend("a", a.port());
        Path log = dir.resolve("client.log");
        // nghttp, not python3-h2: the h2 library treats any GOAWAY as the end and refuses the frames after it.
        Process client = new ProcessBuilder("nghttp", "-v", "-t", "20", "http://127.0.0.1:" + proxy.port() + "/slow")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(asked.await(10, TimeUnit.SECONDS), "the request reached the backend");
            CompletableFuture<Integer> cut = CompletableFuture.supplyAsync(proxy.engine::drain);
            assertTrue(ProxyHarness.await(() -> read(log).contains("recv GOAWAY"), 5000), "GOAWAY while the stream runs: " + read(log));
            answer.countDown();
            assertEquals(0, cut.get(15, TimeUnit.SECONDS), "nothing was cut");
            assertTrue(client.waitFor(15, TimeUnit.SECONDS), "the client saw the connection end");
            String out = read(log);
            int first = out.indexOf("last_stream_id=2147483647, error_code=NO_ERROR");
            int body = out.indexOf("late but whole");
            int last = out.indexOf("last_stream_id=13, error_code=NO_ERROR");
            assertTrue(first > 0, "first a graceful GOAWAY: " + out);
            assertTrue(body > first, "the stream in flight finished after it: " + out);
            assertTrue(last > first, "then the final GOAWAY naming the stream (nghttp opens 13 after its priority streams): " + out);
        } finally {
            client.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
