package dev.rsp.core.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load across a switch of the process behind a port: half the threads open a fresh connection per request, half keep
 * a connection alive until the proxy asks to close it. As HTTP clients do with an idempotent request, one that fails
 * on a reused connection (the proxy closed it while idle) is sent again on a new connection (counted {@link #resent},
 * not failed; the responses are a few bytes, so such a failure is before the response); on a fresh connection any
 * error, and any status but 200, is a failure. Bounded: every thread stops at {@link #stop}, after {@code maxRequests} in all,
 * or at {@code maxNanos}.
 */
final class SwitchLoad {

    private final InetSocketAddress target;
    private final long maxRequests;
    private final long deadline;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    SwitchLoad(InetSocketAddress target, int threadCount, long maxRequests, long maxMillis) {
        this.target = target;
        this.maxRequests = maxRequests;
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        for (int i = 0; i < threadCount; i++) {
            boolean keepAlive = i % 2 == 1;
            Thread t = new Thread(() -> run(keepAlive), "switch-load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    SwitchLoad start() {
        threads.forEach(Thread::start);
        return this;
    }

    long ok() {
        return ok.get();
    }

    long resent() {
        return resent.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the threads and waits for them (each ends its request in progress first). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }

    private boolean going() {
        return !stop.get() && System.nanoTime() - deadline < 0 && ok.get() + failures.size() < maxRequests;
    }

    private void run(boolean keepAlive) {
        TestClient c = null;
        while (going()) {
            boolean reused = c != null;
            try {
                if (c == null) {
                    c = new TestClient(connect());
                }
                TestClient.Response r;
                try {
                    c.send("GET /load HTTP/1.1\r\nHost: load.example\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n");
                    r = c.read(false);
                } catch (IOException e) {
                    if (reused) {
                        resent.incrementAndGet();
                        close(c);
                        c = null;
                        continue;
                    }
                    throw e;
                }
                if (r.status() == 200) {
                    ok.incrementAndGet();
                } else {
                    failures.add("status " + r.status());
                }
                if (!keepAlive || "close".equalsIgnoreCase(r.headers().get("connection"))) {
                    c.close();
                    c = null;
                }
            } catch (IOException e) {
                failures.add((reused ? "reused: " : "fresh: ") + e);
                close(c);
                c = null;
            }
        }
        close(c);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(target, 5_000);
        return s;
    }

    private static void close(TestClient c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // done with it
            }
        }
    }
}
