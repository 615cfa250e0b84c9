package dev.rsp.core.metatype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetatypeJarsTest {

    @TempDir
    Path tmp;

    static String document(String pid, String dflt) {
        return "<metatype:MetaData xmlns:metatype=\"http://www.osgi.org/xmlns/metatype/v1.2.0\">"
                + "<OCD id=\"o\" name=\"n\" description=\"d\"><AD id=\"k\" type=\"String\" default=\"" + dflt + "\"/></OCD>"
                + "<Designate pid=\"" + pid + "\"><Object ocdref=\"o\"/></Designate></metatype:MetaData>";
    }

    static void jar(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }

    @Test
    void thePidsOfEveryJarInTheDirectoriesInPidOrderTheLaterDirectoryWinning() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        jar(bundle.resolve("a.jar"), Map.of("OSGI-INF/metatype/a.xml", document("rsp.b", "old"),
                "OSGI-INF/metatype/notes.txt", "not a document", "OSGI-INF/a.xml", document("rsp.ignored", "x")));
        jar(bundle.resolve("b.jar"), Map.of("OSGI-INF/metatype/b.xml", document("rsp.a", "1")));
        jar(deploy.resolve("c.jar"), Map.of("OSGI-INF/metatype/c.xml", document("rsp.b", "new")));
        Files.writeString(deploy.resolve("readme.txt"), "not a jar");
        Files.createDirectories(bundle.resolve("boot"));
        jar(bundle.resolve("boot/d.jar"), Map.of("OSGI-INF/metatype/d.xml", document("rsp.sub", "x")));

        Map<String, PidKeys> pids = MetatypeJars.read(List.of(bundle, deploy, tmp.resolve("missing")));
        assertEquals(List.of("rsp.a", "rsp.b"), List.copyOf(pids.keySet()), "subdirectories and other folders left out");
        assertEquals("new", pids.get("rsp.b").keys().get(0).defaultText());
    }

    @Test
    void aBrokenDocumentNamesItsJarAndEntry() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        jar(bundle.resolve("bad.jar"), Map.of("OSGI-INF/metatype/x.xml", "<metatype:MetaData><OCD"));
        IOException e = assertThrows(IOException.class, () -> MetatypeJars.read(List.of(bundle)));
        assertTrue(e.getMessage().startsWith("bad.jar!/OSGI-INF/metatype/x.xml: "), e.getMessage());
    }
}
