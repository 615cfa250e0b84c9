package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets under load: several clients, on keep-alive and on fresh connections, while a backend is removed and
 * added back and the routing strategy is unregistered and registered again within the grace period. Every request
 * must get a 2xx and no connection may fail.
 */
class ChurnLoadTest {

    static final int THREADS = 6;
    static final int REQUESTS_PER_THREAD = 500;
    static final int KEEP_ALIVE_BATCH = 25;
    static final int MAX_CHURN_ROUNDS = 500;

    StubBackend a;
    StubBackend b;
    ProxyHarness proxy;
    ExecutorService pool;

    @AfterEach
    void tearDown() throws IOException {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void noErrorsWhileBackendsAndStrategyChurn() throws Exception {
        StubBackend.Handler ok = (r, in, out) -> {
            StubBackend.readBody(r, in);
            StubBackend.respond(out, 200, "ok " + r.target());
            return true;
        };
        a = new StubBackend("a", ok);
        b = new StubBackend("b", ok);
        proxy = new ProxyHarness(Map.of("timeout.grace.ms", "2000", "timeout.stop.ms", "2000"))
                .backend("a", a.port()).backend("b", b.port());
        long[] serviceId = {1};
        proxy.routing.strategyAdded(ProxyHarness.STRATEGY, ProxyHarness.testStrategy(), serviceId[0], 0);

        AtomicInteger answered = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        pool = Executors.newFixedThreadPool(THREADS + 1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            boolean keepAlive = t % 2 == 0;
            int thread = t;
            workers.add(pool.submit(() -> run(thread, keepAlive, answered, failures)));
        }
        Future<Integer> churn = pool.submit(() -> {
            Deque<String> order = new ArrayDeque<>(List.of("a", "b"));
            Map<String, Integer> ports = Map.of("a", a.port(), "b", b.port());
            int rounds = 0;
            while (!done.get() && rounds < MAX_CHURN_ROUNDS) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(15));
                String first = order.removeFirst();
                proxy.removeBackend(first);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                proxy.backend(first, ports.get(first));
                order.addLast(first);
                proxy.routing.strategyRemoved(ProxyHarness.STRATEGY, ProxyHarness.testStrategy(), serviceId[0]);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                proxy.routing.strategyAdded(ProxyHarness.STRATEGY, ProxyHarness.testStrategy(), ++serviceId[0], 0);
                rounds++;
            }
            return rounds;
        });
        long start = System.nanoTime();
        for (Future<?> w : workers) {
            w.get(120, TimeUnit.SECONDS);
        }
        done.set(true);
        int rounds = churn.get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(failures.isEmpty(), failures.size() + " failures, e.g. " + failures.stream().limit(5).toList()
                + "; counters " + proxy.engine.counters().snapshot());
        assertEquals(THREADS * REQUESTS_PER_THREAD, answered.get());
        assertTrue(rounds > 0, "the backends and the strategy churned during the load");
        assertEquals(0, proxy.engine.counters().responses(5));
        assertEquals(0, proxy.engine.counters().responses(4));
        assertEquals(THREADS * REQUESTS_PER_THREAD, a.requests().size() + b.requests().size());
        assertTrue(ProxyHarness.await(() -> proxy.engine.views().bufferUse().inUse() == 0, 5000), "buffers given back");
        System.out.printf("ChurnLoadTest: %d requests in %d ms with %d churn rounds; %s%n", answered.get(), ms, rounds,
                proxy.engine.counters().snapshot());
    }

    private void run(int thread, boolean keepAlive, AtomicInteger answered, ConcurrentLinkedQueue<String> failures) {
        TestClient c = null;
        for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
            String path = "/t" + thread + "/" + i;
            try {
                if (c == null) {
                    c = new TestClient(proxy.address());
                }
                TestClient.Response r = c.get("x.example", path);
                if (r.status() / 100 != 2) {
                    failures.add(path + " -> " + r.status() + " " + r.text().trim());
                } else if (!r.text().equals("ok " + path)) {
                    failures.add(path + " -> wrong body " + r.text());
                }
                answered.incrementAndGet();
                if (!keepAlive || (i + 1) % KEEP_ALIVE_BATCH == 0 || "close".equals(r.header("connection"))) {
                    c.close();
                    c = null;
                }
            } catch (IOException | RuntimeException e) {
                failures.add(path + " -> " + e);
                if (c != null) {
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // counted already
                    }
                    c = null;
                }
            }
        }
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // done anyway
            }
        }
    }
}
