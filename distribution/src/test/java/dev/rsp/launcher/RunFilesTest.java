package dev.rsp.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-process files of a home: Felix caches per pid, data/rsp.pid. */
class RunFilesTest {

    @TempDir
    Path home;

    /** A pid no process has: above the kernel's pid_max (at most 2^22). */
    static final long GONE = (1L << 22) + 1;

    private List<String> data() throws Exception {
        try (Stream<Path> s = Files.list(home.resolve("data"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aStartRemovesTheCachesOfProcessesGoneAndKeepsItsOwnOtherFiles() throws Exception {
        Files.createDirectories(home.resolve("data/felix-cache-" + GONE + "/bundle1"));
        Files.writeString(home.resolve("data/felix-cache-" + GONE + "/bundle1/bundle.info"), "x");
        Files.createDirectories(home.resolve("data/felix-cache"));
        Files.createDirectories(home.resolve("data/tls"));

        RunFiles.removeStale(home.toFile(), true);
        assertEquals(List.of("felix-cache", "tls"), data(), "a take-over keeps the shared cache an older rsp may use");

        RunFiles.removeStale(home.toFile(), false);
        assertEquals(List.of("tls"), data());
    }

    @Test
    void thePidFileNamesOnlyARunningRspOfThisHome() throws Exception {
        File h = home.toFile();
        Files.createDirectories(home.resolve("data"));
        assertEquals(-1, RunFiles.runningPid(h), "no pid file");

        RunFiles.writePid(h, GONE);
        assertEquals(String.valueOf(GONE), Files.readString(home.resolve("data/rsp.pid")).trim());
        assertEquals(-1, RunFiles.runningPid(h), "a pid that runs nothing");
        assertFalse(RunFiles.isRsp(RunFiles.ownPid(), h), "this test's JVM is not rsp's launcher");

        RunFiles.removeOwn(h, GONE);
        assertFalse(Files.exists(home.resolve("data/rsp.pid")));
    }

    @Test
    void anExitLeavesThePidFileOfTheRspThatReplacedIt() throws Exception {
        File h = home.toFile();
        Files.createDirectories(RunFiles.cacheDir(h, GONE).toPath());
        RunFiles.writePid(h, GONE + 1);

        RunFiles.removeOwn(h, GONE);

        assertTrue(Files.exists(home.resolve("data/rsp.pid")), "it names the successor");
        assertFalse(Files.exists(RunFiles.cacheDir(h, GONE).toPath()), "its own Felix cache is gone");
    }
}
