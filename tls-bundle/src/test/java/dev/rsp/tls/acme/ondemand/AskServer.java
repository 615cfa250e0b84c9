package dev.rsp.tls.acme.ondemand;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A permission endpoint on a loopback port: the answer depends on the name's first label: {@code yes*} 200,
 * {@code empty*} 204, {@code err*} 503, {@code gate*} 200 once {@link #gate} opens, {@code slow*} 200 once the test
 * ends; anything else 404. Records every query it gets.
 */
final class AskServer implements AutoCloseable {

    final List<String> queries = new CopyOnWriteArrayList<>();
    final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch end = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpServer server;

    AskServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/ask", this::answer);
        server.start();
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    private void answer(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        queries.add(query);
        String domain = query.substring(query.indexOf("domain=") + "domain=".length());
        int status = 404;
        try {
            if (domain.startsWith("yes")) {
                status = 200;
            } else if (domain.startsWith("empty")) {
                status = 204;
            } else if (domain.startsWith("err")) {
                status = 503;
            } else if (domain.startsWith("gate")) {
                gate.await(30, TimeUnit.SECONDS);
                status = 200;
            } else if (domain.startsWith("slow")) {
                end.await(30, TimeUnit.SECONDS);
                status = 200;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    /** Waits until the server got {@code n} queries: the way to know a request is in flight without sleeping. */
    void awaitQueries(int n) {
        dev.rsp.tls.Poll.until(n + " queries", java.time.Duration.ofSeconds(10), () -> queries.size() >= n,
                () -> "got " + queries);
    }

    @Override
    public void close() {
        end.countDown();
        gate.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
