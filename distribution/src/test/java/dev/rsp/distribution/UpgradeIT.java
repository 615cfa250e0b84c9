package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/rsp upgrade}: a real bin/rsp under load is replaced by a new process on the same ports, without a failed
 * request; the old one drains and exits 0, the new one serves the proxy and, once the old one is gone, the admin
 * port. The backend is the test's own (the demo backends live inside the old process and go with it).
 */
class UpgradeIT {

    @TempDir
    Path tmp;
    private HttpServer backend;
    private ExecutorService backendThreads;
    private Process old;
    private RspHome home;

    @AfterEach
    void stopAll() throws Exception {
        if (home != null) {
            stopServing(home);
        }
        if (old != null) {
            RspHome.stop(old);
        }
        if (backend != null) {
            backend.stop(0);
            backendThreads.shutdownNow();
        }
    }

    @Test
    void anUpgradeUnderLoadFailsNoRequest() throws Exception {
        requireMigratingKernel();
        home = homeWithOwnBackend();
        Path oldLog = tmp.resolve("old.log");
        old = start(home, oldLog);
        Waits.logLine(oldLog, "rsp: ready (pid " + old.pid() + ")", 1);

        try (UpgradeLoad load = new UpgradeLoad(home.httpPort, 8, 400_000, 150)) {
            Waits.until("load through the old rsp", () -> load.ok() >= 500 || !load.failures().isEmpty());

            Process upgrade = command(home, "upgrade", "--timeout", "90");
            assertTrue(upgrade.waitFor(120, TimeUnit.SECONDS), "bin/rsp upgrade finished");
            String said = new String(upgrade.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertEquals(0, upgrade.exitValue(), "bin/rsp upgrade: " + said + "\nnew rsp's log:\n" + newLog(home));
            assertTrue(old.waitFor(30, TimeUnit.SECONDS), "the old rsp exited");
            assertEquals(0, old.exitValue(), "the old rsp's exit status (1: it cut requests); log:\n" + Files.readString(oldLog));
            long after = load.ok();
            Waits.until("load through the new rsp", () -> load.ok() >= after + 1_000 || !load.failures().isEmpty());
            load.close();
            assertEquals(List.of(), load.failures().stream().limit(10).toList(),
                    load.failures().size() + " of " + (load.ok() + load.failures().size()) + " requests failed; the old rsp's "
                    + "warnings:\n" + warnings(Files.readString(oldLog)) + "\nthe new rsp's:\n" + warnings(newLog(home)));
            System.out.printf("UpgradeIT: %d requests, %d sent again after an idle keep-alive close%n", load.ok(), load.resent());
        }
        long servingPid = Long.parseLong(Files.readString(home.dir.resolve("data/rsp.pid")).trim());
        assertTrue(servingPid != old.pid(), "data/rsp.pid names the new rsp");
        Waits.until("the admin port answered by the new rsp", () -> adminAnswers(home));
        try (Stream<Path> data = Files.list(home.dir.resolve("data"))) {
            assertEquals(List.of("felix-cache-" + servingPid), data.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("felix-cache")).toList(), "the old rsp removed its Felix cache");
        }
    }

