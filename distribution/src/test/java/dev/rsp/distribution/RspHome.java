package dev.rsp.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A private copy of the assembled distribution for one test, with every port moved to a free one so that tests do
 * not collide with each other or with anything else on the machine.
 */
final class RspHome {

    final Path dir;
    final int[] demoPorts = new int[3];
    final int httpPort;
    final int adminPort;
    final int tlsPort;

    private RspHome(Path dir) {
        this.dir = dir;
        for (int i = 0; i < demoPorts.length; i++) {
            demoPorts[i] = freePort();
        }
        httpPort = freePort();
        adminPort = freePort();
        tlsPort = freePort();
    }

    /** The distribution the build assembled, as failsafe passes it in {@code rsp.dist}. */
    static Path assembled() {
        String dist = System.getProperty("rsp.dist");
        if (dist == null) {
            throw new IllegalStateException("system property rsp.dist is not set: run through Maven (mvn verify)");
        }
        return Paths.get(dist);
    }

    /** Copies the assembled distribution into {@code target} and rewrites the demo and listener ports. */
    static RspHome copyTo(Path target) throws IOException {
        Path source = assembled();
        try (Stream<Path> files = Files.walk(source)) {
            files.filter(p -> !p.startsWith(source.resolve("data"))).forEach(p -> {
                Path to = target.resolve(source.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        RspHome home = new RspHome(target);
        home.rewritePorts();
        return home;
    }

    Path etc() {
        return dir.resolve("etc");
    }

    private void rewritePorts() throws IOException {
        for (String file : new String[] {"rsp.demo.cfg", "rsp.backends.cfg"}) {
            Path path = etc().resolve(file);
            String cfg = Files.readString(path);
            for (int i = 0; i < demoPorts.length; i++) {
                cfg = cfg.replace("127.0.0.1:" + (9101 + i), "127.0.0.1:" + demoPorts[i]);
            }
            Files.writeString(path, cfg);
        }
        Path core = etc().resolve("rsp.core.cfg");
        Files.writeString(core, Files.readString(core).replace("0.0.0.0:8080", "127.0.0.1:" + httpPort));
        Path admin = etc().resolve("rsp.admin.cfg");
        Files.writeString(admin, Files.readString(admin).replace("127.0.0.1:9090", "127.0.0.1:" + adminPort));
        Path tls = etc().resolve("rsp.tls.cfg");
        Files.writeString(tls, Files.readString(tls) + "\nlisten = 127.0.0.1:" + tlsPort + "\n");
    }

    /** Sets the admin token in etc/rsp.admin.cfg (a later line wins over the shipped empty one). */
    RspHome adminToken(String token) throws IOException {
        Path admin = etc().resolve("rsp.admin.cfg");
        Files.writeString(admin, Files.readString(admin) + "\ntoken = " + token + "\n");
        return this;
    }

    /** Starts this home's bin/rsp (without the class data sharing archive), its output going to {@code log}. */
    Process start(Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("RSP_CDS", "off");
        return pb.start();
    }

    /** Stops a bin/rsp started by a test: SIGTERM, up to 15 s for it to exit, then killed. */
    static void stop(Process rsp) throws InterruptedException {
        rsp.destroy();
        if (!rsp.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            rsp.destroyForcibly();
        }
    }

    /** Appends {@code key = value} to etc/rsp.core.cfg (a later line wins over the shipped one). */
    RspHome core(String key, String value) throws IOException {
        Path core = etc().resolve("rsp.core.cfg");
        Files.writeString(core, Files.readString(core) + "\n" + key + " = " + value + "\n");
        return this;
    }

    /**
     * Replaces a file the way an editor saving it should: a temporary file beside it, then an atomic rename, so that
     * a watcher (FileInstall, the Lua rules watcher) never reads it half written.
     */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static final int FIRST_PORT = 20_000;
    private static final int PORTS = 12_000;
    /** The first port {@link #freePort} tries: spread by process, so that runs side by side seldom meet. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
            new java.util.concurrent.atomic.AtomicInteger((int) (ProcessHandle.current().pid() * 97 % PORTS));

    /**
     * A port free now for a listener the test will start later, from 20000-31999: below Linux's ephemeral range
     * (32768-60999), so that no outgoing connection can take it in between (a port the kernel chose by binding 0 was
     * one of those, and a demo backend once found its port in use).
     */
    static int freePort() {
        for (int i = 0; i < PORTS; i++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress("0.0.0.0", port));
                return port;
            } catch (IOException inUse) {
                // the next one
            }
        }
        throw new UncheckedIOException(new IOException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1)));
    }
}
