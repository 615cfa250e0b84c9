package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.metatype.MetatypeJars;
import dev.rsp.core.metatype.PidKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rsp PID described once, by the metatype in its bundle: {@code bin/rsp config} prints it from the jars without
 * a framework, {@code rsp:config} from the running MetaType service, and README.md's key tables agree with it.
 */
class ConfigIT {

    static final List<String> PIDS = List.of("rsp.acme", "rsp.admin", "rsp.backends", "rsp.core", "rsp.demo", "rsp.etcd",
            "rsp.headers", "rsp.ratelimit", "rsp.routing.hosthash", "rsp.routing.lua", "rsp.routing.reloadpath", "rsp.tls");

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    static Result run(Path home, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/rsp").toString(), "config"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("rsp-config", ".out");
        Path err = Files.createTempFile("rsp-config", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/rsp config ended");
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void everyPidIsPrintedWithItsKeysFromTheJars() throws Exception {
        Result all = run(RspHome.assembled());
        assertEquals(0, all.exit(), all.err());
        for (String pid : PIDS) {
            assertTrue(all.out().contains("\n" + pid + " - ") || all.out().startsWith(pid + " - "), pid + " in:\n" + all.out());
        }
        assertTrue(all.out().contains("rsp.backends - rsp backends: The backends: one key per backend, backend.<name> = "
                + "host:port"), "the open-ended keys are described: " + all.out());
    }

    @Test
    void onePidShowsTypeDefaultRangeTheValueSetAndTheDescription() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp")).core("buffer.size", "32k");
        Result core = run(home.dir, "rsp.core");
        assertEquals(0, core.exit(), core.err());
        assertEquals("", core.err());
        String[] lines = core.out().split("\n");
        assertTrue(lines[0].startsWith("rsp.core - rsp core: "), lines[0]);
        assertTrue(lines[1].matches("  key +type +default +accepts +set now +description"), lines[1]);
        String bufferSize = java.util.Arrays.stream(lines).filter(l -> l.startsWith("  buffer.size ")).findFirst().orElseThrow();
        assertTrue(bufferSize.matches("  buffer\\.size +Integer +16384 +4096\\.\\.1048576 +32k +Size of every I/O buffer.*"),
                bufferSize);
        int column = lines[1].indexOf("default");
        for (int i = 2; i < lines.length; i++) {
            assertEquals(' ', lines[i].charAt(column - 1), "aligned: " + lines[i]);
        }
        assertTrue(core.out().contains("access.log.format"), core.out());
        assertTrue(java.util.Arrays.stream(lines).noneMatch(l -> l.startsWith("rsp.tls")), "only the PID asked for");
    }

    @Test
    void anUnknownPidIsOneLineAndExitStatusOne() throws Exception {
        Result r = run(RspHome.assembled(), "rsp.nope");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().matches("rsp config: no bundle in bundle/ or deploy/ describes the PID 'rsp\\.nope' \\(known: .*rsp\\.core.*\\)\n"),
                r.err());
    }

    @Test
    void readmeKeyTablesAgreeWithTheMetatype() throws Exception {
        Path home = RspHome.assembled();
        Map<String, PidKeys> pids = MetatypeJars.read(List.of(home.resolve("bundle"), home.resolve("deploy")));
        Path readme = Path.of(System.getProperty("basedir", ".")).resolve("../README.md").normalize();
        List<String> problems = ReadmeConfigTables.problems(Files.readString(readme), pids);
        assertEquals(List.of(), problems, "README.md's key tables and the metatype differ:\n" + String.join("\n", problems));
    }

    @Test
    void theRunningMetaTypeServiceDescribesTheSamePids() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp")).core("timeout.idle.ms", "30s");
        Path log = tmp.resolve("rsp.log");
        ProcessBuilder pb = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "--shell").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("RSP_CDS", "off");
        Process rsp = pb.start();
        OutputStream shell = rsp.getOutputStream();
        try {
            Waits.logLine(log, "routing strategy host-hash added", 1);
            shell(shell, "rsp:config rsp.core");
            Waits.until("rsp:config rsp.core", () -> Files.exists(log) && read(log).lines().anyMatch(
                    l -> l.matches("  buffer\\.size +Integer +16384 +4096\\.\\.1048576 +- +Size of every I/O buffer.*")), log);
            Waits.until("the value ConfigurationAdmin holds", () -> read(log).lines().anyMatch(
                    l -> l.matches("  timeout\\.idle\\.ms +Long +60000 +>= 1 +30s +Time without.*")), log);
            shell(shell, "rsp:config rsp.routing.hosthash");
            Waits.until("rsp:config of a hot-deployed bundle", () -> read(log).lines().anyMatch(
                    l -> l.matches("  candidates +Integer +3 +1\\.\\.8 +- +Distinct backends per decision.*")), log);
            shell(shell, "rsp:config");
            Waits.until("rsp:config lists every PID", () -> PIDS.stream().allMatch(p -> read(log).contains("\n" + p + " - ")), log);
            shell(shell, "rsp:config rsp.nope");
            Waits.logLine(log, "rsp:config: no bundle describes the PID 'rsp.nope'", 1);
        } finally {
            RspHome.stop(rsp);
        }
    }

    private static void shell(OutputStream shell, String command) throws IOException {
        shell.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
