package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener of a real {@code bin/rsp} with traffic: its numbers move, mutations need the token, and the
 * status page draws real points in a headless Chromium (a screenshot is kept in target/status-page.png).
 */
class AdminIT {

    static final String TOKEN = "it-token-0123456789abcdef";
    static final Pattern BACKEND = Pattern.compile("\\{\"name\":\"([^\"]+)\",\"address\":\"[^\"]*\",\"weight\":\\d+,\"state\":\"\\w+\",\"requests\":(\\d+)");

    @TempDir
    Path tmp;
    Process rsp;
    Path log;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() throws InterruptedException {
        if (rsp != null) {
            rsp.destroy();
            if (!rsp.waitFor(10, TimeUnit.SECONDS)) {
                rsp.destroyForcibly();
            }
        }
    }

    private RspHome start() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp")).adminToken(TOKEN);
        log = tmp.resolve("rsp.log");
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String base = "http://127.0.0.1:" + home.adminPort;
        await(() -> get(base + "/api/stats").statusCode() == 200 && get(base + "/api/stats").body().contains("\"live\":true"), "admin up");
        // The demo backends start in deploy/, after the core: load counted per backend starts once they answer.
        await(() -> {
            try {
                return RawHttp.get(home.httpPort, "alice.example.com", "/ready").startsWith("HTTP/1.1 200 ");
            } catch (Exception e) {
                return false;
            }
        }, "the demo answering through rsp");
        return home;
    }

    @Test
    void theNumbersMoveWithTrafficAndMutationsNeedTheToken() throws Exception {
        RspHome home = start();
        String base = "http://127.0.0.1:" + home.adminPort;
        try (LoadLoop load = new LoadLoop(home.httpPort, 4, 2_000, 30)) {
            await(() -> listenerRequests(get(base + "/api/stats").body()) >= 500, "500 requests counted");
        }
        String metrics = get(base + "/metrics").body();
        Matcher m = Pattern.compile("rsp_listener_requests_total\\{listener=\"http\"} (\\d+)").matcher(metrics);
        assertTrue(m.find() && Long.parseLong(m.group(1)) >= 500, metrics);
        assertTrue(metrics.contains("rsp_backend_request_duration_seconds_bucket{backend=\"demo-1\",le=\"+Inf\"}"), metrics);
        await(() -> get(base + "/api/timeseries?metric=requests_per_second").body().matches(".*\"value\":[1-9].*"), "a second with traffic");
        String csv = get(base + "/api/timeseries?metric=requests_per_second&backend=demo-1&format=csv").body();
        assertTrue(csv.startsWith("timestamp,value\n20"), csv);

        String form = "name=extra&address=127.0.0.1%3A" + home.demoPorts[0];
        assertEquals(401, send("POST", base + "/api/backends", form, null).statusCode());
        assertEquals(201, send("POST", base + "/api/backends", form, TOKEN).statusCode());
        await(() -> get(base + "/api/backends").body().contains("\"name\":\"extra\""), "the added backend listed");
        assertEquals(400, send("PUT", base + "/api/chain", "chain=host-hash;x", TOKEN).statusCode());
        await(() -> Files.readString(log).contains("admin API: 127.0.0.1 added backend extra"), "the mutation logged");
    }

    @Test
    void theStatusPageShowsTheNumbersOfTheApiInAHeadlessBrowser() throws Exception {
        String chromium = chromium();
        RspHome home = start();
        String base = "http://127.0.0.1:" + home.adminPort;
        try (LoadLoop load = new LoadLoop(home.httpPort, 4, 3_000, 30)) {
            await(() -> load.total() >= 3_000, "3000 requests sent");
        }
        // Traffic has stopped: wait until the counters and the sampled seconds have settled.
        await(() -> {
            long before = listenerRequests(get(base + "/api/stats").body());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1200));
            return before == listenerRequests(get(base + "/api/stats").body());
        }, "stable counters");
        Path target = Paths.get("target");
        Files.createDirectories(target);
        String dom = run(chromium, tmp.resolve("profile-dom"), "--virtual-time-budget=8000", "--dump-dom", base + "/");
        Map<String, Long> shown = new TreeMap<>();
        Matcher row = Pattern.compile("<tr data-backend=\"([^\"]+)\" data-requests=\"(\\d+)\"").matcher(dom);
        while (row.find()) {
            shown.put(row.group(1), Long.parseLong(row.group(2)));
        }
        Map<String, Long> api = new TreeMap<>();
        Matcher b = BACKEND.matcher(get(base + "/api/stats").body());
        while (b.find()) {
            api.put(b.group(1), Long.parseLong(b.group(2)));
        }
        assertEquals(api, shown, "the page shows the numbers of /api/stats:\n" + dom);
        assertTrue(api.values().stream().mapToLong(Long::longValue).sum() >= 3_000, api.toString());
        assertTrue(dom.contains("<body data-ready=\"1\""), "both charts drew points:\n" + dom);
        Matcher points = Pattern.compile("<canvas id=\"chart-rps\" data-metric=\"requests_per_second\" data-points=\"(\\d+)\"").matcher(dom);
        assertTrue(points.find() && Integer.parseInt(points.group(1)) >= 3, dom);
        assertTrue(dom.contains("data-strategy=\"host-hash\" data-live=\"true\""), dom);

        Path png = target.resolve("status-page.png").toAbsolutePath();
        Files.deleteIfExists(png);
        run(chromium, tmp.resolve("profile-shot"), "--virtual-time-budget=8000", "--window-size=1280,900", "--screenshot=" + png, base + "/");
        assertTrue(Files.size(png) > 10_000, "a screenshot with content: " + png);
    }

    /** Chromium's path; in CI (env CI set) a missing browser fails the test, elsewhere it skips it. */
    static String chromium() {
        for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        String message = "no headless browser: install Debian's chromium (apt-get install chromium; .ci/run does)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return "";
    }

    private String run(String chromium, Path profile, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile));
        cmd.addAll(java.util.List.of(args));
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish: " + cmd);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    static long listenerRequests(String stats) {
        Matcher m = Pattern.compile("\"listener\":\\{\"requests\":(\\d+)").matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String url, String form, String token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(form));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls every 50 ms for up to 30 s; fails with the log when rsp died or the condition never held. */
    private void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!rsp.isAlive()) {
                fail("rsp exited with " + rsp.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        fail("not within 30 s: " + what + (last == null ? "" : " (" + last + ")") + "\n" + Files.readString(log));
    }

}
