package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The backpressure design under load with real sockets: however slow one side is, a connection holds at most four
 * buffers (client input, backend input, request head, response head), the bytes arrive intact, and every buffer
 * taken from the loops' pools comes back.
 */
class BackpressureTest {

    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;
    static final int BUFFER_SIZE = 16384;
    static final int BUFFERS_PER_CONNECTION = 4;
    static final long SLOW_RATE = 4L * MIB;
    static final Map<String, String> CONFIG = Map.of("buffer.size", String.valueOf(BUFFER_SIZE));

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "backpressure-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() throws Exception {
        threads.shutdownNow();
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    /** One transfer through its own proxy: what each end saw and what the proxy's buffer accounting showed. */
    record Transfer(String name, long bytes, String sentDigest, String receivedDigest, int status, long nanos, Sampled buffers) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d MiB in %.1f s (%.1f MiB/s), status %d, buffers: %s", name, bytes / MIB,
                    nanos / 1e9, bytes / (double) MIB / (nanos / 1e9), status, buffers);
        }
    }

    /** What a client read: the response status and its body. */
    record ClientEnd(int status, SeededBodies.Received body) {
    }

    /** Buffer accounting seen while a transfer ran: the most in use at any sample, and the pools' peak at the end. */
    record Sampled(int samples, int maxInUse, int peak, int bufferSize) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d samples, max in use %d, peak %d (%d KiB)", samples, maxInUse, peak,
                    (long) peak * bufferSize / KIB);
        }
    }

    @Test
    void sixtyFourMiBPassBothWaysBetweenFastAndSlowEndsWithinFourBuffers() throws Exception {
        long size = 64L * MIB;
        // Two independent proxies, so that each one's accounting covers exactly one connection; run at once to halve the time.
        Future<Transfer> down = threads.submit(() -> downloadToSlowClient(size, false, 1));
        Future<Transfer> up = threads.submit(() -> uploadToSlowBackend(size, 2));
        for (Transfer t : List.of(down.get(120, TimeUnit.SECONDS), up.get(120, TimeUnit.SECONDS))) {
            System.out.println(t);
            assertTransferIntact(t, size);
        }
    }

    @Test
    void chunkedResponseToASlowClientStaysWithinFourBuffers() throws Exception {
        long size = 8L * MIB;
        Transfer t = downloadToSlowClient(size, true, 3);
        System.out.println(t);
        assertTransferIntact(t, size);
    }

    private static void assertTransferIntact(Transfer t, long size) {
        assertEquals(200, t.status(), t.name());
        assertEquals(size, t.bytes(), t.name() + ": bytes received");
        assertEquals(t.sentDigest(), t.receivedDigest(), t.name() + ": SHA-256 of what was sent and what arrived");
        assertTrue(t.buffers().samples() >= 3, t.name() + ": sampled the buffers while the transfer ran: " + t.buffers());
        assertTrue(t.buffers().maxInUse() <= BUFFERS_PER_CONNECTION, t.name() + ": buffers in use while running: " + t.buffers());
        assertTrue(t.buffers().peak() <= BUFFERS_PER_CONNECTION, t.name() + ": peak buffers of one connection: " + t.buffers());
    }

    /** A fast backend sends {@code size} seeded bytes; the client reads them at {@link #SLOW_RATE}. */
    private Transfer downloadToSlowClient(long size, boolean chunked, long seed) throws Exception {
        CompletableFuture<String> sent = new CompletableFuture<>();
        StubBackend backend = closeLater(new StubBackend("fast", (r, in, out) -> {
            if (chunked) {
                out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                sent.complete(SeededBodies.writeChunked(out, seed, size));
            } else {
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"));
                sent.complete(SeededBodies.write(out, seed, size));
            }
            return true;
        }));
        ProxyHarness proxy = closeLater(new ProxyHarness(CONFIG).withStrategy().backend("fast", backend.port()));
        TestClient client = closeLater(new TestClient(proxy.address()));
        long start = System.nanoTime();
        Future<ClientEnd> reading = threads.submit(() -> {
            client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = new PacedInputStream(client.in, SLOW_RATE);
            ResponseHead head = ResponseHead.read(in);
            return new ClientEnd(head.status(), chunked ? SeededBodies.readChunked(in) : SeededBodies.read(in, head.contentLength()));
        });
        Sampled buffers = sampleWhile(proxy, reading, 60_000);
        ClientEnd end = reading.get();
        long nanos = System.nanoTime() - start;
        return new Transfer(chunked ? "chunked download to a slow client" : "download to a slow client", end.body().bytes(),
                sent.get(5, TimeUnit.SECONDS), end.body().digest(), end.status(), nanos, buffers);
    }

    /** A fast client uploads {@code size} seeded bytes; the backend reads them at {@link #SLOW_RATE} and answers their digest. */
    private Transfer uploadToSlowBackend(long size, long seed) throws Exception {
        StubBackend backend = closeLater(new StubBackend("slow", (r, in, out) -> {
            SeededBodies.Received got = SeededBodies.read(new PacedInputStream(in, SLOW_RATE), r.contentLength());
            StubBackend.respond(out, 200, got.bytes() + " " + got.digest());
            return true;
        }));
        ProxyHarness proxy = closeLater(new ProxyHarness(CONFIG).withStrategy().backend("slow", backend.port()));
        TestClient client = closeLater(new TestClient(proxy.address()));
        // The backend may still be reading what sits in socket buffers when the client has written its last byte.
        client.socket.setSoTimeout(30_000);
        long start = System.nanoTime();
        CompletableFuture<String> sent = new CompletableFuture<>();
        Future<TestClient.Response> sending = threads.submit(() -> {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
            sent.complete(SeededBodies.write(client.socket.getOutputStream(), seed, size));
            return client.read(false);
        });
        Sampled buffers = sampleWhile(proxy, sending, 60_000);
        TestClient.Response response = sending.get();
        long nanos = System.nanoTime() - start;
        String[] answer = response.text().split(" ");
        return new Transfer("upload to a slow backend", Long.parseLong(answer[0]), sent.get(), answer[1],
                response.status(), nanos, buffers);
    }

    @Test
    void twoHundredSlowClientsStayUnderTheBufferCapAndGiveEveryBufferBack() throws Exception {
        int clients = 200;
        int size = 2 * MIB;
        byte[] body = SeededBodies.bytes(4, size);
        MessageDigest md = SeededBodies.sha256();
        md.update(body);
        String expected = SeededBodies.hex(md);
        byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
        StubBackend backend = closeLater(new StubBackend("b", (r, in, out) -> {
            out.write(head);
            out.write(body);
            return true;
        }));
        ProxyHarness proxy = closeLater(new ProxyHarness(CONFIG).withStrategy().backend("b", backend.port()));

        // Each client stalls up to 2 s before it reads, then reads at 512 KiB/s to 4 MiB/s.
        SplittableRandom plan = new SplittableRandom(5);
        long start = System.nanoTime();
        List<Future<SeededBodies.Received>> fetches = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long stallNanos = TimeUnit.MILLISECONDS.toNanos(plan.nextLong(0, 2000));
            long rate = plan.nextLong(512L * KIB, 4L * MIB);
            fetches.add(threads.submit(() -> fetchSlowly(proxy, stallNanos, rate)));
        }
        Future<?> all = threads.submit(() -> {
            for (Future<SeededBodies.Received> f : fetches) {
                f.get();
            }
            return null;
        });
        Sampled buffers = sampleWhile(proxy, all, 20_000);
        long nanos = System.nanoTime() - start;
        for (int i = 0; i < clients; i++) {
            SeededBodies.Received got = fetches.get(i).get();
            assertEquals(size, got.bytes(), "client " + i + ": bytes received");
            assertEquals(expected, got.digest(), "client " + i + ": SHA-256 of the body");
        }
        int cap = clients * BUFFERS_PER_CONNECTION;
        System.out.printf(Locale.ROOT, "%d slow clients x %d MiB in %.1f s; buffers: %s; cap %d buffers (%d KiB)%n", clients,
                size / MIB, nanos / 1e9, buffers, cap, (long) cap * BUFFER_SIZE / KIB);
        assertEquals(BUFFER_SIZE, buffers.bufferSize());
        assertTrue((long) buffers.peak() * buffers.bufferSize() <= (long) cap * BUFFER_SIZE, "peak buffers " + buffers.peak()
                + " exceed " + clients + " connections x " + BUFFERS_PER_CONNECTION + " x " + BUFFER_SIZE + " bytes");
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().bufferUse().inUse() == 0, 5_000),
                "every buffer returns to the pools: " + proxy.engine.views().bufferUse());
    }

    /** Sends a GET, stalls, then reads the response at {@code rate}; closes the connection. */
    private static SeededBodies.Received fetchSlowly(ProxyHarness proxy, long stallNanos, long rate) throws IOException {
        try (TestClient c = new TestClient(proxy.address())) {
            c.socket.setSoTimeout(20_000);
            c.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            long due = System.nanoTime() + stallNanos;
            for (long wait = stallNanos; wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            InputStream in = new PacedInputStream(c.in, rate);
            ResponseHead head = ResponseHead.read(in);
            assertEquals(200, head.status());
            return SeededBodies.read(in, head.contentLength());
        }
    }

    /**
     * Samples the proxy's buffer accounting about every 250 ms until {@code work} is done (at most {@code timeoutMs}),
     * and once more at the end for the peak.
     */
    private static Sampled sampleWhile(ProxyHarness proxy, Future<?> work, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int samples = 0;
        int maxInUse = 0;
        while (true) {
            EngineReports.BufferUse use = proxy.engine.views().bufferUse();
            samples++;
            maxInUse = Math.max(maxInUse, use.inUse());
            try {
                work.get(250, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    work.cancel(true);
                    fail("transfer not done within " + timeoutMs + " ms; buffers now " + use);
                }
            } catch (ExecutionException e) {
                break;
            }
        }
        EngineReports.BufferUse end = proxy.engine.views().bufferUse();
        return new Sampled(samples, maxInUse, end.peak(), end.bufferSize());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A response head read from a stream, leaving the stream at the first body byte. */
    record ResponseHead(int status, Map<String, String> headers) {
        static ResponseHead read(InputStream in) throws IOException {
            String statusLine = StubBackend.readLine(in);
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = StubBackend.readLine(in); h != null && !h.isEmpty(); h = StubBackend.readLine(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            return new ResponseHead(Integer.parseInt(statusLine.split(" ")[1]), headers);
        }

        long contentLength() {
            return Long.parseLong(headers.getOrDefault("content-length", "-1"));
        }
    }
}
