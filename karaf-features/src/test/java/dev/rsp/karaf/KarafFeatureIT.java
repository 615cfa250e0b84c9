package dev.rsp.karaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * rsp in a stock Apache Karaf, installed the way the README says: {@code feature:repo-add} of this build's features
 * repository and {@code feature:install rsp}, then a request through rsp to a backend of the test's own.
 *
 * <p>The Karaf archive comes from Maven Central through the build. Karaf resolves rsp's features and bundles and the
 * libraries they name from the build's test repository (target/it-repo), its own bundles from its system/, and the
 * few bundles of its scr feature that its archive lacks from the build's local repository, else Maven Central (as a
 * Karaf on line does). rsp's listeners are moved to free ports by etc/ files written before the install, which the
 * feature's own configuration files then leave alone.
 */
class KarafFeatureIT {

    private static final long DEADLINE_SECONDS = 60;

    private HttpServer backend;
    private KarafInstance karaf;

    @BeforeEach
    void backend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = ("karaf-it backend: " + exchange.getRequestHeaders().getFirst("Host") + " "
                    + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
    }

    @AfterEach
    void stopBackend() {
        backend.stop(0);
    }

    @Test
    void featureInstallsIntoStockKarafAndProxies() throws Exception {
        karaf = KarafInstance.unpack(path("karaf.archive"), path("karaf.work"));
        karaf.resolveFrom(path("it.repo"), path("maven.local.repository"));
        int http = KarafInstance.freePort();
        int admin = KarafInstance.freePort();
        karaf.etcFile("rsp.core.cfg", "http.listen = 127.0.0.1:" + http + "\nrouting.chain = reload-path, host-hash\n");
        karaf.etcFile("rsp.admin.cfg", "listen = 127.0.0.1:" + admin + "\n");
        karaf.etcFile("rsp.backends.cfg", "backend.it = 127.0.0.1:" + backend.getAddress().getPort() + "\n");
        String version = System.getProperty("rsp.version");

        karaf.start();
        try {
            String installed = karaf.client(
                    "feature:repo-add mvn:dev.rsp/rsp-karaf-features/" + version + "/xml/features",
                    "feature:install rsp",
                    "feature:list -i");
            assertTrue(installed.lines().anyMatch(l -> l.matches("rsp\\s+\\|.*")), "rsp is not installed:\n" + installed);
            Set<String> missing = DistributionBundles.expectedInKaraf(path("rsp.dist"));
            missing.removeAll(symbolicNames(karaf.client("bundle:list -s -t 0")));
            assertEquals(Set.of(), missing, "bundles of the distribution that the feature does not bring: add them to "
                    + "karaf-features/src/main/feature/features.xml");
            String described = karaf.client("rsp:config rsp.core");
            assertTrue(described.lines().anyMatch(l -> l.matches("\\s*buffer\\.size +Integer +16384 +4096\\.\\.1048576 .*")),
                    "Karaf's MetaType service describes rsp.core:\n" + described);

            String chain = karaf.client("rsp:chain");
            assertTrue(chain.contains("routing.chain = "), "rsp:chain prints under Karaf's non-interactive client:\n" + chain);

            String answer = poll("a response from the backend through rsp", () -> get(http, "alice.example.com", "/a?b=1"));
            assertEquals("HTTP/1.1 200 OK", answer.lines().findFirst().orElse(""), answer);
            assertTrue(answer.endsWith("karaf-it backend: alice.example.com /a?b=1"), answer);
            // the admin listener (the JDK's HTTP server, through Karaf's boot delegation of com.sun.*)
            String metrics = poll("the admin listener", () -> get(admin, "127.0.0.1", "/metrics"));
            assertTrue(metrics.startsWith("HTTP/1.1 200"), metrics);

            // The feature's configuration files went into etc/ where the test had written none; its own were kept.
            assertTrue(Files.readString(karaf.etc().resolve("rules.lua")).contains("function route(req)"));
            assertTrue(Files.readString(karaf.etc().resolve("rsp.routing.reloadpath.cfg")).contains("path.pattern"));
            assertEquals("listen = 127.0.0.1:" + admin + "\n", Files.readString(karaf.etc().resolve("rsp.admin.cfg")));
            assertTrue(Files.readString(karaf.log()).contains("rsp runs without its launcher (bin/rsp)"),
                    "no line on the missing launcher");

            karaf.stop();
            String log = Files.readString(karaf.log());
            assertTrue(log.contains("rsp proxy drained") && log.contains("rsp core stopped"), "rsp did not stop");
            // not at install (the feature's configuration files were complete), nor at stop; the machine-level kernel
            // settings warned about at start are this machine's, not rsp's problem
            assertTrue(log.lines().noneMatch(l -> l.contains("dev.rsp") && (l.contains("| ERROR |")
                    || l.contains("| WARN ") && !l.contains("net.core.somaxconn")
                            && !l.contains("net.ipv4.tcp_migrate_req"))), "an rsp bundle logged a problem");
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\n" + karaf.logs(), t);
        } finally {
            karaf.stop();
        }
    }

    /** The symbolic names in the output of {@code bundle:list -s} (the last column of its table). */
    private static Set<String> symbolicNames(String bundleList) {
        return bundleList.lines().filter(l -> l.matches("\\s*\\d+\\s*\\|.*"))
                .map(l -> l.substring(l.lastIndexOf('|') + 1).trim()).collect(Collectors.toSet());
    }

    /** One HTTP/1.1 GET on a new connection; returns the whole response, or null when nothing listens yet. */
    private static String get(int port, String host, String target) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try (InputStream in = s.getInputStream()) {
                in.transferTo(response);
            }
            return response.toString(StandardCharsets.UTF_8);
        } catch (IOException notYet) {
            return null;
        }
    }

    /**
     * Polls until {@code request} gets an answer other than 503 (the proxy up but the backends or strategies not yet
     * published); fails after {@link #DEADLINE_SECONDS}.
     */
    private static String poll(String what, Supplier<String> request) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        String last = null;
        while (System.nanoTime() - deadline < 0) {
            last = request.get();
            if (last != null && !last.startsWith("HTTP/1.1 503")) {
                return last;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new AssertionError("timed out waiting for " + what + "; last answer: " + last);
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        if (value == null || value.contains("${")) {
            throw new IllegalStateException("system property " + property + " is not set: run through Maven (mvn verify)");
        }
        return Paths.get(value);
    }
}
