package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.rsp.core.testing.RealEtcd;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet: three bin/rsp processes and one real etcd (Debian's etcd-server) on loopback, all three reading
 * {@code /rsp/fleet/}. A backend added in etcd is used by all three within 2 s; all three route 10,000 hosts to the same
 * backends; a configuration key changed in etcd applies on all three, an invalid one is refused by all three, and the
 * Lua rules text can come from etcd; etcd stopped and started again under load fails no request, and changes made
 * afterwards reach all three.
 */
class FleetIT {

    static final String PREFIX = "/rsp/fleet/";
    static final Pattern BACKEND = Pattern.compile("\"backend\":\"([^\"]*)\"");
    static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]*)\",\"address\"");

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** A backend that answers every request with its name. */
    static final class Named implements AutoCloseable {
        final String name;
        final HttpServer server;

        Named(String name) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            server.setExecutor(Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "backend-" + name);
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/", x -> {
                x.getRequestBody().readAllBytes();
                byte[] b = name.getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, b.length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(b);
                }
            });
            server.start();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void threeInstancesFollowOneEtcd() throws Exception {
        RealEtcd.assumeInstalled();
        List<Process> processes = new ArrayList<>();
        try (RealEtcd etcd = new RealEtcd(tmp).start(); Named b1 = new Named("b1"); Named b2 = new Named("b2");
                Named b3 = new Named("b3"); Named b4 = new Named("b4")) {
            etcd.put(PREFIX + "backends/b1", b1.address());
            etcd.put(PREFIX + "backends/b2", b2.address() + ";weight=2");
            List<RspHome> homes = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RspHome home = RspHome.copyTo(tmp.resolve("rsp" + i));
                Files.writeString(home.etc().resolve("rsp.etcd.cfg"), "endpoints = " + etcd.endpoint() + "\nprefix = "
                        + PREFIX + "\nconfig = on\nbackoff.max.ms = 1000\n");
                Path log = tmp.resolve("rsp" + i + ".log");
                homes.add(home);
                logs.add(log);
                processes.add(home.start(log));
            }
            for (int i = 0; i < 3; i++) {
                RspHome home = homes.get(i);
                Waits.until("rsp" + i + " with the backends from etcd", () -> backends(home).equals(Set.of("b1", "b2")),
                        logs.get(i));
            }
            Waits.logLine(logs.get(0), "the backends of etc/rsp.backends.cfg are not used", 1);

            long added = System.nanoTime();
            etcd.put(PREFIX + "backends/b3", b3.address());
            for (int i = 0; i < 3; i++) {
                RspHome home = homes.get(i);
                Waits.until("rsp" + i + " routing a host to b3", () -> hostRoutedTo(home, "b3") != null, logs.get(i));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - added);
            assertTrue(millis < 2000, "b3 was routed to by all three after " + millis + " ms");
            String host = hostRoutedTo(homes.get(0), "b3");
            for (RspHome home : homes) {
                String answer = RawHttp.get(home.httpPort, host, "/");
                assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("\r\n\r\nb3"), answer);
            }

            List<String> first = routes(homes.get(0), 10_000);
            assertEquals(Set.of("b1", "b2", "b3"), new TreeSet<>(first), "10,000 hosts spread over the three backends");
            for (int i = 1; i < 3; i++) {
                assertEquals(first, routes(homes.get(i), 10_000), "rsp" + i + " routes every host as rsp0 does");
            }

            etcd.put(PREFIX + "config/rsp.core/routing.chain", "host-hash");
            for (int i = 0; i < 3; i++) {
                RspHome home = homes.get(i);
                Waits.until("rsp" + i + " with routing.chain from etcd", () -> get(home, "/api/chain")
                        .contains("\"chain\":[\"host-hash\"]"), logs.get(i));
            }
            Waits.logLine(logs.get(0), "rsp.etcd: " + PREFIX + "config/rsp.core/routing.chain overlays rsp.core routing.chain", 1);

            etcd.put(PREFIX + "config/rsp.core/timeout.backend.ms", "5x");
            for (int i = 0; i < 3; i++) {
                Waits.logLine(logs.get(i), "rsp.etcd: " + PREFIX + "config/rsp.core/timeout.backend.ms overlays rsp.core "
                        + "timeout.backend.ms", 1);
                Waits.logLine(logs.get(i), "rsp.core: timeout.backend.ms = '5x': expected a duration", 1);
                Waits.logLine(logs.get(i), "rsp.etcd: " + PREFIX + "config/rsp.core/timeout.backend.ms: rsp.core: "
                        + "timeout.backend.ms = '5x': expected a duration", 1);
                assertTrue(get(homes.get(i), "/api/chain").contains("\"chain\":[\"host-hash\"]"),
                        "an invalid value from etcd keeps the configuration in force");
            }
            etcd.delete(PREFIX + "config/rsp.core/timeout.backend.ms");

            etcd.put(PREFIX + "config/rsp.routing.lua/script.text",
                    "function route(req)\n  if req.host == 'lua.example.com' then return 'b1' end\n  return nil\nend\n");
            etcd.put(PREFIX + "config/rsp.core/routing.chain", "lua, host-hash");
            for (int i = 0; i < 3; i++) {
                RspHome home = homes.get(i);
                Waits.until("rsp" + i + " with the Lua rules from etcd", () -> "lua".equals(strategy(home,
                        "lua.example.com")), logs.get(i));
                assertEquals("b1", route(home, "lua.example.com"));
            }

            try (LoadLoop load = new LoadLoop(homes.get(1).httpPort, 4, Long.MAX_VALUE, 120)) {
                Waits.requests(load, 300);
                etcd.stop();
                long before = load.total();
                Waits.requests(load, before + 500);
                assertEquals(Set.of("b1", "b2", "b3"), backends(homes.get(1)), "the backends stay while etcd is down");
                etcd.start();
                etcd.put(PREFIX + "backends/b4", b4.address());
                for (int i = 0; i < 3; i++) {
                    RspHome home = homes.get(i);
                    Waits.until("rsp" + i + " with b4 after etcd came back",
                            () -> backends(home).equals(Set.of("b1", "b2", "b3", "b4")), logs.get(i));
                }
                Waits.requests(load, load.total() + 300);
                load.close();
                assertEquals(0, load.non2xx() + load.connectionErrors(), "failures: " + load.failures());
            }
            String stats = get(homes.get(0), "/api/stats");
            assertTrue(stats.contains("\"etcd\":{\"state\":\"watching\""), stats);
            String events = stats.substring(stats.indexOf("\"events\":{"));
            events = events.substring(0, events.indexOf('}'));
            assertTrue(events.matches("(?s).*\"etcd\\.reconnects\":[1-9].*"),
                    "the reconnections while etcd was down are counted: " + events);
            String metrics = get(homes.get(1), "/metrics");
            assertTrue(metrics.contains("rsp_etcd_state{state=\"watching\"} 1"), metrics);
            for (Path log : logs) {
                String out = Files.readString(log, StandardCharsets.UTF_8);
                assertFalse(out.contains("\tat "), out);
            }
        } finally {
            for (Process p : processes) {
                RspHome.stop(p);
            }
        }
    }

    /**
     * etc/rsp.etcd.cfg created while rsp runs: the backends and routing.chain come from etcd; deleted: the file's
     * backends and values are back, without a restart.
     */
    @Test
    void etcdIsSwitchedOnAndOffWhileRspRuns() throws Exception {
        RealEtcd.assumeInstalled();
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path log = tmp.resolve("rsp.log");
        Process rsp = null;
        try (RealEtcd etcd = new RealEtcd(tmp).start(); Named e1 = new Named("e1")) {
            etcd.put(PREFIX + "backends/e1", e1.address());
            etcd.put(PREFIX + "config/rsp.core/routing.chain", "host-hash");
            rsp = home.start(log);
            Set<String> demo = Set.of("demo-1", "demo-2", "demo-3");
            Waits.until("the file's backends", () -> backends(home).equals(demo), log);

            Path cfg = home.etc().resolve("rsp.etcd.cfg");
            RspHome.writeAtomically(cfg, "endpoints = " + etcd.endpoint() + "\nprefix = " + PREFIX + "\nconfig = on\n");
            Waits.until("the backends from etcd", () -> backends(home).equals(Set.of("e1")), log);
            Waits.until("routing.chain from etcd", () -> get(home, "/api/chain").contains("\"chain\":[\"host-hash\"]"), log);
            String answer = RawHttp.get(home.httpPort, "alice.example.com", "/");
            assertTrue(answer.endsWith("\r\n\r\ne1"), answer);

            String fileChain = "routing chain is now [reload-path, host-hash]";
            int before = Waits.count(log, fileChain);
            RspHome.writeAtomically(cfg, "endpoints = " + etcd.endpoint() + "\nprefix = " + PREFIX
                    + "\nconfig = on\ncoalesce.ms = 500\n");
            Waits.logLine(log, "rsp.etcd: backends from " + PREFIX + "backends/", 2);
            etcd.put(PREFIX + "config/rsp.core/routing.chain", "host-hash, reload-path");
            Waits.until("the new chain", () -> get(home, "/api/chain").contains("\"chain\":[\"host-hash\",\"reload-path\"]"), log);
            assertEquals(before, Waits.count(log, fileChain), "an edit of rsp.etcd.cfg never put the file's chain back");

            Files.delete(cfg);
            Waits.until("the file's backends again", () -> backends(home).equals(demo), log);
            Waits.until("the file's routing.chain again", () -> get(home, "/api/chain")
                    .contains("\"chain\":[\"reload-path\",\"host-hash\"]"), log);
            Waits.logLine(log, "rsp.etcd: stopped; backends come from etc/rsp.backends.cfg again", 1);

            RspHome.writeAtomically(cfg, "endpoints = " + etcd.endpoint() + "\nprefix = " + PREFIX + "\nconfig = on\n");
            Waits.until("the backends from etcd again", () -> backends(home).equals(Set.of("e1")), log);
            Process running = rsp;
            rsp = null;
            RspHome.stop(running);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, running.exitValue(), out);
            assertFalse(out.contains("\tat ") || out.contains("Exception"), "a clean stop with etcd in force:\n" + out);
        } finally {
            if (rsp != null) {
                RspHome.stop(rsp);
            }
        }
    }

    /** The shipped example checks clean; a bad value fails bin/rsp check and the start, naming key and value. */
    @Test
    void aBadValueInRspEtcdFailsTheStartAndCheckNamesIt() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path cfg = home.etc().resolve("rsp.etcd.cfg");
        Files.copy(home.etc().resolve("rsp.etcd.cfg.example"), cfg);
        assertEquals(0, check(home).exitValue(), "the example as shipped is valid");

        Files.writeString(cfg, "endpoints = https://etcd.example.com:2379\ntls.cert = etc/etcd/rsp.pem\n");
        Process check = check(home);
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String line = "rsp.etcd: tls.cert and tls.key go together: set both (a client certificate) or neither";
        assertEquals(1, check.exitValue(), checked);
        assertTrue(checked.contains("ERROR " + line), checked);

        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            Waits.until("rsp to exit", () -> !rsp.isAlive(), log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(1, rsp.exitValue(), out);
            assertTrue(out.contains(line + "; nothing is read from etcd until etc/rsp.etcd.cfg is fixed"), out);
            assertTrue(out.contains("rsp: cannot start: " + line), out);
            assertFalse(out.contains("\tat "), out);
        } finally {
            rsp.destroyForcibly();
        }
    }

    private static Process check(RspHome home) throws Exception {
        Process p = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p;
    }

    /** The backends in force, from the admin API (empty while it does not answer). */
    Set<String> backends(RspHome home) {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(get(home, "/api/backends"));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** A host among 200 that the admin API says goes to {@code backend}, or null. */
    String hostRoutedTo(RspHome home, String backend) {
        for (int i = 0; i < 200; i++) {
            String host = "h" + i + ".example.com";
            if (backend.equals(route(home, host))) {
                return host;
            }
        }
        return null;
    }

    /**
     * Where {@code hosts} hosts go, from the admin API's {@code /api/route}: a connection per request (over keep-alive
     * the admin listener's answers wait for delayed ACKs, ~40 ms each), four at a time.
     */
    List<String> routes(RspHome home, int hosts) throws Exception {
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> answers = new ArrayList<>(hosts);
            for (int i = 0; i < hosts; i++) {
                String path = "/api/route?url=http://site-" + i + ".example.com/";
                answers.add(pool.submit(() -> backendIn(RawHttp.get(home.adminPort, "127.0.0.1", path))));
            }
            List<String> out = new ArrayList<>(hosts);
            for (java.util.concurrent.Future<String> a : answers) {
                out.add(a.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    String route(RspHome home, String host) {
        try {
            return backendIn(RawHttp.get(home.adminPort, "127.0.0.1", "/api/route?url=http://" + host + "/"));
        } catch (IOException e) {
            return null;
        }
    }

    /** The strategy that decided for {@code host}, from {@code /api/route}. */
    String strategy(RspHome home, String host) {
        Matcher m = Pattern.compile("\"strategy\":\"([^\"]*)\"").matcher(get(home, "/api/route?url=http://" + host + "/"));
        return m.find() ? m.group(1) : null;
    }

    static String backendIn(String answer) {
        Matcher m = BACKEND.matcher(answer);
        return m.find() ? m.group(1) : null;
    }

    String get(RspHome home, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + home.adminPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
