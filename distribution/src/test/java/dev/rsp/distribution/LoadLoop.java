package dev.rsp.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads sending GET requests to the proxy until told to stop or a bound is reached: half over keep-alive
 * connections (a new connection every 50 requests), half with a new connection per request; hosts and reload URLs
 * from a seeded sample. Every answer must be 2xx and every connection must work; failures are recorded, not thrown.
 */
final class LoadLoop implements AutoCloseable {

    static final int HOSTS = 500;

    private final int port;
    private final long maxRequests;
    private final long deadlineNanos;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final AtomicLong connectionErrors = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param maxRequests  the loop stops after this many requests in all
     * @param maxSeconds   ... or after this long, whichever comes first
     */
    LoadLoop(int port, int threadCount, long maxRequests, long maxSeconds) {
        this.port = port;
        this.maxRequests = maxRequests;
        this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        for (int i = 0; i < threadCount; i++) {
            long seed = 1000 + i;
            boolean keepAlive = i % 2 == 0;
            Thread t = new Thread(() -> run(seed, keepAlive), "load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    long ok() {
        return ok.get();
    }

    long total() {
        return ok.get() + non2xx.get() + connectionErrors.get();
    }

    long non2xx() {
        return non2xx.get();
    }

    long connectionErrors() {
        return connectionErrors.get();
    }

    /** The first few failures, for assertion messages. */
    List<String> failures() {
        return new ArrayList<>(failures);
    }

    /** Asks the threads to stop and waits for them (bounded). */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private boolean more() {
        return !stop.get() && total() < maxRequests && System.nanoTime() - deadlineNanos < 0;
    }

    private void run(long seed, boolean keepAlive) {
        SplittableRandom r = new SplittableRandom(seed);
        while (more()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.setSoTimeout(10_000);
                s.setTcpNoDelay(true);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                int perConnection = keepAlive ? 50 : 1;
                for (int i = 0; i < perConnection && more(); i++) {
                    int n = r.nextInt(HOSTS);
                    boolean reload = r.nextInt(10) == 0;
                    String host = reload ? "admin.example.com" : "Site-" + n + ".Example.com";
                    String path = reload ? "/api/v0/user/u" + n + "/webapps/site-" + n + ".example.com/reload" : "/p" + n;
                    String last = i == perConnection - 1 ? "Connection: close\r\n" : "";
                    out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + last + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    int status = readResponse(in);
                    if (status >= 200 && status < 300) {
                        ok.incrementAndGet();
                    } else {
                        non2xx.incrementAndGet();
                        record("status " + status + " for " + host + path);
                    }
                }
            } catch (IOException e) {
                connectionErrors.incrementAndGet();
                record("connection error: " + e);
            }
        }
    }

    private void record(String failure) {
        if (failures.size() < 20) {
            failures.add(failure);
        }
    }

    /** Reads one response framed by Content-Length and returns its status. */
    static int readResponse(InputStream in) throws IOException {
        String status = line(in);
        int length = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("body cut short");
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-response");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
