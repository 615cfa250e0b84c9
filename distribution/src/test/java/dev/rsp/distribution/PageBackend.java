package dev.rsp.distribution;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A static HTTP/1.1 test backend on 127.0.0.1, port 0 (the JDK's HttpServer, a thread per request): {@code GET /} is a
 * page that refers to {@link #IMAGES} images and {@link #SCRIPTS} scripts, each of which, once loaded, counts itself
 * into the page's {@code <body data-loaded="N">} (failures into {@code data-failed}); {@code GET /big} answers
 * {@code bigSize} bytes of {@link BigBodyBackend#byteAt} at {@code bytesPerSecond}, a download that stays in flight
 * long enough to stop rsp under it. It remembers the paths it served.
 */
final class PageBackend implements AutoCloseable {

    static final int IMAGES = 20;
    static final int SCRIPTS = 10;
    static final int RESOURCES = IMAGES + SCRIPTS;

    private static final byte[] SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"><rect width=\"8\" height=\"8\"/></svg>"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] SCRIPT = "loaded();\n".getBytes(StandardCharsets.UTF_8);

    final long bigSize;
    private final long bytesPerSecond;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "page-backend");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> served = ConcurrentHashMap.newKeySet();

    PageBackend(long bigSize, long bytesPerSecond) throws IOException {
        this.bigSize = bigSize;
        this.bytesPerSecond = bytesPerSecond;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::serve);
        server.setExecutor(threads);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The paths answered 200 so far. */
    Set<String> served() {
        return Set.copyOf(served);
    }

    static String page() {
        StringBuilder b = new StringBuilder("<!doctype html><html><head><title>30 resources</title><script>\n"
                + "var n = 0, failed = 0;\n"
                + "function loaded() { n++; document.body.setAttribute('data-loaded', n); }\n"
                + "function broken() { failed++; document.body.setAttribute('data-failed', failed); }\n"
                + "</script></head><body data-loaded=\"0\" data-failed=\"0\">\n");
        for (int i = 0; i < IMAGES; i++) {
            b.append("<img src=\"/img/").append(i).append(".svg\" onload=\"loaded()\" onerror=\"broken()\">\n");
        }
        for (int i = 0; i < SCRIPTS; i++) {
            b.append("<script src=\"/js/").append(i).append(".js\" onerror=\"broken()\"></script>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private void serve(HttpExchange x) throws IOException {
        try {
            String path = x.getRequestURI().getPath();
            if (path.equals("/")) {
                answer(x, path, "text/html; charset=utf-8", page().getBytes(StandardCharsets.UTF_8));
            } else if (path.matches("/img/\\d+\\.svg")) {
                answer(x, path, "image/svg+xml", SVG);
            } else if (path.matches("/js/\\d+\\.js")) {
                answer(x, path, "text/javascript", SCRIPT);
            } else if (path.equals("/big")) {
                big(x);
            } else {
                x.sendResponseHeaders(404, -1);
            }
        } finally {
            x.close();
        }
    }

    private void answer(HttpExchange x, String path, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
        served.add(path);
    }

    /** The big body, paced: piece by piece, never ahead of {@code bytesPerSecond}. */
    private void big(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Content-Type", "application/octet-stream");
        x.sendResponseHeaders(200, bigSize);
        OutputStream out = x.getResponseBody();
        byte[] piece = new byte[64 * 1024];
        long start = System.nanoTime();
        for (long at = 0; at < bigSize; ) {
            int n = (int) Math.min(piece.length, bigSize - at);
            for (int i = 0; i < n; i++) {
                piece[i] = (byte) BigBodyBackend.byteAt(at + i);
            }
            long due = start + TimeUnit.SECONDS.toNanos(1) * at / bytesPerSecond;
            LockSupport.parkNanos(due - System.nanoTime());
            out.write(piece, 0, n);
            at += n;
        }
        served.add("/big");
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
