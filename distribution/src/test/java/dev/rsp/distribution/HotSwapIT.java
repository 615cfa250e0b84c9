package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
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
            Waits.until("the demo routed by host-hash", () -> answers(home.httpPort), log);
            try (LoadLoop load = new LoadLoop(home.httpPort, 4, 1_000_000, 240)) {
                Waits.requests(load, 500);

                // (a) edit routing.chain in etc/rsp.core.cfg, and back
                Path core = home.etc().resolve("rsp.core.cfg");
                String original = Files.readString(core);
                RspHome.writeAtomically(core, original.replace("routing.chain = reload-path, host-hash", "routing.chain = host-hash"));
                Waits.logLine(log, "routing chain is now [host-hash]", 1);
                RspHome.writeAtomically(core, original);
                Waits.logLine(log, "routing chain is now [reload-path, host-hash]", 2);
                Waits.requests(load, load.total() + 1000);

                // (b) drop a strategy bundle into deploy/, use it in the chain, remove it
                Path example = home.dir.resolve("deploy/rsp-routing-example-header.jar");
                Path partial = home.dir.resolve("deploy/.example.part");
                Files.copy(Paths.get(System.getProperty("rsp.example.jar")), partial);
                Files.move(partial, example, StandardCopyOption.ATOMIC_MOVE);
                Waits.logLine(log, "routing strategy example-header added", 1);
                shell("rsp:chain example-header reload-path host-hash", shell);
                Waits.logLine(log, "routing chain is now [example-header, reload-path, host-hash]", 1);
                String chosen = RawHttp.get(home.httpPort, "alice.example.com", "/by-header", "X-Route-To: demo-3\r\n");
                assertTrue(chosen.contains("\r\n\r\ndemo-3\n"), "the dropped-in strategy decides: " + chosen);
                Waits.requests(load, load.total() + 1000);
                shell("rsp:chain reload-path host-hash", shell);
                Waits.logLine(log, "routing chain is now [reload-path, host-hash]", 3);
                Files.delete(example);
                Waits.logLine(log, "routing strategy example-header removed", 1);
                Waits.requests(load, load.total() + 1000);

                // (c) replace host-hash by a new version of its jar: a bundle update
                Path hostHash = home.dir.resolve("deploy/rsp-routing-host-hash.jar");
                BundleJars.withVersion(hostHash, "99.0.0", hostHash);
                Waits.logLine(log, "routing strategy host-hash removed", 1);
                Waits.logLine(log, "routing strategy host-hash added", 2);
                Waits.requests(load, load.total() + 1000);

                // (d) switch the chain from the Gogo shell, and back
                shell("rsp:chain host-hash", shell);
                Waits.logLine(log, "routing chain is now [host-hash]", 2);
                shell("rsp:chain reload-path host-hash", shell);
                Waits.logLine(log, "routing chain is now [reload-path, host-hash]", 4);

                Waits.requests(load, MIN_REQUESTS);
                assertEquals(0, Waits.count(log, "is gone (its bundle stopped"), "an update is not a strategy gone");
                assertEquals(0, Waits.count(log, "routing.chain names '"), "nothing missing at start or after an update");
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

}
