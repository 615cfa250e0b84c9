package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * An HTTP/2 backend, h2c with prior knowledge, for tests of HTTP/2 to backends: {@code h2backend.py} (test resources,
 * beside this class) run by Debian's /usr/bin/python3 with python3-h2, on 127.0.0.1 and a port of its choosing.
 *
 * <p>What it answers depends on the path (the script's docstring has the details): {@code /echo} (method, path,
 * authority and every request field come back as {@code x-seen-*} fields, the body as the body), {@code /duplex}
 * (each DATA echoed as it arrives), {@code /trailers}, {@code /big?bytes=N} (byte i is {@link #patternByte}),
 * {@code /reset?bytes=N}, {@code /goaway}, {@code /slow?ms=N}, {@code /status?code=N}. Options: {@code window=N},
 * {@code max-streams=N}, {@code max-frame=N} (its SETTINGS). What happened on its connections is in {@link #events()},
 * one line each: {@code CONNECT c}, {@code REQUEST c stream method path}, {@code END c stream bytes},
 * {@code RESET c stream CODE}, {@code REFUSED c stream}, {@code GOAWAY c last CODE}, {@code ERROR c what} (the client
 * broke the protocol), {@code CLOSED c}; connections are numbered from 1.
 *
 * <p>Without python3-h2 a test fails when {@code CI} is set and is skipped elsewhere.
 */
final class H2Backend implements AutoCloseable {

    static final String PYTHON = CraftedH2Client.PYTHON;
    static final long START_MILLIS = 30_000;

    private final Process process;
    private final Path out;
    private final Path err;
    private final int port;

    private H2Backend(Process process, Path out, Path err, int port) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.port = port;
    }

    /** Starts the backend with {@code options} ("max-streams=2"), its output in {@code dir}; back once it listens. */
    static H2Backend start(Path dir, String... options) throws IOException {
        requirePythonH2();
        long id = System.nanoTime();
        Path out = dir.resolve("h2backend-" + id + ".out");
        Path err = dir.resolve("h2backend-" + id + ".err");
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString()));
        cmd.addAll(List.of(options));
        // stdin stays a pipe: the backend serves until it closes (close(), or this JVM ending).
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean printed = ProxyHarness.await(() -> read(out).contains("\n") || !p.isAlive(), START_MILLIS);
        if (!printed || !read(out).contains("\n")) {
            p.destroyForcibly();
            fail("h2backend.py did not print its port within " + START_MILLIS + " ms ("
                    + (p.isAlive() ? "still running" : "exit status " + p.exitValue()) + "): " + read(err));
        }
        return new H2Backend(p, out, err, Integer.parseInt(read(out).lines().findFirst().orElseThrow().trim()));
    }

    int port() {
        return port;
    }

    /** The event lines printed so far, after the port. */
    List<String> events() {
        List<String> lines = read(out).lines().toList();
        return lines.subList(1, lines.size());
    }

    /** The event lines starting with {@code prefix} ("REQUEST ", "ERROR "). */
    List<String> events(String prefix) {
        return events().stream().filter(l -> l.startsWith(prefix)).toList();
    }

    /** What the backend wrote to stderr (Python tracebacks). */
    String errors() {
        return read(err);
    }

    /** Byte {@code i} of the bodies of /big and /reset. */
    static int patternByte(long i) {
        return (int) (i % 251);
    }

    /** Closes the backend's stdin, which ends it; kills it when it is still there after 10 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the backend process is still running (it ends after {@link #close()}). */
    boolean alive() {
        return process.isAlive();
    }

    private static void requirePythonH2() {
        String message = PYTHON + " cannot import h2 (apt-get install python3-h2; .ci/run does)";
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import h2").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            message = PYTHON + " does not run (" + e.getMessage() + "); apt-get install python3 python3-h2";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    private static Path script() {
        try {
            return Path.of(H2Backend.class.getResource("h2backend.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
