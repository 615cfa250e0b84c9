package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC end to end through a real {@code bin/rsp} to backends that speak HTTP/2 only ({@code ;proto=h2}: h2c with
 * prior knowledge): unary calls, the three kinds of streaming, statuses and trailing metadata, deadlines, a client's
 * cancel reaching the backend, 1 MiB each way, and 100 calls in flight at once on one connection.
 *
 * <p>Two servers of {@code grpc_peer.py} (Debian's python3-grpcio), {@code grpc-a} and {@code grpc-b}, are rsp's only
 * backends; a Lua rule routes {@code grpc-a.example.com} and {@code grpc-b.example.com} to them. The same script's
 * client runs its scenarios through rsp's plain listener (h2c) and its TLS listener (ALPN h2, trusting the
 * certificate rsp serves for the name), and must see every one OK; each scenario checks that the right server
 * answered. The client also runs against a server directly: when that passes, a failure through rsp is rsp's.
 */
class GrpcIT {

    /** What the client prints when every scenario passes, in its order. */
    static final List<String> ALL_OK = List.of("OK unary", "OK unary-large-request", "OK server-stream",
            "OK server-stream-error", "OK client-stream", "OK bidi", "OK fail", "OK unimplemented", "OK deadline",
            "OK cancel", "OK big-response", "OK concurrent-100");
    /**
     * The calls of one client run that end with a response (HTTP 200, grpc-status in the trailers, or alone in a
     * Trailers-Only answer): all 115 but the Slow calls of deadline and cancel, which the client gives up.
     */
    static final int ANSWERED_CALLS_PER_RUN = 113;
    /** A client run's limit: its 12 scenarios give up after 10 s each when nothing answers (about 2 minutes). */
    static final int CLIENT_SECONDS = 180;
    /** One backend stream per call. */
    static final String BACKEND_STREAMS_EVENT = "h2.backend.streams";
    static final String RULES = """
            -- GrpcIT: each test host to its gRPC server.
            function route(req)
              if req.host == "grpc-a.example.com" then return "grpc-a" end
              if req.host == "grpc-b.example.com" then return "grpc-b" end
              return nil
            end
            """;

