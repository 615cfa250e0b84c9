package dev.rsp.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load across a rolling upgrade, behaving as HTTP clients do: half the threads open a connection per request, half
 * keep one alive until rsp answers {@code Connection: close}; a GET that fails on a reused connection (rsp closed it
 * while idle, the race every keep-alive client meets) is sent again on a new one and counted {@link #resent}. Any
 * error on a fresh connection, and any status but 200, is a failure. Bounded by a request count and a time.
 */
final class UpgradeLoad implements AutoCloseable {

    private final int port;
    private final long maxRequests;
    private final long deadline;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    UpgradeLoad(int port, int threadCount, long maxRequests, long maxSeconds) {
        this.port = port;
        this.maxRequests = maxRequests;
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        for (int i = 0; i < threadCount; i++) {
            boolean keepAlive = i % 2 == 1;
            Thread t = new Thread(() -> run(keepAlive), "upgrade-load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
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

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private boolean more() {
        return !stop.get() && System.nanoTime() - deadline < 0 && ok.get() + failures.size() < maxRequests;
    }

    private void run(boolean keepAlive) {
        Socket s = null;
        while (more()) {
            boolean reused = s != null;
            try {
                if (s == null) {
                    s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    s.setSoTimeout(10_000);
                }
                String[] status;
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(("GET /upgrade HTTP/1.1\r\nHost: upgrade.example\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                            + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    status = readResponse(s.getInputStream());
                } catch (IOException e) {
                    if (!reused) {
                        throw e;
                    }
                    resent.incrementAndGet();
                    s = closed(s);
                    continue;
                }
                if (status[0].equals("200")) {
                    ok.incrementAndGet();
                } else {
                    failures.add("status " + status[0]);
                }
                if (!keepAlive || status[1].equals("close")) {
                    s = closed(s);
                }
            } catch (IOException e) {
                failures.add((reused ? "reused: " : "fresh: ") + e);
                s = closed(s);
            }
        }
        closed(s);
    }

    /** The status code and the Connection header (lower case, "" when absent) of a response with a Content-Length. */
    private static String[] readResponse(InputStream in) throws IOException {
        String status = line(in);
        int length = 0;
        String connection = "";
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            } else if (h.regionMatches(true, 0, "connection:", 0, 11)) {
                connection = h.substring(11).trim().toLowerCase(java.util.Locale.ROOT);
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("body cut short");
        }
        return new String[] {status.split(" ")[1], connection};
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed before a complete response");
            }
            b.append((char) c);
        }
        return b.toString().endsWith("\r") ? b.substring(0, b.length() - 1) : b.toString();
    }

    private static Socket closed(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // done with it
            }
        }
        return null;
    }
}
