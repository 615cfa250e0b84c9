package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link H2Backend} fixture itself, against nghttp (nghttp2-client) with no proxy in between: what tests of HTTP/2
 * to backends will rely on. A missing nghttp fails the test when {@code CI} is set and skips it elsewhere.
 */
class H2BackendFixtureTest {

    @TempDir
    Path dir;

    @Test
    void echoesTheRequestAndSendsTrailersOnOneConnectionAndReportsWhatHappened() throws Exception {
        try (H2Backend backend = H2Backend.start(dir)) {
            String base = "http://127.0.0.1:" + backend.port();
            String out = nghttp("-v", "-H", "x-test: one", base + "/echo?q=1", base + "/trailers");
            for (String seen : List.of("x-seen-method: GET", "x-seen-path: /echo?q=1", "x-seen-scheme: http",
                    "x-seen-authority: 127.0.0.1:" + backend.port(), "x-seen-x-test: one")) {
                assertTrue(out.contains(seen), "'" + seen + "' in:\n" + out);
            }
            assertTrue(out.contains("trailers\n") && out.contains("grpc-status: 0") && out.contains("x-trailer: yes"),
                    out);

            assertTrue(ProxyHarness.await(() -> backend.events("CLOSED ").size() == 1, 5000),
                    backend.events().toString());
            assertEquals(List.of("CONNECT 1"), backend.events("CONNECT "), "one connection");
            List<String> requests = backend.events("REQUEST 1 ");
            assertEquals(2, requests.size(), requests.toString());
            assertTrue(requests.get(0).endsWith(" GET /echo?q=1") && requests.get(1).endsWith(" GET /trailers"),
                    requests.toString());
            assertEquals(List.of(), backend.events("ERROR "), backend.errors());
            backend.close();
            assertFalse(backend.alive(), "closing ends the backend");
        }
    }

    /** nghttp's stream window is 16383 bytes: 1 MB comes only as fast as it opens the window again. */
    @Test
    void aBigBodyArrivesWholeThroughASmallFlowControlWindow() throws Exception {
        try (H2Backend backend = H2Backend.start(dir)) {
            Path body = dir.resolve("big.body");
            int size = 1_000_000;
            nghttpTo(body, "-w", "14", "http://127.0.0.1:" + backend.port() + "/big?bytes=" + size);
            byte[] got = Files.readAllBytes(body);
            assertEquals(size, got.length);
            for (int i = 0; i < size; i++) {
                if ((got[i] & 0xff) != H2Backend.patternByte(i)) {
                    fail("byte " + i + " is " + (got[i] & 0xff) + ", expected " + H2Backend.patternByte(i));
                }
            }
            assertEquals(List.of(), backend.events("ERROR "), backend.errors());
        }
    }

    private String nghttp(String... args) throws Exception {
        Path out = dir.resolve("nghttp-" + System.nanoTime() + ".out");
        nghttpTo(out, args);
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    /** Runs nghttp with a deadline, its stdout into {@code out}; expects exit status 0. */
    private void nghttpTo(Path out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(nghttp()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("nghttp-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("nghttp did not finish within 30 s: " + cmd);
        }
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + Files.readString(err));
    }

    private static String nghttp() {
        for (String d : new String[] {"/usr/bin", "/usr/local/bin", "/bin"}) {
            if (new File(d, "nghttp").canExecute()) {
                return d + "/nghttp";
            }
        }
        String message = "nghttp is not installed (apt-get install nghttp2-client; .ci/run does)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return "";
    }
}
