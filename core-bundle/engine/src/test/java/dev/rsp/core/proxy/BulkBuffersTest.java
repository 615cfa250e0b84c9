package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code buffer.bulk.size} on a running engine: large responses (length-framed and chunked) arrive intact through a
 * backend connection whose input moved up to a bulk buffer, the move is counted, and every buffer of both pools comes
 * back; by default (0) nothing moves.
 */
class BulkBuffersTest {

    static final int MIB = 1 << 20;

    @Test
    void largeResponsesMoveUpCountedIntactAndGiveBack() throws Exception {
        try (ProxyHarness h = new ProxyHarness(Map.of("buffer.pool.decay.ms", "50", "buffer.bulk.size", "65536")).withStrategy();
                StubBackend backend = big()) {
            h.backend("big", backend.port());
            fetchTwice(h, "/length");
            fetchTwice(h, "/chunked");
            assertTrue(ProxyHarness.await(() -> h.engine.counters().get("buffer.bulk.taken") >= 2, 5000),
                    "moves counted: " + h.engine.counters().get("buffer.bulk.taken"));
            assertTrue(ProxyHarness.await(() -> h.engine.views().pooledBytes().inUse() == 0, 5000),
                    "every buffer back: " + h.engine.views().pooledBytes());
        }
    }

    @Test
    void offByDefault() throws Exception {
        try (ProxyHarness h = new ProxyHarness(Map.of("buffer.pool.decay.ms", "50")).withStrategy();
                StubBackend backend = big()) {
            h.backend("big", backend.port());
            fetchTwice(h, "/length");
            // The buffers the transfers parked are gone only after decay ticks, which are also when moves are counted.
            assertTrue(ProxyHarness.await(() -> h.engine.views().pooledBytes().idle() == 0, 5000), "pools decayed: " + h.engine.views().pooledBytes());
            assertEquals(0, h.engine.counters().get("buffer.bulk.taken"));
        }
    }

    static final long SIZE = 4L * MIB;

    /** A backend answering 4 MiB of seeded bytes, chunked for {@code /chunked}, else with a Content-Length. */
    private static StubBackend big() throws Exception {
        return new StubBackend("big", (r, in, out) -> {
            if (r.target().equals("/chunked")) {
                out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                SeededBodies.writeChunked(out, 3, SIZE);
            } else {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + SIZE + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                SeededBodies.write(out, 3, SIZE);
            }
            return true;
        });
    }

    /** Two responses on one keep-alive client connection (and so one pooled backend connection), checked. */
    private static void fetchTwice(ProxyHarness h, String path) throws Exception {
        boolean chunked = path.equals("/chunked");
        java.io.OutputStream nowhere = java.io.OutputStream.nullOutputStream();
        String digest = chunked ? SeededBodies.writeChunked(nowhere, 3, SIZE) : SeededBodies.write(nowhere, 3, SIZE);
        try (TestClient client = new TestClient(h.address())) {
            for (int i = 0; i < 2; i++) {
                client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                InputStream in = client.in;
                BackpressureTest.ResponseHead head = BackpressureTest.ResponseHead.read(in);
                assertEquals(200, head.status());
                SeededBodies.Received got = chunked ? SeededBodies.readChunked(in) : SeededBodies.read(in, head.contentLength());
                assertEquals(SIZE, got.bytes());
                assertEquals(digest, got.digest(), "the body, byte for byte");
            }
        }
    }
}
