package dev.rsp.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.config.Units;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM settings {@code bin/rsp} derives from {@code limits.memory} (run as {@code bin/rsp --jvm-options}, the
 * script from the sources in a home of its own, with a stand-in Java that is never run): the split of the budget, the
 * values rsp reads as sizes read the same by the script as by {@link Units} (a fixed-seed sample of spellings), a
 * wrong value refusing the start with one line naming it, and {@code RSP_JAVA_OPTS} winning.
 */
class JvmMemoryOptionsTest {

    static final Path SCRIPT = Path.of(System.getProperty("basedir", ".")).resolve("src/main/dist/bin/rsp");
    static final long MIB = 1 << 20;

    @TempDir
    Path home;

    @BeforeEach
    void layout() throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("etc"));
        Files.copy(SCRIPT, home.resolve("bin/rsp"));
        javaHome("17.0.15");
    }

    /** A Java home whose release file says {@code version}; its java fails loudly if anything runs it. */
    void javaHome(String version) throws IOException {
        Path bin = Files.createDirectories(home.resolve("jdk/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'the stand-in java was run' >&2\nexit 99\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("jdk/release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }

    record Run(int status, List<String> out, String err) {
    }

    Run run(String coreCfg, String javaOpts, String... args) throws Exception {
        if (coreCfg != null) {
            Files.writeString(home.resolve("etc/rsp.core.cfg"), coreCfg);
        }
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/rsp").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", home.resolve("jdk").toString());
        env.remove("RSP_JAVA_OPTS");
        if (javaOpts != null) {
            env.put("RSP_JAVA_OPTS", javaOpts);
        }
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "bin/rsp did not finish");
        return new Run(p.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    Run options(String memoryLine) throws Exception {
        return run("http.listen = 127.0.0.1:0\n" + memoryLine + "\n", null, "--jvm-options");
    }

    @Test
    void theDefaultBudgetOfOneGigabyteIsSplitForAProxy() throws Exception {
        Run r = run("http.listen = 127.0.0.1:0\n", null, "--jvm-options");
        assertEquals(0, r.status, r.err);
        assertEquals(List.of("-Drsp.memory.budget=1073741824", "-Xmx384m", "-Xms16m", "-XX:+UseG1GC",
                "-XX:G1PeriodicGCInterval=5000", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:MaxDirectMemorySize=384m", "-XX:TrimNativeHeapInterval=5000",
                "-XX:CompileThresholdScaling=5"), r.out);
    }

    @Test
    void heapAndDirectMemoryAreThreeEighthsOfTheBudgetEach() throws Exception {
        Run r = options("limits.memory = 4g");
        assertTrue(r.out.contains("-Xmx1536m") && r.out.contains("-XX:MaxDirectMemorySize=1536m"), r.out.toString());
        Run small = options("limits.memory: 128m");
        assertTrue(small.out.contains("-Xmx48m") && small.out.contains("-XX:MaxDirectMemorySize=48m"), small.out.toString());
    }

    @Test
    void aWrongBudgetRefusesTheStartWithOneLineNamingIt() throws Exception {
        for (String bad : List.of("lots", "1.5g", "-1g", "1t", "63m", "")) {
            Run r = run("limits.memory = " + bad + "\n", null);
            assertEquals(1, r.status, bad + ": " + r.err);
            assertTrue(r.out.isEmpty(), r.out.toString());
            String line = r.err.strip();
            assertFalse(line.contains("\n"), line);
            assertTrue(line.startsWith("rsp: not started: limits.memory = '" + bad + "' in "), line);
            assertFalse(line.contains("stand-in java"), "Java must not be started: " + line);
        }
        assertTrue(options("limits.memory = 63m").err.contains("must be at least 64m"));
        assertTrue(options("limits.memory = lots").err.contains("expected a size"));
    }

    @Test
    void theScriptReadsSizesAsRspDoes() throws Exception {
        Random random = new Random(21);
        String[] units = {"", "b", "k", "K", "kb", "KiB", "m", "M", "mb", "MiB", "g", "G", "gb", "GiB", "t", "x", "mm"};
        List<String> values = new ArrayList<>(List.of("1g", "64m", "65536k", "67108864", "1_024m", "0001g", " 2g ", "2 g"));
        for (int i = 0; i < 60; i++) {
            String digits = Long.toString(1 + random.nextInt(5000));
            if (random.nextInt(5) == 0 && digits.length() > 1) {
                digits = digits.charAt(0) + "_" + digits.substring(1);
            }
            values.add(digits + (random.nextInt(4) == 0 ? " " : "") + units[random.nextInt(units.length)]);
        }
        for (String v : values) {
            OptionalLong bytes = Units.bytes(v);
            boolean accepted = bytes.isPresent() && bytes.getAsLong() >= 64 * MIB;
            Run r = options("limits.memory = " + v);
            assertEquals(accepted ? 0 : 1, r.status, "'" + v + "': " + r.err);
            if (accepted) {
                assertEquals("-Drsp.memory.budget=" + bytes.getAsLong(), r.out.get(0), "'" + v + "'");
                assertTrue(r.out.contains("-Xmx" + bytes.getAsLong() / 8 * 3 / MIB + "m"), v + ": " + r.out);
            }
        }
    }

    @Test
    void rspJavaOptsWinOverTheDerivedSettings() throws Exception {
        Run r = run("limits.memory = 1g\n", "-Xmx2g -XX:+UseParallelGC -XX:MaxDirectMemorySize=3g", "--jvm-options");
        assertEquals(0, r.status, r.err);
        assertEquals(List.of("-Drsp.memory.budget=1073741824", "-XX:TrimNativeHeapInterval=5000",
                "-XX:CompileThresholdScaling=5", "-Xmx2g", "-XX:+UseParallelGC", "-XX:MaxDirectMemorySize=3g"), r.out,
                "no second GC, heap or direct limit");
    }

    @Test
    void rspJavaOptsReplaceTheStartJitThresholds() throws Exception {
        Run r = run("limits.memory = 1g\n", "-XX:CompileThresholdScaling=1", "--jvm-options");
        assertEquals(0, r.status, r.err);
        assertEquals(1, r.out.stream().filter(o -> o.startsWith("-XX:CompileThresholdScaling=")).count(), r.out.toString());
        assertTrue(r.out.contains("-XX:CompileThresholdScaling=1"), r.out.toString());
    }

    @Test
    void theNativeHeapTrimIsAskedOnlyOfAJavaThatHasIt() throws Exception {
        for (String v : List.of("17.0.8", "18.0.2", "20", "21", "11.0.25")) {
            javaHome(v);
            assertFalse(options("limits.memory = 1g").out.contains("-XX:TrimNativeHeapInterval=5000"), v);
        }
        for (String v : List.of("17.0.9", "21.0.1", "22", "25.0.1")) {
            javaHome(v);
            assertTrue(options("limits.memory = 1g").out.contains("-XX:TrimNativeHeapInterval=5000"), v);
        }
    }
}
