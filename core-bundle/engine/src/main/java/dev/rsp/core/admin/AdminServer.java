package dev.rsp.core.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener on the JDK's {@link HttpServer}, with two daemon threads of its own (never the proxy's loops).
 * Reads each request into an {@link AdminRequest} with bounded sizes (query and form parameters, a body of at most
 * {@link #MAX_BODY} bytes, form-encoded only) and writes the {@link AdminResponse} of {@link AdminRoutes}.
 */
final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("dev.rsp.core.admin");
    static final int MAX_BODY = 16 * 1024;

    private final HttpServer server;
    private final ExecutorService threads;

    private AdminServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Binds and starts; throws when the address cannot be bound. */
    static AdminServer start(InetSocketAddress address, AdminRoutes routes) throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "rsp-admin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", ex -> serve(ex, routes));
        server.start();
        return new AdminServer(server, threads);
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void serve(HttpExchange ex, AdminRoutes routes) throws IOException {
        AdminResponse response;
        try {
            response = routes.handle(read(ex));
        } catch (AdminRequest.BadRequest e) {
            response = AdminResponse.text(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            log.warn("admin request {} {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
            response = AdminResponse.text(500, "internal error: " + e.getClass().getSimpleName());
        }
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", response.contentType());
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            response.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    private static AdminRequest read(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String form = "";
        if (AdminRoutes.WITH_BODY.contains(method)) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                throw new AdminRequest.BadRequest(413, "request body larger than " + MAX_BODY + " bytes");
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (body.length > 0 && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))) {
                throw new AdminRequest.BadRequest(415, "send parameters as application/x-www-form-urlencoded");
            }
            form = new String(body, StandardCharsets.UTF_8);
        }
        Map<String, String> params = AdminRequest.params(ex.getRequestURI().getRawQuery(), form);
        String remote = ex.getRemoteAddress() == null ? "?" : ex.getRemoteAddress().getAddress().getHostAddress();
        return new AdminRequest(method, ex.getRequestURI().getRawPath(), params,
                ex.getRequestHeaders().getFirst("Authorization"), remote);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
