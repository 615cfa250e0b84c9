package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategy archetype as a user meets it: {@code mvn archetype:generate} from the archetype this build made, a
 * {@code mvn package} of the generated project (its own test passing) against this build's rsp-api and testkit, and
 * its jar dropped into the deploy/ of a running bin/rsp, where it routes a request to a backend of the test's own.
 * Maven runs offline, in a {@link MavenSandbox}; every wait polls with a deadline.
 */
class ArchetypeIT {

    static final String STRATEGY = "path-route";
    static final String PID = "rsp.routing.pathroute";
    static final String PREFIX = "/through-the-archetype/";

    @TempDir
    Path tmp;

    @Test
    void aGeneratedStrategyBuildsTestsAndRoutesOnceDeployed() throws Exception {
        long start = System.nanoTime();
        Path jar = generateAndBuild();
        long built = System.nanoTime();

        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            byte[] body = ("archetype backend: " + exchange.getRequestURI().getPath() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try {
            deployAndRoute(jar, backend.getAddress().getPort());
        } finally {
            backend.stop(0);
        }
        System.out.printf("archetype: generated and built in %.1f s, deployed and routing in %.1f s%n",
                (built - start) / 1e9, (System.nanoTime() - built) / 1e9);
    }

    /** Runs bin/rsp with a backend of the test's own, drops the jar into deploy/, and routes through it. */
    private void deployAndRoute(Path jar, int backendPort) throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path backends = home.etc().resolve("rsp.backends.cfg");
        Files.writeString(backends, Files.readString(backends) + "\nbackend.archetype = 127.0.0.1:"
                + backendPort + "\n");
        Files.writeString(home.etc().resolve(PID + ".cfg"), "path.prefix = " + PREFIX + "\nbackends = archetype\n");
        home.core("routing.chain", STRATEGY + ", reload-path, host-hash");
        Path log = tmp.resolve("rsp.log");
        Process rsp = home.start(log);
        try {
            Waits.until("a proxied answer", () -> answer(home, "/").startsWith("HTTP/1.1 200 "), log);
            String before = answer(home, PREFIX + "a");
            assertTrue(before.startsWith("HTTP/1.1 200 ") && !before.contains("archetype backend"),
                    "without the strategy, host-hash routes to a demo backend: " + before);

            Path deployed = home.dir.resolve("deploy").resolve(jar.getFileName());
            Path partial = home.dir.resolve("deploy/.strategy.part");
            Files.copy(jar, partial);
            Files.move(partial, deployed, StandardCopyOption.ATOMIC_MOVE);
            Waits.logLine(log, PID + ": routing " + PREFIX + "* to [archetype]", 1);
            Waits.logLine(log, "routing strategy " + STRATEGY + " added", 1);
            Waits.until("a request routed by " + STRATEGY, () -> answer(home, PREFIX + "b").contains("archetype backend"), log);

            String routed = answer(home, PREFIX + "hello?x=1");
            assertTrue(routed.startsWith("HTTP/1.1 200 ") && routed.endsWith("\r\n\r\narchetype backend: " + PREFIX + "hello\n"),
                    routed);
            String other = answer(home, "/elsewhere");
            assertTrue(other.startsWith("HTTP/1.1 200 ") && !other.contains("archetype backend"),
                    "other paths pass to the next strategies: " + other);
            Pattern accessLine = Pattern.compile("alice\\.example\\.com GET " + Pattern.quote(PREFIX + "hello?x=1")
                    + " HTTP/1\\.1 200 \\S+ \\d+ archetype " + STRATEGY + " ");
            Waits.until("the access log naming the backend and the strategy",
                    () -> accessLine.matcher(read(log)).find(), log);
        } finally {
            RspHome.stop(rsp);
        }
    }

    /** Generates a project from the archetype, builds it with its tests, and returns its jar. */
    private Path generateAndBuild() throws Exception {
        String version = System.getProperty("rsp.version");
        Path root = Paths.get(System.getProperty("rsp.root")).normalize();
        Path jars = Paths.get(System.getProperty("rsp.archetype.jars"));
        MavenSandbox maven = MavenSandbox.in(tmp.resolve("maven"));
        maven.install("dev.rsp", "rsp-parent", version, root.resolve("pom.xml"), null);
        maven.install("dev.rsp", "rsp-core-parent", version, root.resolve("core-bundle/pom.xml"), null);
        maven.install("dev.rsp", "rsp-api", version, root.resolve("core-bundle/api/pom.xml"),
                jars.resolve("rsp-api-" + version + ".jar"));
        maven.install("dev.rsp", "rsp-strategy-testkit", version, root.resolve("strategy-testkit/pom.xml"),
                jars.resolve("rsp-strategy-testkit-" + version + ".jar"));
        maven.install("dev.rsp", "rsp-strategy-archetype", version, root.resolve("strategy-archetype/pom.xml"),
                jars.resolve("rsp-strategy-archetype-" + version + ".jar"));
        Path generated = Files.createDirectories(tmp.resolve("generated"));
        maven.run(generated, "generate", "org.apache.maven.plugins:maven-archetype-plugin:"
                + System.getProperty("rsp.archetype.version") + ":generate", "-DarchetypeCatalog=local",
                "-DarchetypeGroupId=dev.rsp", "-DarchetypeArtifactId=rsp-strategy-archetype",
                "-DarchetypeVersion=" + version, "-DgroupId=com.example.rsp", "-DartifactId=" + STRATEGY,
                "-Dversion=1.0.0", "-Dpackage=com.example.rsp.pathroute");
        Path project = generated.resolve(STRATEGY);
        String out = maven.run(project, "package", "package");
        Matcher tests = Pattern.compile("Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 0\n").matcher(out);
        assertTrue(tests.find() && Integer.parseInt(tests.group(1)) > 0, "the generated project's tests ran:\n" + out);
        try (Stream<Path> reports = Files.list(project.resolve("target/surefire-reports"))) {
            assertTrue(reports.anyMatch(p -> p.getFileName().toString().equals(
                    "TEST-com.example.rsp.pathroute.PrefixRouteStrategyTest.xml")), "the generated test's report");
        }
        Path jar = project.resolve("target/" + STRATEGY + "-1.0.0.jar");
        assertTrue(Files.isRegularFile(jar), "built: " + jar);
        try (JarFile bundle = new JarFile(jar.toFile())) {
            assertEquals("com.example.rsp.path-route", bundle.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"));
        }
        return jar;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String answer(RspHome home, String target) {
        try {
            return RawHttp.get(home.httpPort, "alice.example.com", target);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