    @Test
    void anUpgradeToAnotherHomeTakesOverFromThePreviousOne() throws Exception {
        RspHome previous = homeWithOwnBackend();
        Path oldLog = tmp.resolve("old.log");
        old = start(previous, oldLog);
        Waits.logLine(oldLog, "rsp: ready (pid " + old.pid() + ")", 1);
        home = withoutDemo(RspHome.copyTo(tmp.resolve("next")));
        try (Stream<Path> etc = Files.list(previous.etc())) {
            for (Path f : etc.filter(Files::isRegularFile).toList()) {
                Files.copy(f, home.etc().resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }

        Process upgrade = command(home, "upgrade", "--from", previous.dir.toString(), "--timeout", "90");
        assertTrue(upgrade.waitFor(120, TimeUnit.SECONDS), "bin/rsp upgrade finished");
        String said = new String(upgrade.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, upgrade.exitValue(), "bin/rsp upgrade: " + said + "\nnew rsp's log:\n" + newLog(home));
        assertTrue(old.waitFor(30, TimeUnit.SECONDS), "the previous rsp exited");
        assertEquals(0, old.exitValue(), Files.readString(oldLog));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + previous.httpPort + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "the new home's rsp serves the port");
        assertTrue(Files.isRegularFile(home.dir.resolve("data/rsp.pid")), "the new home names its rsp");
    }

    @Test
    void anUpgradeWithoutARunningRspSaysSoAndFails() throws Exception {
        home = RspHome.copyTo(tmp.resolve("rsp"));

        Process upgrade = command(home, "upgrade");
        assertTrue(upgrade.waitFor(30, TimeUnit.SECONDS));
        String said = new String(upgrade.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(1, upgrade.exitValue(), said);
        assertTrue(said.startsWith("rsp upgrade: no rsp runs in "), said);
    }

    /** A home whose only backend is this test's; the demo bundle and its configuration removed. */
    private RspHome homeWithOwnBackend() throws IOException {
        backendThreads = Executors.newFixedThreadPool(8);
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        backend.createContext("/", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.setExecutor(backendThreads);
        backend.start();
        RspHome h = withoutDemo(RspHome.copyTo(tmp.resolve("rsp")));
        Files.writeString(h.etc().resolve("rsp.backends.cfg"), "backend.own = 127.0.0.1:" + backend.getAddress().getPort() + "\n");
        return h;
    }

    private static RspHome withoutDemo(RspHome h) throws IOException {
        try (Stream<Path> deploy = Files.list(h.dir.resolve("deploy"))) {
            for (Path p : deploy.filter(p -> p.getFileName().toString().startsWith("rsp-demo")).toList()) {
                Files.delete(p);
            }
        }
        Files.deleteIfExists(h.etc().resolve("rsp.demo.cfg"));
        return h;
    }

    /** bin/rsp with a start phase of 2 s (rsp stops the old one only after it), output to {@code log}. */
    private static Process start(RspHome h, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(h.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        environment(pb);
        return pb.start();
    }

    private static Process command(RspHome h, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(h.dir.resolve("bin/rsp").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        environment(pb);
        return pb.start();
    }

    private static void environment(ProcessBuilder pb) {
        pb.environment().put("RSP_CDS", "off");
        pb.environment().put("RSP_JAVA_OPTS", "-Drsp.start.phase.ms=2000");
    }

    private static String newLog(RspHome h) {
        try {
            return Files.readString(h.dir.resolve("data/rsp.log"));
        } catch (IOException e) {
            return "(none)";
        }
    }

    /** The first WARN and ERROR lines of a log (an answer rsp gave itself, such as a 503, is logged as a WARN). */
    private static String warnings(String log) {
        return String.join("\n", log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).limit(10).toList());
    }

    private static boolean adminAnswers(RspHome h) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + h.adminPort + "/api/stats")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The rsp named in data/rsp.pid (the one the upgrade started, not this test's child): SIGTERM, then gone. */
    private static void stopServing(RspHome h) throws Exception {
        Path pidFile = h.dir.resolve("data/rsp.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(p -> {
            if (p.info().commandLine().orElse("").contains("dev.rsp.launcher.Main")) {
                p.destroy();
                try {
                    p.onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            }
        });
    }

    /**
     * Without {@code net.ipv4.tcp_migrate_req = 1} Linux resets a connection that lands in the old rsp's listener queue
     * in the microseconds between its last accept and the close (measured: 0 to 2 in 2,600 fresh connections per
     * switch). CI sets it (.ci/run); elsewhere the test is skipped without it.
     */
    static void requireMigratingKernel() {
        String value;
        try {
            value = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_migrate_req")).trim();
        } catch (IOException e) {
            value = "unreadable (" + e.getMessage() + ")";
        }
        if (value.equals("1")) {
            return;
        }
        String message = "net.ipv4.tcp_migrate_req is " + value + ", not 1 (sysctl -w net.ipv4.tcp_migrate_req=1)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
    }
}
