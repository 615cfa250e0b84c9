package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Black-box tests of how {@code bin/rsp} starts and stops, as a supervisor sees it: the exit status, the one line
 * that says why, and the bytes a client in flight receives.
 */
class LifecycleIT {

    static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private Process rsp;
    private Path log;

    @AfterEach
    void killLeftovers() {
        if (rsp != null) {
            rsp.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http.listen", "rsp.admin listen", "rsp.tls listen"})
    void aListenAddressInUseAtStartExitsOneNamingTheKeyAndAddress(String key) throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        int port = switch (key) {
            case "http.listen" -> home.httpPort;
            case "rsp.admin listen" -> home.adminPort;
            default -> home.tlsPort;
        };
        try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(port, taken.getLocalPort());
            start(home);
            assertTrue(rsp.waitFor(60, TimeUnit.SECONDS), "rsp kept running with " + key + " in use:\n" + output());
            String out = output();
            assertEquals(1, rsp.exitValue(), out);
            assertTrue(out.contains("\nrsp: cannot start: " + key + " 127.0.0.1:" + port + ": Address already in use\n"), out);
            assertEquals(1, Waits.count(log, "rsp: cannot start:"), out);
            assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
        }
    }

    @Test
    void aRuntimeChangeToAnAddressInUseKeepsTheOldListener() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        start(home);
        Waits.until("the proxy answering", () -> answers(home.httpPort), log);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int busy = taken.getLocalPort();
            Path core = home.etc().resolve("rsp.core.cfg");
            RspHome.writeAtomically(core, Files.readString(core) + "\nhttp.listen = 127.0.0.1:" + busy + "\n");
            String error = "ERROR";
            String line = "rsp.core: cannot move the listener: http.listen 127.0.0.1:" + busy
                    + ": Address already in use; still listening on /127.0.0.1:" + home.httpPort;
            Waits.logLine(log, line, 1);
            assertTrue(answers(home.httpPort), output());
            assertTrue(rsp.isAlive(), output());
            assertTrue(output().lines().filter(l -> l.contains(line)).allMatch(l -> l.contains(error)), output());
            assertEquals(1, Waits.count(log, "cannot move the listener"), output());
        }
        signal("TERM");
        assertTrue(rsp.waitFor(30, TimeUnit.SECONDS), output());
        assertEquals(0, rsp.exitValue(), output());
    }

    @Test
    void sigtermLetsADownloadInFlightFinishByteExactAndExitsZero() throws Exception {
        try (BigBodyBackend backend = new BigBodyBackend(40 * MIB)) {
            RspHome home = homeWith(backend, 30_000);
            start(home);
            Waits.until("the proxy routing to the test backend", () -> answers(home.httpPort), log);

            SlowDownload download = new SlowDownload(home.httpPort, 6 * MIB);
            Waits.until("the first 2 MiB", () -> download.received() >= 2 * MIB || download.result.isDone(), log);
            long signalled = System.nanoTime();
            signal("TERM");
            Waits.until("the listener closed", () -> !accepts(home.httpPort), log);
            assertFalse(download.result.isDone(), "stopped accepting while the download is still running");

            SlowDownload.Outcome outcome = download.result.get(60, TimeUnit.SECONDS);
            assertEquals(new SlowDownload.Outcome(40 * MIB, true, "complete"), outcome, output());
            assertTrue(rsp.waitFor(30, TimeUnit.SECONDS), output());
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            String out = output();
            assertEquals(0, rsp.exitValue(), out);
            assertTrue(stopMs > 4500, "the download outlasted the old fixed 4.5 s (" + stopMs + " ms)");
            assertTrue(out.contains("rsp proxy drained: every exchange in flight finished") && out.contains("rsp: stopped"), out);
            assertFalse(out.contains("had to be cut"), out);
        }
    }

    @Test
    void aDownloadOutlastingTimeoutStopMsIsCutAndExitIsOneWithTheCount() throws Exception {
        try (BigBodyBackend backend = new BigBodyBackend(40 * MIB)) {
            RspHome home = homeWith(backend, 1000);
            start(home);
            Waits.until("the proxy routing to the test backend", () -> answers(home.httpPort), log);

            SlowDownload download = new SlowDownload(home.httpPort, 1 * MIB);
            Waits.until("the first 1 MiB", () -> download.received() >= MIB || download.result.isDone(), log);
            signal("TERM");

            assertTrue(rsp.waitFor(30, TimeUnit.SECONDS), output());
            String out = output();
            assertEquals(1, rsp.exitValue(), out);
            assertTrue(out.contains("rsp: 1 connection was still busy after timeout.stop.ms (1000 ms) and had to be cut"), out);
            SlowDownload.Outcome outcome = download.result.get(60, TimeUnit.SECONDS);
            assertFalse(outcome.complete(), outcome.toString());
        }
    }

    @Test
    void aFailingBackendIsLoggedAtOnceWithTheReasonAndItsReturnWithoutWaitingForTheCoolDown() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        int port = RspHome.freePort();
        Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.gone = 127.0.0.1:" + port + "\n");
        home.core("health.check.interval.ms", "200").core("health.cooldown.ms", "600000");
        start(home);
        Waits.logLine(log, "Backend gone out: health check (TCP): connection refused (its first check)", 1);
        try (ServerSocket back = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(port, back.getLocalPort());
            long opened = System.nanoTime();
            Waits.logLine(log, "Backend gone back: health check (TCP) passed 2 time(s) in a row", 1);
            assertTrue(System.nanoTime() - opened < TimeUnit.SECONDS.toNanos(30), "long before the 10 min cool-down");
        }
        assertEquals(1, Waits.count(log, "Backend gone out"), output());
    }

    /** The distribution with one backend, the test's, and {@code timeout.stop.ms}. */
    private RspHome homeWith(BigBodyBackend backend, long stopTimeoutMs) throws IOException {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Files.writeString(home.etc().resolve("rsp.backends.cfg"), "backend.big = 127.0.0.1:" + backend.port() + "\n");
        return home.core("timeout.stop.ms", Long.toString(stopTimeoutMs));
    }

    private void start(RspHome home) throws IOException {
        log = tmp.resolve("rsp.log");
        rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void signal(String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(rsp.pid())).inheritIO().start().waitFor());
    }

    private String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private boolean answers(int port) {
        if (!rsp.isAlive()) {
            fail("rsp exited with " + rsp.exitValue());
        }
        try {
            return RawHttp.get(port, "alice.example.com", "/").startsWith("HTTP/1.1 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
