package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black-box: bin/rsp as a real process under a client load of at least 10,000 requests, while routing changes in
 * four ways. No request may fail.
 */
class HotSwapIT {

    static final long MIN_REQUESTS = 10_000;

    @TempDir
    Path tmp;

    @Test
    void routingChangesUnderLoadFailNoRequest() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path log = tmp.resolve("rsp.log");
        Process rsp = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "--shell")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OutputStream shell = rsp.getOutputStream();
        try {
            await(log, "the demo routed by host-hash", () -> answers(home.httpPort));
            try (LoadLoop load = new LoadLoop(home.httpPort, 4, 1_000_000, 240)) {
                awaitRequests(load, 500, log);

                // (a) edit routing.chain in etc/rsp.core.cfg, and back
                Path core = home.etc().resolve("rsp.core.cfg");
                String original = Files.readString(core);
                RspHome.writeAtomically(core, original.replace("routing.chain = reload-path, host-hash", "routing.chain = host-hash"));
                awaitLog(log, "routing chain is now [host-hash]", 1);
                RspHome.writeAtomically(core, original);
                awaitLog(log, "routing chain is now [reload-path, host-hash]", 2);
                awaitRequests(load, load.total() + 1000, log);

                // (b) drop a strategy bundle into deploy/, use it in the chain, remove it
                Path example = home.dir.resolve("deploy/rsp-routing-example-header.jar");
                Path partial = home.dir.resolve("deploy/.example.part");
                Files.copy(Paths.get(System.getProperty("rsp.example.jar")), partial);
                Files.move(partial, example, StandardCopyOption.ATOMIC_MOVE);
                awaitLog(log, "routing strategy example-header added", 1);
                shell("rsp:chain example-header reload-path host-hash", shell);
                awaitLog(log, "routing chain is now [example-header, reload-path, host-hash]", 1);
                String chosen = RawHttp.get(home.httpPort, "alice.example.com", "/by-header", "X-Route-To: demo-3\r\n");
                assertTrue(chosen.contains("\r\n\r\ndemo-3\n"), "the dropped-in strategy decides: " + chosen);
                awaitRequests(load, load.total() + 1000, log);
                shell("rsp:chain reload-path host-hash", shell);
                awaitLog(log, "routing chain is now [reload-path, host-hash]", 3);
                Files.delete(example);
                awaitLog(log, "routing strategy example-header removed", 1);
                awaitRequests(load, load.total() + 1000, log);

                // (c) replace host-hash by a new version of its jar: a bundle update
                Path hostHash = home.dir.resolve("deploy/rsp-routing-host-hash.jar");
                BundleJars.withVersion(hostHash, "99.0.0", hostHash);
                awaitLog(log, "routing strategy host-hash removed", 1);
                awaitLog(log, "routing strategy host-hash added", 2);
                awaitRequests(load, load.total() + 1000, log);

                // (d) switch the chain from the Gogo shell, and back
                shell("rsp:chain host-hash", shell);
                awaitLog(log, "routing chain is now [host-hash]", 2);
                shell("rsp:chain reload-path host-hash", shell);
                awaitLog(log, "routing chain is now [reload-path, host-hash]", 4);

                awaitRequests(load, MIN_REQUESTS, log);
                load.close();
                System.out.printf("hot swap under load: %d requests, %d non-2xx, %d connection errors%n",
                        load.total(), load.non2xx(), load.connectionErrors());
                assertEquals(0, load.non2xx(), () -> "non-2xx answers: " + load.failures());
                assertEquals(0, load.connectionErrors(), () -> "connection errors: " + load.failures());
                assertTrue(load.total() >= MIN_REQUESTS, "requests sent: " + load.total());
            }
        } finally {
            rsp.destroy();
            if (!rsp.waitFor(10, TimeUnit.SECONDS)) {
                rsp.destroyForcibly();
            }
        }
    }

    private static boolean answers(int port) {
        try {
            return RawHttp.get(port, "alice.example.com", "/").startsWith("HTTP/1.1 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    private static void shell(String command, OutputStream shell) throws IOException {
        shell.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
    }

    private static void awaitRequests(LoadLoop load, long n, Path log) throws IOException {
        await(log, n + " requests", () -> load.total() >= n);
        if (load.non2xx() + load.connectionErrors() > 0) {
            fail("requests failed: " + load.failures());
        }
    }

    /** Waits until {@code text} appears at least {@code times} times in the log. */
    private static void awaitLog(Path log, String text, int times) throws IOException {
        await(log, "log line '" + text + "' x" + times, () -> count(log, text) >= times);
    }

    private static int count(Path log, String text) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            int n = 0;
            for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
                n++;
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void await(Path log, String what, BooleanSupplier condition) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what + "; log:\n" + Files.readString(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
