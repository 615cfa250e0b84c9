package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator safety of the configuration, seen from outside: bin/rsp as a process, its exit status, its log lines and
 * its ports. Every wait polls with a deadline ({@link Waits}).
 */
class ConfigSafetyIT {

    @TempDir
    Path tmp;

    @Test
    void anInvalidListenerAtStartOpensNothingAndFailsTheStart() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.core("http.listen", "127.0.0.1:99999");
        assertStartFails(home, "ERROR", "rsp.core: http.listen = '127.0.0.1:99999': port 99999 out of range (0-65535)");
    }

    @Test
    void anInvalidTlsListenerAtStartFailsTheStart() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        append(home.etc().resolve("rsp.tls.cfg"), "listen = 127.0.0.1:70000");
        assertStartFails(home, "ERROR", "rsp.tls: listen = '127.0.0.1:70000': port 70000 out of range (0-65535)");
    }

    @Test
    void anInvalidAdminListenerAtStartFailsTheStart() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        append(home.etc().resolve("rsp.admin.cfg"), "listen = localhost:http");
        assertStartFails(home, "ERROR", "rsp.admin: listen = 'localhost:http': port 'http' is not a number");
    }

    @Test
    void unitsAreAcceptedAndBadValuesTyposDamagedFilesAndMissingKeysKeepTheLastGoodConfiguration() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.core("timeout.backend.ms", "5s").core("buffer.size", "16k").core("timeout.idle.ms", "1m");
        Path log = tmp.resolve("rsp.log");
        Process rsp = start(home, log);
        try {
            Waits.until("a proxied answer", () -> proxied(home), log);
            Path core = home.etc().resolve("rsp.core.cfg");
            String shipped = Files.readString(core);

            // item 3: a value that is not a duration: one ERROR line through logback, no stack trace, still routing
            RspHome.writeAtomically(core, shipped + "\ntimeout.backend.ms = 5x\n");
            Waits.logLine(log, "ERROR [", 1);
            Waits.logLine(log, "rsp.core: timeout.backend.ms = '5x': expected a duration: milliseconds, or a whole number "
                    + "with ms, s, m or h (500ms, 5s, 1m); keeping the previous configuration", 1);
            assertTrue(proxied(home));

            // item 4: a typo names the nearest known key
            RspHome.writeAtomically(core, shipped + "\ntimeout.backnd.ms = 3000\n");
            Waits.logLine(log, "WARN  [", 1);
            Waits.logLine(log, "rsp.core: unknown key 'timeout.backnd.ms' (did you mean 'timeout.backend.ms'?); it is ignored", 1);

            // item 13: a key that disappears keeps its running value
            RspHome.writeAtomically(core, shipped.replace("routing.chain = reload-path, host-hash", "")
                    + "\ntimeout.backend.ms = 5s\nbuffer.size = 16k\ntimeout.idle.ms = 1m\n");
            Waits.logLine(log, "rsp.core: routing.chain is no longer set; keeping its running value 'reload-path, host-hash'", 1);

            // item 13: a damaged backends file that would remove every backend is refused
            RspHome.writeAtomically(home.etc().resolve("rsp.backends.cfg"), "# truncated\n");
            Waits.logLine(log, "rsp.backends: the new configuration has no backend.* entry and would remove all 3 backends; "
                    + "refused, keeping the previous backends", 1);
            assertTrue(proxied(home));

            // item 6: a bad admin token keeps the admin listener and its settings
            Path admin = home.etc().resolve("rsp.admin.cfg");
            RspHome.writeAtomically(admin, Files.readString(admin) + "\ntoken = short\n");
            Waits.logLine(log, "rsp.admin: token must be at least 16 printable ASCII characters without spaces; "
                    + "keeping the previous admin settings", 1);
            String metrics = RawHttp.get(home.adminPort, "127.0.0.1", "/metrics");
            assertTrue(metrics.startsWith("HTTP/1.1 200 "), metrics);

            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
        } finally {
            rsp.destroy();
            rsp.waitFor(10, TimeUnit.SECONDS);
            rsp.destroyForcibly();
        }
    }

    @Test
    void checkValidatesEtcWithoutStarting() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Process ok = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        String okOut = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ok.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, ok.exitValue(), okOut);
        assertTrue(okOut.matches("rsp check: .*/etc OK \\(7 configuration files\\)\n"), okOut);

        home.core("timeout.backend.ms", "5x").core("limits.heders", "50");
        Files.writeString(home.etc().resolve("rules.lua"), "function route(req\n");
        Files.writeString(home.etc().resolve("certs/broken.crt"), "not a certificate\n");
        Files.writeString(home.etc().resolve("certs/broken.key"), "not a key\n");
        Process bad = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        String out = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, bad.exitValue(), out);
        assertTrue(out.contains("ERROR rsp.core: timeout.backend.ms = '5x': expected a duration"), out);
        assertTrue(out.contains("WARN  rsp.core: unknown key 'limits.heders' (did you mean 'limits.headers'?)"), out);
        assertTrue(out.contains("ERROR rsp.routing.lua: " + home.etc().resolve("rules.lua") + ":"), out);
        assertTrue(out.contains("ERROR rsp.tls: cannot serve " + home.etc().resolve("certs/broken.")), out);
        assertTrue(out.contains("rsp check: 3 error(s)"), out);
    }

    private void assertStartFails(RspHome home, String level, String line) throws Exception {
        Path log = tmp.resolve("rsp.log");
        Process rsp = start(home, log);
        try {
            Waits.until("rsp to exit", () -> !rsp.isAlive(), log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(1, rsp.exitValue(), out);
            assertTrue(out.contains(level + " "), out);
            assertTrue(out.contains(line), out);
            assertFalse(out.contains("using the defaults"), out);
            assertFalse(out.contains("\tat "), out);
        } finally {
            rsp.destroyForcibly();
        }
    }

    private static Process start(RspHome home, Path log) throws IOException {
        return home.start(log);
    }

    private static boolean proxied(RspHome home) {
        try {
            return RawHttp.get(home.httpPort, "alice.example.com", "/").startsWith("HTTP/1.1 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    private static void append(Path file, String line) throws IOException {
        Files.writeString(file, Files.readString(file) + "\n" + line + "\n");
    }
}
