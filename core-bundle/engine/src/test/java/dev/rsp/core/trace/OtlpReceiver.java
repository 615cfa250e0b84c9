package dev.rsp.core.trace;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OTLP/HTTP trace receiver for tests, on 127.0.0.1 and a free port, path {@code /v1/traces}: it checks each
 * request's method and content type, parses the JSON body (a body that is not JSON fails the request with 400 and is
 * recorded as a problem) and keeps the spans. Its answers can be scripted ({@link #answer}: statuses given before
 * 200s) and held ({@link #hold}: requests wait until released, a collector that is slow).
 */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    /** Every span received, as parsed maps, with its resource's attributes under "_resource". */
    public final List<Map<String, Object>> spans = new CopyOnWriteArrayList<>();
    public final List<String> bodies = new CopyOnWriteArrayList<>();
    public final List<String> problems = new CopyOnWriteArrayList<>();
    public final AtomicInteger requests = new AtomicInteger();
    /** The x-api-key field of each request answered 200 ("null" when it had none). */
    public final List<String> apiKeys = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/v1/traces", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "otlp-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** The next requests get these statuses (with an empty body), then 200 again. */
    public void answer(Integer... statuses) {
        script.addAll(List.of(statuses));
    }

    /** Requests wait (before they are read) until {@link #release}. */
    public void hold() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        hold.countDown();
    }

    @SuppressWarnings("unchecked")
    private void handle(HttpExchange x) throws IOException {
        requests.incrementAndGet();
        try {
            hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Integer scripted = script.poll();
        int status = scripted == null ? 200 : scripted;
        if (status == 200) {
            apiKeys.add(String.valueOf(x.getRequestHeaders().getFirst("x-api-key")));
            if (!"POST".equals(x.getRequestMethod())
                    || !"application/json".equals(x.getRequestHeaders().getFirst("Content-Type"))) {
                problems.add(x.getRequestMethod() + " " + x.getRequestHeaders().getFirst("Content-Type"));
                status = 400;
            } else {
                try {
                    Map<String, Object> root = (Map<String, Object>) TinyJson.parse(body);
                    for (Object rs : (List<Object>) root.get("resourceSpans")) {
                        Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) rs).get("resource");
                        for (Object ss : (List<Object>) ((Map<String, Object>) rs).get("scopeSpans")) {
                            for (Object span : (List<Object>) ((Map<String, Object>) ss).get("spans")) {
                                Map<String, Object> m = new java.util.LinkedHashMap<>((Map<String, Object>) span);
                                m.put("_resource", resource);
                                spans.add(m);
                            }
                        }
                    }
                    bodies.add(body);
                } catch (RuntimeException e) {
                    problems.add(e.toString());
                    status = 400;
                }
            }
        }
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    /** The attributes of a received span (or resource) as a map of key to its typed value's single entry value. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> attributes(Map<String, Object> spanOrResource) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Object a : (List<Object>) spanOrResource.get("attributes")) {
            Map<String, Object> kv = (Map<String, Object>) a;
            Map<String, Object> typed = (Map<String, Object>) kv.get("value");
            out.put((String) kv.get("key"), new ArrayList<>(typed.entrySet()).get(0).getKey() + ":"
                    + new ArrayList<>(typed.entrySet()).get(0).getValue());
        }
        return out;
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
