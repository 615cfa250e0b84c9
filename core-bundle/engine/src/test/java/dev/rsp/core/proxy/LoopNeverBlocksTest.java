package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No loop thread ever blocks: {@link ProxyEngine#longestLoopIterationNanos()} stays short under mixed traffic, and
 * backends that never answer or never accept do not hold up other requests served by the same loop.
 */
class LoopNeverBlocksTest {

    /** A loop that waited on a socket, a name lookup or a contended lock would show far more than this. */
    static final long MAX_ITERATION_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final int LARGE = 4 * 1024 * 1024;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch releaseSilent = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loop-test");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() throws Exception {
        releaseSilent.countDown();
        threads.shutdownNow();
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    @Test
    void mixedTrafficKeepsEveryLoopIterationShort() throws Exception {
        byte[] large = SeededBodies.bytes(7, LARGE);
        String largeDigest = digest(large);
        StubBackend backend = closeLater(new StubBackend("b", (r, in, out) -> {
            byte[] body = StubBackend.readBody(r, in);
            if (r.target().startsWith("/large")) {
                out.write(BackpressureTest.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + LARGE + "\r\n\r\n"));
                out.write(large);
            } else {
                StubBackend.respond(out, 200, r.method() + " " + r.target() + " " + body.length);
            }
            return true;
        }));
        ProxyHarness proxy = closeLater(new ProxyHarness().withStrategy().backend("b", backend.port()));

        int smallThreads = 8;
        int requestsPerThread = 150;
        List<Future<?>> work = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < smallThreads; t++) {
            int thread = t;
            work.add(threads.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(100 + thread);
                try (TestClient c = new TestClient(proxy.address())) {
                    for (int i = 0; i < requestsPerThread; i++) {
                        String path = "/small/" + thread + "/" + i;
                        TestClient.Response r;
                        if (i % 3 == 0) {
                            int n = rnd.nextInt(0, 4000);
                            c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + n + "\r\n\r\n" + "x".repeat(n));
                            r = c.read(false);
                            assertEquals("POST " + path + " " + n, r.text());
                        } else {
                            r = c.get("x", path);
                            assertEquals("GET " + path + " 0", r.text());
                        }
                        assertEquals(200, r.status());
                    }
                }
                return null;
            }));
        }
        for (int t = 0; t < 3; t++) {
            work.add(threads.submit(() -> {
                try (TestClient c = new TestClient(proxy.address())) {
                    for (int i = 0; i < 4; i++) {
                        TestClient.Response r = c.get("x", "/large/" + i);
                        assertEquals(200, r.status());
                        assertEquals(largeDigest, digest(r.body()), "large response " + i);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        long nanos = System.nanoTime() - start;
        long longest = proxy.engine.views().longestLoopIterationNanos();
        System.out.printf(Locale.ROOT, "%d small requests and 12 x 4 MiB responses in %.2f s; longest loop iteration %.2f ms%n",
                smallThreads * requestsPerThread, nanos / 1e9, longest / 1e6);
        assertEquals(smallThreads * requestsPerThread + 12, proxy.engine.counters().responses(2));
        assertTrue(longest < MAX_ITERATION_NANOS, "longest loop iteration " + longest / 1_000_000 + " ms");
    }

    @Test
    void backendsThatNeverAnswerOrNeverAcceptDoNotHoldUpOthersOnTheSameLoop() throws Exception {
        long backendTimeoutMs = 4000;
        StubBackend healthy = closeLater(new StubBackend("healthy", (r, in, out) -> {
            StubBackend.respond(out, 200, "fine " + r.target());
            return true;
        }));
        StubBackend silent = closeLater(new StubBackend("silent", (r, in, out) -> {
            // accepts and reads the request, then never answers (until the test ends)
            try {
                releaseSilent.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }));
        List<Socket> fillers = new ArrayList<>();
        ServerSocket deaf = closeLater(listenerThatNeverAccepts(fillers));
        fillers.forEach(this::closeLater);
        // One loop, so the stuck exchanges and the healthy ones certainly share it.
        ProxyHarness proxy = closeLater(new ProxyHarness(Map.of("loops", "1", "timeout.backend.ms", String.valueOf(backendTimeoutMs),
                "timeout.connect.ms", String.valueOf(backendTimeoutMs), "timeout.stop.ms", "1000"))
                .withStrategy().backend("healthy", healthy.port()).backend("silent", silent.port()).backend("deaf", deaf.getLocalPort()));

        int stuckPerBackend = 10;
        long stuckSince = System.nanoTime();
        List<TestClient> toSilent = new ArrayList<>();
        List<TestClient> toDeaf = new ArrayList<>();
        for (int i = 0; i < stuckPerBackend; i++) {
            toSilent.add(closeLater(new TestClient(proxy.address())).send("GET /s" + i + " HTTP/1.1\r\nHost: x\r\nX-Backend: silent\r\n\r\n"));
            toDeaf.add(closeLater(new TestClient(proxy.address())).send("GET /d" + i + " HTTP/1.1\r\nHost: x\r\nX-Backend: deaf\r\n\r\n"));
        }
        assertTrue(ProxyHarness.await(() -> silent.requests().size() == stuckPerBackend
                        && proxy.engine.counters().activeBackendConnections() == 2 * stuckPerBackend, 3000),
                "the stuck requests reached their backends: " + proxy.engine.counters().snapshot());

        int healthyThreads = 4;
        int requestsPerThread = 50;
        AtomicLong slowest = new AtomicLong();
        List<Future<?>> work = new ArrayList<>();
        long healthyStart = System.nanoTime();
        for (int t = 0; t < healthyThreads; t++) {
            int thread = t;
            work.add(threads.submit(() -> {
                try (TestClient c = new TestClient(proxy.address())) {
                    for (int i = 0; i < requestsPerThread; i++) {
                        long begin = System.nanoTime();
                        TestClient.Response r = c.send("GET /h/" + thread + "/" + i + " HTTP/1.1\r\nHost: x\r\nX-Backend: healthy\r\n\r\n")
                                .read(false);
                        slowest.accumulateAndGet(System.nanoTime() - begin, Math::max);
                        assertEquals(200, r.status());
                        assertEquals("fine /h/" + thread + "/" + i, r.text());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(backendTimeoutMs, TimeUnit.MILLISECONDS);
        }
        long healthyNanos = System.nanoTime() - healthyStart;
        long stuckForNanos = System.nanoTime() - stuckSince;
        System.out.printf(Locale.ROOT, "%d healthy requests beside %d stuck ones in %.0f ms, slowest %.1f ms; longest loop iteration %.2f ms%n",
                healthyThreads * requestsPerThread, 2 * stuckPerBackend, healthyNanos / 1e6, slowest.get() / 1e6,
                proxy.engine.views().longestLoopIterationNanos() / 1e6);
        assertTrue(slowest.get() < TimeUnit.MILLISECONDS.toNanos(500), "slowest healthy request " + slowest.get() / 1_000_000 + " ms");
        assertTrue(stuckForNanos < TimeUnit.MILLISECONDS.toNanos(backendTimeoutMs),
                "the healthy requests finished while the stuck ones were still within their timeouts");
        for (TestClient c : toSilent) {
            assertEquals(0, c.in.available(), "a request to the silent backend got nothing yet");
        }
        for (TestClient c : toDeaf) {
            assertEquals(0, c.in.available(), "a request to the deaf backend got nothing yet");
        }
        assertEquals(0, proxy.engine.counters().get("backend.timeout"));
        assertEquals(0, proxy.engine.counters().get("backend.connect_failed"));

        // The stuck ones end as the timeouts say: 504 from the silent backend, 502 for the one that never accepted.
        for (TestClient c : toSilent) {
            assertEquals(504, c.read(false).status());
        }
        for (TestClient c : toDeaf) {
            assertEquals(502, c.read(false).status());
        }
        long longest = proxy.engine.views().longestLoopIterationNanos();
        assertTrue(longest < MAX_ITERATION_NANOS, "longest loop iteration " + longest / 1_000_000 + " ms");
    }

    @Test
    void anIdleProxyWithPooledBackendConnectionsDoesNotSpin() throws Exception {
        StubBackend backend = closeLater(new StubBackend("b", (r, in, out) -> {
            StubBackend.respond(out, 200, "ok");
            return true;
        }));
        ProxyHarness proxy = closeLater(new ProxyHarness().withStrategy().backend("b", backend.port()));
        try (TestClient c = new TestClient(proxy.address())) {
            assertEquals(200, c.get("x", "/").status());
        }
        assertTrue(ProxyHarness.await(() -> proxy.engine.counters().activeClients() == 0, 2000));
        assertEquals(1, proxy.engine.counters().activeBackendConnections(), "the backend connection idles in the pool");

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("rsp-loop-") && t.isAlive()).toList();
        long cpuBefore = loops.stream().mapToLong(t -> mx.getThreadCpuTime(t.getId())).sum();
        long windowNanos = TimeUnit.MILLISECONDS.toNanos(1000);
        long due = System.nanoTime() + windowNanos;
        // measuring over a window of time, not waiting for an event
        for (long wait = windowNanos; wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        long cpu = loops.stream().mapToLong(t -> mx.getThreadCpuTime(t.getId())).sum() - cpuBefore;
        System.out.printf(Locale.ROOT, "idle loops used %.1f ms of CPU in %d ms%n", cpu / 1e6, windowNanos / 1_000_000);
        assertTrue(cpu < windowNanos / 10, "idle loops used " + cpu / 1_000_000 + " ms of CPU in a 1 s window");
    }

    /**
     * A listener whose backlog is full and which never accepts: further connects stay pending (their SYNs are
     * dropped). Fills the backlog with connections kept in {@code fillers} until a connect times out.
     */
    private static ServerSocket listenerThatNeverAccepts(List<Socket> fillers) throws IOException {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(address, 300);
                fillers.add(filler);
            } catch (SocketTimeoutException e) {
                filler.close();
                return s;
            }
        }
        s.close();
        fail("the backlog of a listener that never accepts did not fill up");
        return s;
    }

    private static String digest(byte[] b) {
        MessageDigest md = SeededBodies.sha256();
        md.update(b);
        return SeededBodies.hex(md);
    }
}
