package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Black-box tests of {@code bin/rsp}: a real process, real sockets, real signals. */
class RspProcessIT {

    static final Duration START_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "INT"})
    void startsTheDemoAndStopsCleanlyOnSignal(String signal) throws Exception {
        // A process started in the background by a non-interactive shell (`cmd &`, e.g. a CI run started that way)
        // ignores SIGINT, and so does every process it starts, rsp included: the JVM then never sees Ctrl-C.
        org.junit.jupiter.api.Assumptions.assumeFalse("INT".equals(signal) && sigintIgnored(),
                "SIGINT is ignored by this process tree (started in the background), so rsp cannot receive it");
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path log = tmp.resolve("rsp.log");

        long launched = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(home.dir.resolve("bin/rsp").toString())
                .directory(elsewhere.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Without the class data sharing archive: a first start writes it at exit, which takes seconds on a loaded
        // machine and is not what the stop's bound is about (CdsArchiveIT tests the archive).
        pb.environment().put("RSP_CDS", "off");
        Process rsp = pb.start();
        try {
            String answer = awaitAnswer(rsp, home.demoPorts[0], log);
            long firstAnswerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
            System.out.println("bin/rsp launch -> first demo answer: " + firstAnswerMs + " ms");
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.contains("\r\n\r\ndemo-1\nhost: Alice.Example.com\npath: /hello?x=1\n"), answer);
            for (int i = 1; i < home.demoPorts.length; i++) {
                String other = RawHttp.get(home.demoPorts[i], "bob.example.com", "/");
                assertTrue(other.contains("demo-" + (i + 1) + "\nhost: bob.example.com\npath: /\n"), other);
            }

            // The proxy routes the demo by host-hash: every spelling of a name lands on the same demo backend.
            String first = awaitProxied(rsp, home.httpPort, "Alice.Example.com", log);
            String backend = first.substring(first.indexOf("\r\n\r\n") + 4).split("\n")[0];
            assertTrue(backend.matches("demo-[123]"), first);
            for (String spelling : List.of("alice.example.com", "ALICE.example.COM.", "alice.example.com:8080")) {
                String again = RawHttp.get(home.httpPort, spelling, "/");
                assertTrue(again.contains("\r\n\r\n" + backend + "\nhost: " + spelling + "\n"), again);
            }

            long pid = rsp.pid();
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            assertEquals(0, kill.waitFor());
            long signalled = System.nanoTime();
            if (!rsp.waitFor(5, TimeUnit.SECONDS)) {
                // what the JVM's threads are doing then, into the log below
                new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start().waitFor(10, TimeUnit.SECONDS);
                fail("rsp did not exit within 5 s of SIG" + signal + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            System.out.println("SIG" + signal + " -> exit: " + stopMs + " ms");

            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, rsp.exitValue(), out);
            assertTrue(out.contains("rsp: stopped"), out);
            // The demo's SLF4J lines arrive on stdout through logback, in the pattern etc/logback.xml sets.
            assertTrue(out.matches("(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^]]+\\] dev\\.rsp\\.demo\\.DemoBackends"
                    + " - demo backend demo-1 listening on /127\\.0\\.0\\.1:" + home.demoPorts[0] + "\n.*"), out);
            assertTrue(!out.contains("NOP") && !out.contains("No SLF4J providers"), out);
            // A configuration as shipped starts without a warning about its keys.
            assertFalse(out.contains("unknown key"), out);
        } finally {
            rsp.destroyForcibly();
        }
    }

    /** Whether this JVM inherited SIGINT as ignored (bit 2 of SigIgn in /proc/self/status; Linux only). */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    @Test
    void unknownOptionIsRejectedWithAMessage() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Result r = run(List.of(home.dir.resolve("bin/rsp").toString(), "--bogus"), Map.of());
        assertEquals(2, r.exit);
        assertTrue(r.output.contains("rsp: unknown option '--bogus'"), r.output);
    }

    @Test
    void helpExplainsTheOptions() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Result r = run(List.of(home.dir.resolve("bin/rsp").toString(), "--help"), Map.of());
        assertEquals(0, r.exit);
        assertTrue(r.output.contains("Usage: rsp") && r.output.contains("--shell") && r.output.contains("--version"), r.output);
        for (String shown : List.of("8080", "8443", "127.0.0.1:9090", "etc/rsp.core.cfg", "etc/rsp.backends.cfg", "timeout.stop.ms")) {
            assertTrue(r.output.contains(shown), shown + " in:\n" + r.output);
        }
    }

    @Test
    void versionIsPrinted() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Result r = run(List.of(home.dir.resolve("bin/rsp").toString(), "--version"), Map.of());
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.matches("rsp \\d+\\.\\d+\\.\\d+\\S*\n"), r.output);
    }

    @Test
    void missingJavaIsReportedClearly() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        // A PATH with the few tools bin/rsp uses, and no java.
        Path bin = Files.createDirectories(tmp.resolve("nojava-bin"));
        for (String tool : List.of("bash", "readlink", "dirname")) {
            Path real = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
        }
        Result r = run(List.of(home.dir.resolve("bin/rsp").toString()), Map.of("PATH", bin.toString()));
        assertEquals(1, r.exit);
        assertTrue(r.output.contains("rsp: no Java found"), r.output);
    }

    record Result(int exit, String output) {
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("bin/rsp " + command + " did not finish");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Polls the proxy until it answers 200 for {@code host}, the process dies, or the deadline passes. */
    private static String awaitProxied(Process rsp, int port, String host, Path log) throws Exception {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!rsp.isAlive()) {
                fail("rsp exited with " + rsp.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                last = RawHttp.get(port, host, "/");
                if (last.startsWith("HTTP/1.1 200 ")) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            try {
                rsp.onExit().get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // not routing yet: poll again
            }
        }
        fail("no proxied answer for " + host + " on port " + port + " (" + last + "):\n" + Files.readString(log));
        return "";
    }

    /** Polls the demo backend until it answers, the process dies, or the deadline passes. */
    private static String awaitAnswer(Process rsp, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!rsp.isAlive()) {
                fail("rsp exited with " + rsp.exitValue() + " before answering:\n" + Files.readString(log));
            }
            try {
                return RawHttp.get(port, "Alice.Example.com", "/hello?x=1");
            } catch (IOException e) {
                last = e;
            }
            try {
                rsp.onExit().get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // not answering yet: poll again
            }
        }
        fail("no demo answer on port " + port + " within " + START_DEADLINE + " (" + last + "):\n" + Files.readString(log));
        return "";
    }
}
