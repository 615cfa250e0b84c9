package dev.rsp.distribution;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options that boot exactly the distribution's bundle set (bundle/boot if any, bundle/logging, bundle, deploy) in
 * Felix at the launcher's start levels, with FileInstall reading a private copy of the distribution's etc/.
 */
final class FelixOptions {

    private FelixOptions() {
    }

    /** Copies the distribution under {@code work} with free ports; {@code log} is where logback will write. */
    static RspHome prepare(Path work, Path log) throws IOException {
        Files.createDirectories(work);
        Files.deleteIfExists(log);
        return RspHome.copyTo(work.resolve("home-" + System.nanoTime()));
    }

    static Option[] options(RspHome home, Path log) {
        Path dist = RspHome.assembled();
        List<Option> options = new ArrayList<>();
        options.add(cleanCaches());
        options.add(frameworkStartLevel(5));
        // Without this Gogo reads the test JVM's stdin, meets its end and stops the framework.
        options.add(systemProperty("gosh.args").value("--nointeractive"));
        // The distribution's own SLF4J and logback, not Pax Logging, must serve rsp's bundles.
        options.add(systemProperty("pax.exam.logging").value("none"));
        options.add(systemProperty("logback.configurationFile").value(resource("it-logback.xml")));
        // As the launcher does (dev.rsp.launcher.LoggingStart): SLF4J loads logback's provider through the fragment
        // bundle/logging/rsp-slf4j-logback.jar, there being no SPI Fly to weave its ServiceLoader call.
        options.add(systemProperty("slf4j.provider").value("ch.qos.logback.classic.spi.LogbackServiceProvider"));
        options.add(systemProperty("slf4j.internal.verbosity").value("WARN"));
        options.add(systemProperty("rsp.it.log").value(log.toString()));
        // As the launcher does: relative paths in configuration (the lua strategy's etc/rules.lua) resolve here.
        options.add(systemProperty("rsp.home").value(home.dir.toString()));
        // Test code inside the container is loaded again by the probe bundle: it reads the ports from here.
        options.add(systemProperty("rsp.it.demoPort").value(Integer.toString(home.demoPorts[0])));
        options.add(systemProperty("rsp.it.httpPort").value(Integer.toString(home.httpPort)));
        options.add(systemProperty("rsp.it.etc").value(home.etc().toString()));
        options.add(systemProperty("rsp.it.dist").value(dist.toString()));
        options.add(frameworkProperty("felix.fileinstall.dir").value(home.etc().toString()));
        options.add(frameworkProperty("felix.fileinstall.filter").value(".*\\.cfg"));
        options.add(frameworkProperty("felix.fileinstall.poll").value("200"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        // As in the distribution's framework.properties: FileInstall never writes configurations back to etc/.
        options.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        for (File jar : distributionJars(dist)) {
            // a fragment (BoringSSL's native library, attached to Netty's tcnative classes) is installed, never started
            options.add(bundle(jar.toURI().toString()).startLevel(startLevel(dist, jar)).start(!isFragment(jar)));
        }
        options.add(junitBundles());
        return options.toArray(new Option[0]);
    }

    /** The jars the launcher installs plus those FileInstall deploys, in a stable order. */
    static List<File> distributionJars(Path dist) {
        List<File> jars = new ArrayList<>();
        for (String dir : List.of("bundle/boot", "bundle/logging", "bundle", "deploy")) {
            File[] in = dist.resolve(dir).toFile().listFiles((d, n) -> n.endsWith(".jar"));
            if (in != null) {
                Arrays.sort(in);
                jars.addAll(Arrays.asList(in));
            }
        }
        return jars;
    }

    static boolean isFragment(File jar) {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar)) {
            java.util.jar.Manifest m = j.getManifest();
            return m != null && m.getMainAttributes().getValue("Fragment-Host") != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The same start levels as the launcher: boot 1, logging 2, bundle 3, deploy 4. */
    static int startLevel(Path dist, File jar) {
        Path parent = jar.toPath().getParent();
        if (parent.equals(dist.resolve("bundle/boot"))) {
            return 1;
        }
        if (parent.equals(dist.resolve("bundle/logging"))) {
            return 2;
        }
        return parent.equals(dist.resolve("bundle")) ? 3 : 4;
    }

    private static String resource(String name) {
        return Paths.get("src", "test", "resources", name).toAbsolutePath().toString();
    }
}
