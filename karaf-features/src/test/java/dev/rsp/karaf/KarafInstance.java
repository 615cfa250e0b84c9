package dev.rsp.karaf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A stock Apache Karaf for one test, unpacked from the archive the build resolved (Maven Central), changed only in
 * its etc/: its own ports moved to free ones, a user for {@code bin/client}, and Maven URLs resolved from the build
 * (see {@link #resolveFrom}).
 * Started with {@code bin/karaf server}, driven with {@code bin/client}, stopped with {@code bin/stop}, as an operator
 * would.
 */
final class KarafInstance {

    static final String USER = "karaf";
    /** How long one bin/client call may take, connecting included. */
    private static final long CLIENT_SECONDS = 90;
    /** How long Karaf may take to stop, the core's drain included. */
    private static final long STOP_SECONDS = 60;

    final Path home;
    final int sshPort;
    private Process karaf;

    private KarafInstance(Path home) {
        this.home = home;
        this.sshPort = freePort();
    }

    /** Unpacks {@code archive} into {@code work} (emptied first) with tar, which keeps bin/'s execute bits. */
    static KarafInstance unpack(Path archive, Path work) throws IOException, InterruptedException {
        deleteTree(work);
        Files.createDirectories(work);
        run(List.of("tar", "-xzf", archive.toString(), "-C", work.toString()), work, 120);
        try (Stream<Path> entries = Files.list(work)) {
            Path home = entries.filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new IOException(archive + " holds no directory"));
            KarafInstance instance = new KarafInstance(home);
            instance.configure();
            return instance;
        }
    }

    private void configure() throws IOException {
        replaceLine("org.apache.karaf.shell.cfg", "sshPort", String.valueOf(sshPort));
        replaceLine("org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1");
        replaceLine("org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort()));
        replaceLine("org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort()));
        // The stock users.properties has every user commented out.
        Files.writeString(etc().resolve("users.properties"), USER + " = " + USER + ",_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n");
    }

    /**
     * Maven URLs resolve from {@code build} (a directory in repository layout: this build's bundles and features), then
     * from Karaf's system/, then from {@code local} (the build's local repository) and Maven Central, whose downloads
     * go to {@code local} as Maven's do: that is where Karaf's scr feature finds the bundles its archive lacks. No
     * snapshot repository on the network is asked, so rsp's SNAPSHOT bundles come from {@code build} alone.
     */
    void resolveFrom(Path build, Path local) throws IOException {
        Files.writeString(etc().resolve("org.ops4j.pax.url.mvn.cfg"), String.join("\n",
                "org.ops4j.pax.url.mvn.defaultRepositories = " + build.toUri() + "@id=rsp.build@snapshots, "
                        + "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots",
                "org.ops4j.pax.url.mvn.repositories = https://repo1.maven.org/maven2@id=central",
                "org.ops4j.pax.url.mvn.useFallbackRepositories = false",
                "org.ops4j.pax.url.mvn.localRepository = " + local,
                "org.ops4j.pax.url.mvn.timeout = 5000",
                "org.ops4j.pax.url.mvn.socket.readTimeout = 30000",
                ""));
    }

    Path etc() {
        return home.resolve("etc");
    }

    /** Karaf's log, where rsp's lines go too (pax-logging). */
    Path log() {
        return home.resolve("data/log/karaf.log");
    }

    private Path console() {
        return home.resolve("console.log");
    }

    /** Writes {@code etc/<name>} before Karaf starts or while it runs (FileInstall applies it). */
    void etcFile(String name, String text) throws IOException {
        Files.writeString(etc().resolve(name), text);
    }

    void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(console().toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        karaf = pb.start();
    }

    /**
     * Runs {@code commands} in Karaf's shell through {@code bin/client} in batch mode (the commands on its standard
     * input; the client retries the connection while Karaf starts). Returns the output; fails when a command did.
     */
    String client(String... commands) throws IOException, InterruptedException {
        List<String> cmd = List.of(home.resolve("bin/client").toString(), "-a", String.valueOf(sshPort),
                "-h", "127.0.0.1", "-u", USER, "-p", USER, "-r", "60", "-d", "1", "-b");
        String out = run(cmd, home, CLIENT_SECONDS, String.join("\n", commands) + "\n");
        if (out.contains("Error executing command")) {
            throw new AssertionError("bin/client " + List.of(commands) + " failed:\n" + out);
        }
        return out;
    }

    /**
     * {@code bin/stop}, then waits for Karaf to exit; what is still running after that is killed. Does nothing when
     * Karaf was not started or was stopped already.
     */
    void stop() throws IOException, InterruptedException {
        if (karaf == null || !karaf.isAlive()) {
            return;
        }
        try {
            run(List.of(home.resolve("bin/stop").toString()), home, STOP_SECONDS);
            if (!karaf.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("Karaf did not stop within " + STOP_SECONDS + " s");
            }
        } finally {
            karaf.descendants().forEach(ProcessHandle::destroyForcibly);
            karaf.destroyForcibly();
        }
    }

    /** Karaf's console output and the end of its log, for a failure message. */
    String logs() {
        return "--- " + console() + ":\n" + tail(console(), 100) + "\n--- " + log() + ":\n" + tail(log(), 300);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read: " + e + ")";
        }
    }

    private void replaceLine(String file, String key, String value) throws IOException {
        Path path = etc().resolve(file);
        String text = Files.readString(path);
        String replaced = text.replaceFirst("(?m)^" + key + "\\s*=.*$", key + " = " + value);
        if (replaced.equals(text)) {
            throw new IllegalStateException(path + " has no line " + key + " = ...");
        }
        Files.writeString(path, replaced);
    }

    private static String run(List<String> command, Path dir, long seconds) throws IOException, InterruptedException {
        return run(command, dir, seconds, "");
    }

    /** Runs a command to its end within {@code seconds}; returns its output, fails on a non-zero exit. */
    private static String run(List<String> command, Path dir, long seconds, String input)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + seconds + " s");
        }
        String out;
        try {
            out = output.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(command + ": cannot read its output", e);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    private static String readAll(InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static final int FIRST_PORT = 20_000;
    private static final int PORTS = 12_000;
    private static final AtomicInteger NEXT_PORT = new AtomicInteger((int) (ProcessHandle.current().pid() * 131 % PORTS));

    /**
     * A port free now for a listener that starts later (Karaf's, rsp's), taken from 20000-31999: below Linux's
     * ephemeral range, so that no outgoing connection takes it in between; where to start depends on the process, so
     * that builds side by side seldom try the same ports.
     */
    static int freePort() {
        for (int i = 0; i < PORTS; i++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("0.0.0.0", port));
                return port;
            } catch (IOException inUse) {
                // try the next
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
    }
}