    @TempDir
    static Path tmp;
    static GrpcPeer a;
    static GrpcPeer b;
    static Path certs;
    static RspHome home;
    static Process rsp;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        a = GrpcPeer.start("grpc-a", tmp);
        b = GrpcPeer.start("grpc-b", tmp);
        home = RspHome.copyTo(tmp.resolve("rsp"));
        Files.writeString(home.etc().resolve("rsp.backends.cfg"),
                "backend.grpc-a = 127.0.0.1:" + a.port() + ";proto=h2\n"
                + "backend.grpc-b = 127.0.0.1:" + b.port() + ";proto=h2\n");
        Files.writeString(home.etc().resolve("rules.lua"), RULES);
        home.core("routing.chain", "lua");
        certs = Files.createDirectories(tmp.resolve("certs"));
        for (String host : List.of("grpc-a.example.com", "grpc-b.example.com")) {
            TlsFixture.Identity id = TlsFixture.Identity.make(host);
            Files.writeString(certs.resolve(host + ".key"),
                    TlsFixture.pem(new JcaPKCS8Generator(id.keys.getPrivate(), null)));
            Files.writeString(certs.resolve(host + ".crt"), TlsFixture.pem(id.certificate));
        }
        Path tls = home.etc().resolve("rsp.tls.cfg");
        Files.writeString(tls, Files.readString(tls) + "\ncerts.dir = " + certs + "\nselfsigned.default = false\n");
        log = tmp.resolve("rsp.log");
        rsp = Http2Checks.launch(home, log);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rsp != null) {
            rsp.destroy();
            if (!rsp.waitFor(15, TimeUnit.SECONDS)) {
                rsp.destroyForcibly();
            }
        }
        for (GrpcPeer peer : new GrpcPeer[] {a, b}) {
            if (peer != null) {
                peer.close();
            }
        }
    }

    /** The baseline: the client and server agree without rsp in between. */
    @Test
    void theClientPassesEveryScenarioAgainstAServerDirectly() throws Exception {
        GrpcPeer.ClientRun run = GrpcPeer.client(tmp, CLIENT_SECONDS, "127.0.0.1:" + a.port(), "--server", "grpc-a");
        assertEquals(ALL_OK, run.results(), run.output());
        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void grpcOverH2cReachesEachBackendOverH2AndEveryScenarioPasses() throws Exception {
        awaitBackends();
        for (GrpcPeer peer : List.of(a, b)) {
            String host = peer.name + ".example.com";
            long streams = event(BACKEND_STREAMS_EVENT);
            long answered = backendResponses(peer.name, "2xx");
            GrpcPeer.ClientRun run = GrpcPeer.client(tmp, CLIENT_SECONDS, "127.0.0.1:" + home.httpPort,
                    "--authority", host, "--server", peer.name);
            assertEquals(ALL_OK, run.results(),
                    "through rsp's plain listener (h2c) to " + peer.name + ":\n" + run.output());
            assertEquals(0, run.exit(), run.output());

            assertTrue(backendResponses(peer.name, "2xx") - answered >= ANSWERED_CALLS_PER_RUN,
                    "rsp_backend_responses_total of " + peer.name + " grew by every answered call: "
                    + metrics(peer.name));
            assertTrue(event(BACKEND_STREAMS_EVENT) - streams >= ANSWERED_CALLS_PER_RUN,
                    "rsp_events_total{event=\"" + BACKEND_STREAMS_EVENT + "\"} counted a backend stream per call: "
                    + metrics("h2."));
            // One access log line per call, over HTTP/2 from the client, naming the backend.
            Waits.until("100 access lines of Meet calls to " + peer.name,
                    () -> accessLines("http", host, "Meet", peer.name) >= 100, log);
        }
    }

    @Test
    void grpcOverTlsWithAlpnH2ReachesItsBackendAndEveryScenarioPasses() throws Exception {
        awaitBackends();
        Waits.until("the TLS listener accepting", () -> accepts(home.tlsPort), log);
        long answered = backendResponses("grpc-b", "2xx");
        GrpcPeer.ClientRun run = GrpcPeer.client(tmp, CLIENT_SECONDS, "127.0.0.1:" + home.tlsPort, "--authority",
                "grpc-b.example.com", "--server", "grpc-b", "--ca", certs.resolve("grpc-b.example.com.crt").toString());
        assertEquals(ALL_OK, run.results(), "through rsp's TLS listener to grpc-b:\n" + run.output());
        assertEquals(0, run.exit(), run.output());
        assertTrue(backendResponses("grpc-b", "2xx") - answered >= ANSWERED_CALLS_PER_RUN, metrics("grpc-b"));
        Waits.until("100 access lines of Meet calls over TLS",
                () -> accessLines("https", "grpc-b.example.com", "Meet", "grpc-b") >= 100, log);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Waits until rsp has both servers as backends. An ERROR about rsp.backends ends the wait at once: the test fails
     * naming it (before HTTP/2 to backends, that is {@code unknown option 'proto=h2'}).
     */
    private static void awaitBackends() {
        Waits.until("grpc-a and grpc-b in /api/backends, or an ERROR about rsp.backends",
                () -> backendsListed() || rejected() != null, log);
        String rejected = rejected();
        assertTrue(rejected == null, "rsp refused the backends with ;proto=h2: " + rejected);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean backendsListed() {
        try {
            String json = RawHttp.get(home.adminPort, "127.0.0.1", "/api/backends");
            return json.contains("\"name\":\"grpc-a\"") && json.contains("\"name\":\"grpc-b\"");
        } catch (IOException e) {
            return false;
        }
    }

    /** The first ERROR line about rsp.backends in the log, or null. */
    private static String rejected() {
        try {
            if (!Files.exists(log)) {
                return null;
            }
            return Files.readString(log).lines().filter(l -> l.contains(" ERROR ") && l.contains("rsp.backends"))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Access log lines of {@code method} calls by {@code scheme} clients to {@code host}, served by {@code backend}. */
    private static long accessLines(String scheme, String host, String method, String backend) {
        Pattern line = Pattern.compile(" " + scheme + " " + Pattern.quote(host) + " POST /rsp\\.test\\.Echo/" + method
                + " HTTP/2 200 \\d+ \\d+ " + Pattern.quote(backend) + " ");
        try {
            return Files.readString(log).lines().filter(l -> line.matcher(l).find()).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String metrics() {
        try {
            return RawHttp.get(home.adminPort, "127.0.0.1", "/metrics");
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The /metrics lines that contain {@code part}, for a failure message. */
    private static String metrics(String part) {
        return String.join("\n", metrics().lines().filter(l -> !l.startsWith("#") && l.contains(part)).toList());
    }

    /** An {@code rsp_events_total} counter; 0 while it has not happened. */
    private static long event(String name) {
        return number("rsp_events_total{event=\"" + name + "\"}");
    }

    private static long backendResponses(String backend, String code) {
        return number("rsp_backend_responses_total{backend=\"" + backend + "\",code=\"" + code + "\"}");
    }

    private static long number(String series) {
        Matcher m = Pattern.compile(Pattern.quote(series) + " (\\d+)").matcher(metrics());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
