package dev.rsp.karaf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The bundles the assembled distribution ships (bundle/, its start-level folders, deploy/) that the rsp feature must
 * bring into Karaf as well, by symbolic name: all of them but the platform Karaf has its own of and the demo. Guards
 * features.xml against drift: a library added to the distribution (e.g. dnsjava) and forgotten in the feature fails
 * the test by name.
 */
final class DistributionBundles {

    /**
     * Symbolic names (or their prefixes, ending in a dot) that Karaf replaces: logging (pax-logging gives the SLF4J
     * API, so neither logback nor rsp's fragment wiring SLF4J to it, nor SPI Fly with ASM; and the Log Service API the MetaType service imports), the Gogo
     * shell (Karaf's), and the demo, which is not part of the feature. Karaf starts its own MetaType service
     * (org.apache.felix.metatype, in its startup bundles), so that one is expected and found.
     */
    private static final List<String> KARAF_HAS_ITS_OWN = List.of("slf4j.api", "ch.qos.logback.", "dev.rsp.slf4j.logback",
            "org.apache.aries.spifly.", "org.objectweb.asm", "org.apache.felix.gogo.", "dev.rsp.demo", "org.osgi.service.log");

    private DistributionBundles() {
    }

    static Set<String> expectedInKaraf(Path dist) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String folder : List.of("bundle", "bundle/boot", "bundle/logging", "deploy")) {
            if (!Files.isDirectory(dist.resolve(folder))) {
                continue; // bundle/boot is empty as shipped, and then absent
            }
            try (Stream<Path> jars = Files.list(dist.resolve(folder))) {
                jars.filter(p -> p.toString().endsWith(".jar")).map(DistributionBundles::symbolicName)
                        .filter(n -> KARAF_HAS_ITS_OWN.stream().noneMatch(n::startsWith))
                        .forEach(names::add);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException(dist + " holds no bundles: is the distribution assembled?");
        }
        return names;
    }

    private static String symbolicName(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            String name = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            if (name == null) {
                throw new IllegalStateException(jar + " is not a bundle");
            }
            return name.split(";", 2)[0].trim();
        } catch (IOException e) {
            throw new UncheckedIOException(jar.toString(), e);
        }
    }
}
