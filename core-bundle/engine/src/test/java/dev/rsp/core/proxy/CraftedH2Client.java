package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code h2crafted.py} (test resources: crafted HTTP/2 frames written with Debian's python3-h2, hyperframe and
 * hpack) against a proxy's plain listener, with a deadline, and gives back what the client observed, one line per
 * event ("A GOAWAY 7 ENHANCE_YOUR_CALM", "A RST 3 REFUSED_STREAM", "A HEADERS 1 200", "A CLOSED"). The script runs
 * with /usr/bin/python3: the python3 first on PATH may be a build without those modules.
 */
final class CraftedH2Client {

    static final String PYTHON = "/usr/bin/python3";

    /** The client's observations; a test asserts on them as a user of the connection would see them. */
    record Observed(String text) {
        List<String> lines() {
            return text.lines().toList();
        }

        boolean has(String line) {
            return lines().contains(line);
        }

        /** Asserts that the exact line was printed. */
        Observed expect(String line) {
            assertTrue(has(line), "expected '" + line + "' in:\n" + text);
            return this;
        }

        /** Asserts that a GOAWAY arrived (graceful or final, whatever its last stream id). */
        Observed expectGoAway() {
            assertTrue(lines().stream().anyMatch(l -> l.matches("[A-Z] GOAWAY \\d+ NO_ERROR")), "expected a GOAWAY in:\n" + text);
            return this;
        }

        Observed expectNot(String prefix) {
            assertTrue(lines().stream().noneMatch(l -> l.startsWith(prefix)), "unexpected '" + prefix + "' in:\n" + text);
            return this;
        }

        /** Lines starting with {@code prefix}. */
        List<String> starting(String prefix) {
            return lines().stream().filter(l -> l.startsWith(prefix)).toList();
        }

        /** The integer after {@code prefix} on its line ("A STALLED 1234" with prefix "A STALLED "). */
        long number(String prefix) {
            String line = lines().stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no '" + prefix + "' in:\n" + text));
            return Long.parseLong(line.substring(prefix.length()).trim().split(" ")[0]);
        }
    }

    private CraftedH2Client() {
    }

    /** Runs one scenario of the script against {@code port}; fails unless it ends within 60 s with status 0. */
    static Observed run(Path dir, int port, String scenario, String... args) throws Exception {
        return run(dir, port, null, scenario, args);
    }

    /**
     * Runs a scenario that takes {@code hold=PATH} last (its connection stays open at the end until PATH exists),
     * and runs {@code whileHeld} once the script says HOLDING: a test looks at rsp while the client is still there.
     */
    static Observed runHolding(Path dir, int port, Runnable whileHeld, String scenario, String... args) throws Exception {
        return run(dir, port, whileHeld, scenario, args);
    }

    private static Observed run(Path dir, int port, Runnable whileHeld, String scenario, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString(), scenario, String.valueOf(port)));
        cmd.addAll(List.of(args));
        Path release = dir.resolve("release-" + System.nanoTime());
        if (whileHeld != null) {
            cmd.add("hold=" + release);
        }
        Path outFile = dir.resolve(scenario + "-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
        if (whileHeld != null) {
            try {
                assertTrue(ProxyHarness.await(() -> read(outFile).contains("HOLDING"), 30_000),
                        scenario + " reached its hold: " + read(outFile));
                whileHeld.run();
            } finally {
                Files.writeString(release, "");
            }
        }
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(outFile, StandardCharsets.UTF_8);
        assertTrue(ended, scenario + " finished in time; output:\n" + out);
        assertEquals(0, p.exitValue(), scenario + " exit status; output:\n" + out);
        assertTrue(out.lines().anyMatch("DONE"::equals), scenario + " ran to its end; output:\n" + out);
        return new Observed(out);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path script() throws URISyntaxException {
        return Path.of(CraftedH2Client.class.getResource("h2crafted.py").toURI());
    }
}
