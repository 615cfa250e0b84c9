package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class data sharing archive {@code bin/rsp} keeps in {@code data/} never serves what is no longer installed: a
 * start after bundle jars changed (same names, same modification times, so only the JVM's own check of each archived
 * class can notice; the core's classes are in the archive) runs the new code; an archive cut short or overwritten with garbage costs only the speed-up, the
 * start still serves and says nothing about it on the console.
 */
class CdsArchiveIT {

    @TempDir
    Path tmp;

    @Test
    void aChangedBundleJarIsUsedAndABrokenArchiveNeverBreaksAStart() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));

        String first = startAnswerStop(home, tmp.resolve("first.log"));
        assertTrue(first.contains("\nhost: alice.example.com\n"), first);
        Path archive = archive(home);
        byte[] magic = Arrays.copyOf(Files.readAllBytes(archive), 4);
        assertEquals(List.of((byte) 0xa8, (byte) 0xab, (byte) 0x0b, (byte) 0xf0),
                List.of(magic[0], magic[1], magic[2], magic[3]), "the first start leaves a dynamic archive when it stops");

        assertTrue(Files.readString(tmp.resolve("first.log")).contains("rsp proxy listening on"));

        // The core's listener line and the demo's answer, changed inside their class files, the jars keeping their
        // names and modification times: bin/rsp maps the archive again, which holds the old classes of the core
        // (bundle/); the JVM must refuse them and load the new ones.
        changeKeepingTime(home.dir.resolve("bundle/rsp-core.jar"), "rsp proxy listening on", "rsp proxy LISTENING on");
        changeKeepingTime(home.dir.resolve("deploy/rsp-demo.jar"), "\nhost: ", "\nHOST: ");
        FileTime archived = Files.getLastModifiedTime(archive);
        String changed = startAnswerStop(home, tmp.resolve("changed.log"));
        assertTrue(changed.contains("\nHOST: alice.example.com\n"), "the old demo class answered: " + changed);
        String changedLog = Files.readString(tmp.resolve("changed.log"));
        assertTrue(changedLog.contains("rsp proxy LISTENING on") && !changedLog.contains("rsp proxy listening on"),
                "the archived core class was used: " + changedLog);
        assertEquals(archived, Files.getLastModifiedTime(archive), "the archive was mapped, not made again");
        assertTrue(Files.readString(home.dir.resolve("data/cds.log")).contains(archive.toString()),
                "data/cds.log names the archive it mapped");

        // A dump cut short leaves a zero header; garbage is worse. Neither may stop a start or reach the console.
        for (byte[] broken : List.of(new byte[8192], garbage())) {
            Files.write(archive, broken);
            String log = tmp.resolve("broken-" + broken[0] + ".log").toString();
            String answer = startAnswerStop(home, Path.of(log));
            assertTrue(answer.contains("\nHOST: alice.example.com\n"), answer);
            String out = Files.readString(Path.of(log));
            assertFalse(out.contains("[cds") || out.contains("shared archive"), out);
        }
        assertTrue(Files.isRegularFile(archive(home)), "a broken archive is made again");
        assertNotEquals(0, Files.readAllBytes(archive(home))[0], "the archive made again is whole");
    }

    /** Starts bin/rsp with the archive on, waits for a proxied answer through the demo, stops it; that answer. */
    private static String startAnswerStop(RspHome home, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.dir.resolve("bin/rsp").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("RSP_CDS");
        Process rsp = pb.start();
        String[] answer = {""};
        try {
            Waits.until("a proxied 200 through the demo", () -> {
                if (!rsp.isAlive()) {
                    throw new AssertionError("rsp exited with " + rsp.exitValue() + ":\n" + read(log));
                }
                try {
                    answer[0] = RawHttp.get(home.httpPort, "alice.example.com", "/");
                    return answer[0].startsWith("HTTP/1.1 200 ");
                } catch (IOException notYet) {
                    return false;
                }
            }, log);
        } finally {
            RspHome.stop(rsp);
        }
        assertEquals(0, rsp.exitValue(), read(log));
        return answer[0];
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Path archive(RspHome home) throws IOException {
        try (Stream<Path> files = Files.list(home.dir.resolve("data"))) {
            List<Path> archives = files.filter(p -> p.getFileName().toString().matches("rsp-\\d+\\.jsa"))
                    .collect(Collectors.toList());
            assertEquals(1, archives.size(), "one archive in data/: " + archives);
            return archives.get(0);
        }
    }

    private static byte[] garbage() {
        byte[] b = new byte[100_000];
        new Random(24).nextBytes(b);
        b[0] = 1;
        return b;
    }

    private static void changeKeepingTime(Path jar, String from, String to) throws IOException {
        FileTime modified = Files.getLastModifiedTime(jar);
        replaceInClasses(jar, from, to);
        Files.setLastModifiedTime(jar, modified);
    }

    /** Rewrites {@code jar} with {@code from} replaced by {@code to} (the same length) in its class files. */
    private static void replaceInClasses(Path jar, String from, String to) throws IOException {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length, t.length);
        ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
        int replaced = 0;
        try (InputStream in = Files.newInputStream(jar); ZipInputStream zin = new ZipInputStream(in);
                ZipOutputStream zout = new ZipOutputStream(rewritten)) {
            for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
                byte[] content = zin.readAllBytes();
                if (e.getName().endsWith(".class")) {
                    for (int i = 0; i + f.length <= content.length; i++) {
                        if (Arrays.equals(content, i, i + f.length, f, 0, f.length)) {
                            System.arraycopy(t, 0, content, i, t.length);
                            replaced++;
                        }
                    }
                }
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(content);
                zout.closeEntry();
            }
        }
        assertTrue(replaced > 0, "'" + from.strip() + "' not found in the classes of " + jar);
        try (OutputStream out = Files.newOutputStream(jar)) {
            rewritten.writeTo(out);
        }
    }
}
