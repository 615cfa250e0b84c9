package dev.rsp.distribution;

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
 * The gRPC peers of {@code grpc_peer.py} (test resources, beside this class), run by Debian's /usr/bin/python3 with
 * python3-grpcio: a {@linkplain #start server} on 127.0.0.1 and a port of its own choosing, answering with its name,
 * and the scenario {@linkplain #client client}. Without python3-grpcio a test fails when {@code CI} is set and is
 * skipped elsewhere, as with a missing tool ({@link TlsFixture#tool}).
 */
final class GrpcPeer implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";

    final String name;
    private final Process process;
    private final int port;

    private GrpcPeer(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts server {@code name}, its output in {@code dir}, and returns once it printed its port; fails when it
     * exits first, or after {@link Waits#DEADLINE_SECONDS}.
     */
    static GrpcPeer start(String name, Path dir) throws IOException {
        requireGrpc();
        Path out = dir.resolve("grpc-peer-" + name + ".out");
        Path err = dir.resolve("grpc-peer-" + name + ".err");
        // stdin stays a pipe: the server runs until it closes (close(), or this JVM ending), so none outlives the test.
        Process p = new ProcessBuilder(PYTHON, script().toString(), "server", name)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            Waits.until("grpc peer " + name + " printing its port",
                    () -> read(out).contains("\n") || !p.isAlive(), err);
            if (!read(out).contains("\n")) {
                fail("grpc peer " + name + " exited with status " + p.exitValue() + ": " + read(err));
            }
            return new GrpcPeer(name, p, Integer.parseInt(read(out).lines().findFirst().orElseThrow().trim()));
        } catch (RuntimeException | Error e) {
            p.destroyForcibly();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Closes the server's stdin, which ends it; kills it when it is still there after 10 s. */
    @Override
    public void close() throws IOException {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** What the client printed (stdout and stderr), one line per scenario, and its exit status. */
    record ClientRun(int exit, String output) {

        /** The "OK name" and "FAIL name: why" lines, in order. */
        List<String> results() {
            return output.lines().filter(l -> l.startsWith("OK ") || l.startsWith("FAIL ")).toList();
        }
    }

    /**
     * Runs the client's scenarios against {@code target} (host:port) with {@code options} ({@code --authority},
     * {@code --server}, {@code --ca}, {@code --only}); fails when it takes more than {@code timeoutSeconds}.
     */
    static ClientRun client(Path dir, int timeoutSeconds, String target, String... options) throws Exception {
        requireGrpc();
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script().toString(), "client", target));
        cmd.addAll(List.of(options));
        Path out = Files.createTempFile(dir, "grpc-client", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the gRPC client did not finish within " + timeoutSeconds + " s: " + cmd + "\n" + read(out));
        }
        return new ClientRun(p.exitValue(), read(out));
    }

    /** Fails (CI) or skips the test when /usr/bin/python3 cannot import grpc. */
    static void requireGrpc() {
        String message = PYTHON + " cannot import grpc (apt-get install python3-grpcio; .ci/run does)";
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import grpc").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            message = PYTHON + " does not run (" + e.getMessage() + "); apt-get install python3 python3-grpcio";
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
            return Path.of(GrpcPeer.class.getResource("grpc_peer.py").toURI());
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
