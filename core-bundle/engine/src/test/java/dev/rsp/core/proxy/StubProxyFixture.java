package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the end-to-end tests with external clients share: one stub backend "a" behind a {@link ProxyHarness}, both
 * closed after each test, a temporary directory, and a way to run a client program with a deadline.
 */
abstract class StubProxyFixture {

    StubBackend a;
    ProxyHarness proxy;
    @TempDir
    Path dir;

    @AfterEach
    void closeProxyAndBackend() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (a != null) {
            a.close();
        }
    }

    /** Starts backend "a" with {@code handler} and a proxy (with {@code core} settings) that routes to it. */
    void start(StubBackend.Handler handler, Map<String, ?> core) throws IOException {
        a = new StubBackend("a", handler);
        proxy = new ProxyHarness(core).withStrategy().backend("a", a.port());
    }

    void start(StubBackend.Handler handler) throws IOException {
        start(handler, Map.of());
    }

    String url(String path) {
        return "http://127.0.0.1:" + proxy.port() + path;
    }

    /** Runs {@code cmd} (stdout and stderr together), waits at most {@code seconds}, expects exit 0; its output. */
    String run(long seconds, String... cmd) throws Exception {
        Path outFile = dir.resolve("run-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
        try {
            assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(outFile, StandardCharsets.ISO_8859_1);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " exit status; output: " + out);
        return out;
    }

    /** A test resource's path on disk (scripts run by /usr/bin/python3). */
    static String resource(String name) {
        return Path.of("src/test/resources", name).toAbsolutePath().toString();
    }
}
