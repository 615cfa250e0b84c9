package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 to clients through a real {@code bin/rsp} with its demo, as its users see it: curl, nghttp and h2load over
 * TLS (ALPN h2, the default list) and h2c with prior knowledge on the plain port, HTTP/1.1 still where a client asks
 * for it, an {@code Upgrade: h2c} answered in HTTP/1.1, headless Chromium loading a page of 30 resources over one
 * connection, the JDK's TLS engine as well as BoringSSL (a stop under HTTP/2 downloads is {@link Http2StopIT}).
 *
 * <p>One rsp serves every test: the demo backends, and a static {@link PageBackend} for
 * {@code page.example.com} (routed by a Lua rule). The TLS listener serves the distribution's self-signed default
 * certificate (localhost, example.com, *.example.com), so the clients skip verification ({@code -k},
 * {@code --ignore-certificate-errors}; nghttp only warns). A missing tool fails the test when {@code CI} is set and
 * skips it elsewhere.
 */
class Http2IT {

    static final long MIB = 1024 * 1024;
    static final String RULES = """
            -- Http2IT: the test page's host goes to the page backend, every other host to the demo.
            function route(req)
              if req.host == "page.example.com" then return "page" end
              return { "demo-1", "demo-2", "demo-3" }
            end
            """;

    @TempDir
    static Path tmp;
    static PageBackend page;
    static RspHome home;
    static Process rsp;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        page = new PageBackend(24 * MIB, 8 * MIB);
        home = RspHome.copyTo(tmp.resolve("rsp"));
        Path backends = home.etc().resolve("rsp.backends.cfg");
        Files.writeString(backends, Files.readString(backends) + "\nbackend.page = 127.0.0.1:" + page.port() + "\n");
        Files.writeString(home.etc().resolve("rules.lua"), RULES);
        home.core("routing.chain", "lua");
        log = tmp.resolve("rsp.log");
        rsp = Http2Checks.launch(home, log);
        Waits.until("the demo answering through rsp", () -> plainAnswers(home.httpPort, "alice.example.com", "demo-"), log);
        Waits.until("the test page answering over TLS", () -> Http2Checks.tlsAnswers(home.tlsPort, "page.example.com"), log);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rsp != null) {
            rsp.destroy();
            if (!rsp.waitFor(15, TimeUnit.SECONDS)) {
                rsp.destroyForcibly();
            }
        }
        if (page != null) {
            page.close();
        }
    }

    @Test
    void curlSpeaksHttp2OverTlsAndWithPriorKnowledgeAndHttp11WhenItAsks() throws Exception {
        awaitEngine(TlsFixture.expectedEngine("auto"));
        Run tls = curl("-k", "--http2", "--resolve", "alice.example.com:" + home.tlsPort + ":127.0.0.1",
                "https://alice.example.com:" + home.tlsPort + "/over-tls");
        assertEquals("2", tls.version(), tls.output);
        assertTrue(tls.output.contains("demo-") && tls.output.contains("path: /over-tls"), tls.output);

        Run h2c = curl("--http2-prior-knowledge", "-H", "Host: alice.example.com", "http://127.0.0.1:" + home.httpPort + "/h2c");
        assertEquals("2", h2c.version(), h2c.output);
        assertTrue(h2c.output.contains("demo-") && h2c.output.contains("path: /h2c"), h2c.output);

        Run tls11 = curl("-k", "--http1.1", "--resolve", "alice.example.com:" + home.tlsPort + ":127.0.0.1",
                "https://alice.example.com:" + home.tlsPort + "/tls-http11");
        assertEquals("1.1", tls11.version(), tls11.output);
        assertTrue(tls11.output.contains("demo-"), tls11.output);
        Run plain11 = curl("--http1.1", "-H", "Host: alice.example.com", "http://127.0.0.1:" + home.httpPort + "/plain-http11");
        assertEquals("1.1", plain11.version(), plain11.output);
        assertTrue(plain11.output.contains("demo-"), plain11.output);

        // One access log line per stream, with protocol HTTP/2.
        Waits.logLine(log, " https alice.example.com GET /over-tls HTTP/2 200 ", 1);
        Waits.logLine(log, " http alice.example.com GET /h2c HTTP/2 200 ", 1);
        Waits.logLine(log, " https alice.example.com GET /tls-http11 HTTP/1.1 200 ", 1);
    }

    @Test
    void anUpgradeToH2cOnThePlainPortIsAnsweredInHttp11WithTheUpgradeRemoved() throws Exception {
        long removed = event("request.upgrade_removed");
        Run r = curl("-v", "--http2", "-H", "Host: alice.example.com", "http://127.0.0.1:" + home.httpPort + "/upgrade");
        assertTrue(r.output.contains("> Upgrade: h2c"), "curl offered the upgrade: " + r.output);
        assertTrue(r.output.contains("< HTTP/1.1 200 ") && !r.output.contains(" 101 "), "no 101, no HTTP/2: " + r.output);
        assertEquals("1.1", r.version(), r.output);
        assertTrue(r.output.contains("path: /upgrade"), r.output);
        assertEquals(removed + 1, event("request.upgrade_removed"), "counted as request.upgrade_removed");
    }

    @Test
    void nghttpNegotiatesH2ByAlpnAndGetsBothAnswersOnOneConnection() throws Exception {
        String nghttp = TlsFixture.tool("nghttp", "nghttp2-client");
        String base = "https://127.0.0.1:" + home.tlsPort;
        Run r = run(List.of(nghttp, "-nv", "-H", ":authority: alice.example.com", base + "/one", base + "/two"), 30);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("The negotiated protocol: h2"), r.output);
        assertEquals(1, count(r.output, "] Connected"), "one connection: " + r.output);
        Set<String> streams = new TreeSet<>();
        Matcher m = Pattern.compile("recv \\(stream_id=(\\d+)\\) :status: 200").matcher(r.output);
        while (m.find()) {
            streams.add(m.group(1));
        }
        assertEquals(2, streams.size(), "two streams answered 200: " + r.output);
        assertEquals(2, count(r.output, "x-demo-backend: demo-"), r.output);

        Run h2c = run(List.of(nghttp, "-nv", "-H", ":authority: alice.example.com", "http://127.0.0.1:" + home.httpPort + "/three"), 30);
        assertEquals(0, h2c.exit, h2c.output);
        assertTrue(h2c.output.contains(":status: 200") && h2c.output.contains("x-demo-backend: demo-"), h2c.output);
    }

    /**
     * h2load, 20,000 requests on 10 connections, 10 streams each at a time: every one answered. h2load does not open
     * a new connection after a GOAWAY, so the per-connection stream budget ({@code h2.max.streams.per.connection},
     * 1000 by default) is first shown as a client sees it, then raised to the 2,000 streams each connection needs.
     */
    @Test
    void h2loadGetsEveryAnswerOverTlsAndH2c() throws Exception {
        String h2load = TlsFixture.tool("h2load", "nghttp2-client");
        String tlsUrl = "https://alice.example.com:" + home.tlsPort + "/h2load";
        String connectTo = "--connect-to=127.0.0.1:" + home.tlsPort;

        long budgets = event("h2.stream_budget");
        Run capped = run(List.of(h2load, "-n", "1500", "-c", "1", "-m", "10", connectTo, tlsUrl), 60);
        assertTrue(capped.output.contains(" 1000 succeeded, 500 failed"), "GOAWAY after the 1000th stream: " + capped.output);
        assertEquals(budgets + 1, event("h2.stream_budget"), "counted as h2.stream_budget");

        int applied = Waits.count(log, "rsp.core configuration applied");
        Path core = home.etc().resolve("rsp.core.cfg");
        RspHome.writeAtomically(core, Files.readString(core) + "\nh2.max.streams.per.connection = 2000\n");
        Waits.logLine(log, "rsp.core configuration applied", applied + 1);

        for (List<String> target : List.of(List.of(connectTo, tlsUrl),
                List.of("-H", "Host: alice.example.com", "http://127.0.0.1:" + home.httpPort + "/h2load"))) {
            List<String> cmd = new ArrayList<>(List.of(h2load, "-n", "20000", "-c", "10", "-m", "10"));
            cmd.addAll(target);
            Run r = run(cmd, 60);
            assertEquals(0, r.exit, r.output);
            assertTrue(r.output.contains("requests: 20000 total, 20000 started, 20000 done, 20000 succeeded, 0 failed, 0 errored"),
                    r.output);
            assertTrue(r.output.contains("status codes: 20000 2xx"), r.output);
            System.out.println("Http2IT h2load " + target.get(target.size() - 1) + ": " + r.line("finished in") + " (" + r.millis + " ms)");
        }
    }

    /**
     * Headless Chromium loads a page of 30 resources from the test backend through rsp over TLS: h2 negotiated, one
     * TCP connection and one TLS handshake for the page and all its resources, every resource loaded. The profile
     * turns Chromium's network prediction off (the user setting "preload pages"): with it, the navigation also opens a
     * speculative spare connection that carries nothing.
     */
    @Test
    void chromiumLoadsAPageOfThirtyResourcesOverOneH2Connection() throws Exception {
        String chromium = AdminIT.chromium();
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile/Default"));
        Files.writeString(profile.resolve("Preferences"), "{\"net\":{\"network_prediction_options\":2}}");
        Path netLog = tmp.resolve("chromium-net-log.json");
        long connections = event("h2.connections");
        long handshakes = event("tls.handshake.done");
        long streams = event("h2.streams");

        String url = "https://page.example.com:" + home.tlsPort + "/";
        Run r = run(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile.getParent(),
                "--ignore-certificate-errors", "--host-resolver-rules=MAP page.example.com 127.0.0.1",
                "--log-net-log=" + netLog, "--virtual-time-budget=10000", "--dump-dom", url), 60, false);
        assertTrue(r.output.contains("data-loaded=\"" + PageBackend.RESOURCES + "\" data-failed=\"0\""),
                "every resource loaded: " + r.output);
        Set<String> served = page.served();
        assertTrue(served.contains("/"), served.toString());
        assertEquals(PageBackend.RESOURCES, served.stream().filter(p -> p.startsWith("/img/") || p.startsWith("/js/")).count(),
                "the backend served the 30 resources: " + served);

        NetLog net = new NetLog(netLog);
        Set<Long> sockets = net.socketsTo("127.0.0.1:" + home.tlsPort);
        assertEquals(1, sockets.size(), "one TCP connection to rsp: " + sockets);
        assertEquals(List.of("h2"), net.handshakesOn(sockets), "one TLS handshake, ALPN h2");
        List<NetLog.Session> sessions = net.sessionsFor("page.example.com:" + home.tlsPort);
        assertEquals(1, sessions.size(), sessions.toString());
        assertEquals("h2", sessions.get(0).negotiatedProtocol());
        assertTrue(sessions.get(0).streamsInitiated() >= 1 + PageBackend.RESOURCES, sessions.toString());

        assertEquals(connections + 1, event("h2.connections"), "rsp saw one HTTP/2 connection");
        assertEquals(handshakes + 1, event("tls.handshake.done"), "and one TLS handshake");
        assertTrue(event("h2.streams") - streams >= 1 + PageBackend.RESOURCES, "a stream for the page and each resource");
    }

    @Test
    void theJdkEngineServesH2Too() throws Exception {
        Path cfg = home.etc().resolve("rsp.tls.cfg");
        String shipped = Files.readString(cfg);
        RspHome.writeAtomically(cfg, shipped + "\nengine = jsse\n");
        try {
            awaitEngine("jsse");
            Run curl = curl("-k", "--http2", "--resolve", "alice.example.com:" + home.tlsPort + ":127.0.0.1",
                    "https://alice.example.com:" + home.tlsPort + "/jsse");
            assertEquals("2", curl.version(), curl.output);
            assertTrue(curl.output.contains("demo-") && curl.output.contains("path: /jsse"), curl.output);
            Run nghttp = run(List.of(TlsFixture.tool("nghttp", "nghttp2-client"), "-nv", "-H", ":authority: alice.example.com",
                    "https://127.0.0.1:" + home.tlsPort + "/jsse-nghttp"), 30);
            assertTrue(nghttp.output.contains("The negotiated protocol: h2") && nghttp.output.contains(":status: 200"), nghttp.output);
            Run load = run(List.of(TlsFixture.tool("h2load", "nghttp2-client"), "-n", "2000", "-c", "2", "-m", "10",
                    "--connect-to=127.0.0.1:" + home.tlsPort, "https://alice.example.com:" + home.tlsPort + "/jsse-load"), 60);
            assertTrue(load.output.contains("2000 succeeded, 0 failed, 0 errored"), load.output);
        } finally {
            // A key taken out of the file keeps its running value: auto is written back explicitly.
            RspHome.writeAtomically(cfg, shipped + "\nengine = auto\n");
            awaitEngine(TlsFixture.expectedEngine("auto"));
        }
    }

    // ---------------------------------------------------------------- helpers


    /** The TLS engine in force as /metrics shows it. */
    private static void awaitEngine(String engine) {
        String gauge = "rsp_tls_engine{address=\"127.0.0.1:" + home.tlsPort + "\",engine=\"" + engine + "\"} 1";
        Waits.until("the engine in /metrics (" + gauge + ")", () -> metrics().contains(gauge), log);
    }

    private static String metrics() {
        try {
            return RawHttp.get(home.adminPort, "127.0.0.1", "/metrics");
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** An {@code rsp_events_total} counter; 0 while it has not happened. */
    private static long event(String name) {
        Matcher m = Pattern.compile("rsp_events_total\\{event=\"" + Pattern.quote(name) + "\"} (\\d+)").matcher(metrics());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static boolean plainAnswers(int port, String host, String text) {
        try {
            String answer = RawHttp.get(port, host, "/ready");
            return answer.startsWith("HTTP/1.1 200 ") && answer.contains(text);
        } catch (IOException e) {
            return false;
        }
    }




    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }


    /** What a tool printed (stdout and stderr), its exit status and how long it ran. */
    record Run(int exit, String output, long millis) {

        /** What curl's {@code -w} wrote after {@code http_version=}. */
        String version() {
            String l = line("http_version=");
            return l.isEmpty() ? "(none)" : l.substring("http_version=".length());
        }

        String line(String start) {
            return output.lines().filter(l -> l.startsWith(start)).findFirst().orElse("");
        }
    }

    private static Run curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TlsFixture.tool("curl"), "-sS", "--max-time", "10", "-w", "\nhttp_version=%{http_version}\n"));
        cmd.addAll(List.of(args));
        return run(cmd, 30);
    }

    private static Run run(List<String> cmd, int timeoutSeconds) throws Exception {
        return run(cmd, timeoutSeconds, true);
    }

    /** Runs {@code cmd} and fails when it takes more than {@code timeoutSeconds}. */
    private static Run run(List<String> cmd, int timeoutSeconds, boolean withStderr) throws Exception {
        Path out = Files.createTempFile(tmp, "tool", ".out");
        long start = System.nanoTime();
        ProcessBuilder b = new ProcessBuilder(cmd).redirectOutput(out.toFile());
        if (withStderr) {
            b.redirectErrorStream(true);
        } else {
            b.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = b.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("did not finish within " + timeoutSeconds + " s: " + cmd + "\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
}
