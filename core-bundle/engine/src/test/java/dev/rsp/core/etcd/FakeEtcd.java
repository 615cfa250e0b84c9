package dev.rsp.core.etcd;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rsp.core.json.Json;
import dev.rsp.core.json.JsonReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny etcd v3 JSON gateway of the tests' own, on a loopback port bound to 0: range over a prefix, and watches that
 * stream events line by line. Faults on demand: down (503 to everything, open watches cut), silent watches (created,
 * then nothing), compaction, cutting every open watch.
 */
final class FakeEtcd implements AutoCloseable {

    private record Event(long revision, boolean delete, String key, String value) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-etcd");
        t.setDaemon(true);
        return t;
    });
    private final TreeMap<String, String> store = new TreeMap<>();
    private final List<Event> log = new ArrayList<>();
    private long revision = 1;
    private long compacted;
    private boolean down;
    private int silentWatches;
    private Runnable beforeNextWatch;
    private int cut;
    private volatile boolean stopped;
    int ranges;
    int watches;

    FakeEtcd() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(threads);
        server.createContext("/v3/kv/range", this::range);
        server.createContext("/v3/watch", this::watch);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized long put(String key, String value) {
        revision++;
        store.put(key, value);
        log.add(new Event(revision, false, key, value));
        notifyAll();
        return revision;
    }

    synchronized void delete(String key) {
        revision++;
        store.remove(key);
        log.add(new Event(revision, true, key, null));
        notifyAll();
    }

    /** Forgets the history before the current revision (etcdctl compact). */
    synchronized void compact() {
        compacted = revision;
        log.removeIf(e -> e.revision < compacted);
    }

    synchronized void down(boolean d) {
        down = d;
        if (d) {
            cut++;
        }
        notifyAll();
    }

    /** The next {@code n} watches say created and then nothing, ever. */
    synchronized void silent(int n) {
        silentWatches = n;
    }

    /** Runs {@code change} (e.g. a put) when the next watch is created, before its creation line is sent. */
    synchronized void onNextWatch(Runnable change) {
        beforeNextWatch = change;
    }

    /** Ends every open watch stream (as an etcd restart does). */
    synchronized void cutWatches() {
        cut++;
        notifyAll();
    }

    private void range(HttpExchange x) throws IOException {
        Map<String, Object> body = JsonReader.object(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String answer;
        synchronized (this) {
            ranges++;
            if (down) {
                send(x, 503, "{\"error\":\"down\"}");
                return;
            }
            String from = decode(body.get("key"));
            String to = decode(body.get("range_end"));
            long limit = Long.parseLong((String) body.getOrDefault("limit", "0"));
            List<Object> kvs = new ArrayList<>();
            Map<String, String> in = store.subMap(from, to);
            for (Map.Entry<String, String> e : in.entrySet()) {
                if (limit > 0 && kvs.size() >= limit) {
                    break;
                }
                kvs.add(kv(e.getKey(), e.getValue(), revision));
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("header", Map.of("revision", String.valueOf(revision)));
            if (!kvs.isEmpty()) {
                o.put("kvs", kvs);
            }
            if (limit > 0 && in.size() > limit) {
                o.put("more", true);
            }
            o.put("count", String.valueOf(in.size()));
            answer = Json.write(o);
        }
        send(x, 200, answer);
    }

    private void watch(HttpExchange x) throws IOException {
        Map<String, Object> body = JsonReader.object(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> create = (Map<String, Object>) body.get("create_request");
        long start = Long.parseLong((String) create.get("start_revision"));
        String from = decode(create.get("key"));
        String to = decode(create.get("range_end"));
        boolean silent;
        int myCut;
        synchronized (this) {
            watches++;
            if (down) {
                send(x, 503, "{\"error\":\"down\"}");
                return;
            }
            silent = silentWatches > 0;
            if (silent) {
                silentWatches--;
            }
            if (beforeNextWatch != null) {
                beforeNextWatch.run();
                beforeNextWatch = null;
            }
            myCut = cut;
        }
        x.sendResponseHeaders(200, 0);
        try (OutputStream out = x.getResponseBody()) {
            synchronized (this) {
                line(out, Map.of("result", Map.of("header", Map.of("revision", String.valueOf(revision)), "created", true)));
                if (compacted > 0 && start < compacted) {
                    line(out, Map.of("result", Map.of("header", Map.of("revision", String.valueOf(revision)),
                            "canceled", true, "compact_revision", String.valueOf(compacted))));
                    return;
                }
            }
            long next = start;
            while (!stopped) {
                List<Object> events = new ArrayList<>();
                long rev;
                synchronized (this) {
                    if (cut != myCut) {
                        return;
                    }
                    for (Event e : log) {
                        if (e.revision >= next && e.key.compareTo(from) >= 0 && e.key.compareTo(to) < 0) {
                            Map<String, Object> ev = new LinkedHashMap<>();
                            if (e.delete) {
                                ev.put("type", "DELETE");
                                ev.put("kv", Map.of("key", b64(e.key), "mod_revision", String.valueOf(e.revision)));
                            } else {
                                ev.put("kv", kv(e.key, e.value, e.revision));
                            }
                            events.add(ev);
                        }
                    }
                    rev = revision;
                    if (events.isEmpty() || silent) {
                        try {
                            wait(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                        continue;
                    }
                    next = rev + 1;
                }
                line(out, Map.of("result", Map.of("header", Map.of("revision", String.valueOf(rev)), "events", events)));
            }
        } catch (IOException clientGone) {
            // the client closed the watch
        }
    }

    private static Map<String, Object> kv(String key, String value, long rev) {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("key", b64(key));
        if (!value.isEmpty()) {
            kv.put("value", b64(value));
        }
        kv.put("mod_revision", String.valueOf(rev));
        return kv;
    }

    private static void line(OutputStream out, Object o) throws IOException {
        out.write((Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(Object b64) {
        return new String(Base64.getDecoder().decode((String) b64), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stopped = true;
        synchronized (this) {
            cut++;
            notifyAll();
        }
        server.stop(0);
        threads.shutdownNow();
    }
}
