package dev.rsp.core.metatype;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLStreamException;

/**
 * The PIDs described by the metatype documents inside the bundle jars of some directories (not their
 * subdirectories), read straight from the jars without a framework: what {@code bin/rsp config} prints.
 */
public final class MetatypeJars {

    private static final String FOLDER = "OSGI-INF/metatype/";

    private MetatypeJars() {
    }

    /**
     * Every PID the {@code *.jar} files directly in {@code dirs} designate, by PID; a missing directory is skipped.
     * When two jars describe the same PID (two versions side by side), the later directory, then the later jar name
     * wins, as it would be the one last installed.
     *
     * @throws IOException when a jar or one of its metatype documents cannot be read
     */
    public static Map<String, PidKeys> read(List<Path> dirs) throws IOException {
        Map<String, PidKeys> pids = new TreeMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*.jar")) {
                found.forEach(jars::add);
            }
            jars.sort(null);
            for (Path jar : jars) {
                readJar(jar).forEach(p -> pids.put(p.pid(), p));
            }
        }
        return pids;
    }

    static List<PidKeys> readJar(Path jar) throws IOException {
        List<PidKeys> pids = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().startsWith(FOLDER) || !e.getName().endsWith(".xml")) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    pids.addAll(MetatypeXml.read(in, jar.getFileName() + "!/" + e.getName()));
                } catch (XMLStreamException x) {
                    throw new IOException(x.getMessage(), x);
                }
            }
        }
        return pids;
    }
}
