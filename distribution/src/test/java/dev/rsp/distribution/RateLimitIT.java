package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits in the assembled distribution: bin/rsp as a process with an etc/rsp.ratelimit.cfg limiting one host;
 * curl sees 429 with Retry-After for it while another host is unaffected; the refusals show in /api/stats; an edit of
 * the file applies without a restart, a bad edit keeps the limits, a bad value at start fails the start, and
 * bin/rsp check reads the file. Every wait polls with a deadline ({@link Waits}).
 */
class RateLimitIT {

    static final String LIMITED = "limited.example.com";

    @TempDir
    Path tmp;

    @Test
    void oneHostIsLimitedTheOthersAreNotAndAnEditAppliesWithoutARestart() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Path limits = home.etc().resolve("rsp.ratelimit.cfg");
        Files.writeString(limits, "rule.limited = hosts=" + LIMITED + "; requests=1/m; burst=2\n");
        Path log = tmp.resolve("rsp.log");
        Process rsp = start(home, log);
        try {
            Waits.until("a proxied answer", () -> status(home, "alice.example.com") == 200, log);
            Waits.logLine(log, "rsp.ratelimit applied: top level: requests per client none", 1);
            assertEquals(200, status(home, LIMITED));
            assertEquals(200, status(home, LIMITED), "the burst of 2");
            String refused = curl(home, LIMITED);
            assertTrue(refused.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), refused);
            assertTrue(refused.matches("(?s).*\r\nRetry-After: (59|60)\r\n.*"), refused);
            assertTrue(refused.endsWith("\r\n\r\nrsp: too many requests for this site; retry after "
                    + refused.replaceAll("(?s).*Retry-After: (\\d+).*", "$1") + " s\n"), refused);
            for (int i = 0; i < 10; i++) {
                assertEquals(200, status(home, "bob.example.com"), "another host is not limited");
            }
            String stats = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
            assertTrue(stats.contains("\"ratelimit.host.requests\":1"), stats);
            assertTrue(stats.contains("\"name\":\"limited\",\"hosts\":\"" + LIMITED + "\",\"host_requests\":\"1/m, burst 2\""), stats);
            String page = statusPage(home);
            assertTrue(page.contains("<tr data-rule=\"limited\" data-refused=\"1\"><td>limited</td><td>" + LIMITED
                    + "</td><td>1/m, burst 2</td>"), "the status page shows the rule and its refusal:\n" + page);
            assertTrue(page.contains("data-event=\"ratelimit.host.requests\" data-count=\"1\""), page);

            RspHome.writeAtomically(limits, "rule.limited = hosts=" + LIMITED + "; requests=1/m; burst=2\nclient.concurrent = lots\n");
            Waits.logLine(log, "rsp.ratelimit: client.concurrent = 'lots': expected a whole number; keeping the rate limits in force", 1);
            assertEquals(429, status(home, LIMITED), "a bad edit keeps the limits in force");

            RspHome.writeAtomically(limits, "rule.limited = hosts=" + LIMITED + "; requests=100/s\n");
            Waits.until("the edited limit in force", () -> status(home, LIMITED) == 200, log);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, status(home, LIMITED));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
        } finally {
            rsp.destroy();
            rsp.waitFor(10, TimeUnit.SECONDS);
            rsp.destroyForcibly();
        }
    }

    @Test
    void aBadValueAtStartFailsTheStartAndCheckNamesIt() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        Files.writeString(home.etc().resolve("rsp.ratelimit.cfg"), "rule.api = hosts=api.example.com; requests=fast\n");
        Process check = new ProcessBuilder(home.dir.resolve("bin/rsp").toString(), "check").redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, check.exitValue(), checked);
        String line = "rsp.ratelimit: rule.api = 'hosts=api.example.com; requests=fast': requests: expected a rate N/s, N/m"
                + " or N/h (up to 1000000/s), not 'fast'";
        assertTrue(checked.contains("ERROR " + line), checked);

        Path log = tmp.resolve("rsp.log");
        Process rsp = start(home, log);
        try {
            Waits.until("rsp to exit", () -> !rsp.isAlive(), log);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(1, rsp.exitValue(), out);
            assertTrue(out.contains(line + "; no rate limits until etc/rsp.ratelimit.cfg is fixed"), out);
            assertTrue(out.contains("rsp: cannot start: " + line), out);
            assertFalse(out.contains("\tat "), out);
        } finally {
            rsp.destroyForcibly();
        }
    }

    /** The status page as a headless Chromium renders it from /api/stats (skipped without a browser, as in AdminIT). */
    private String statusPage(RspHome home) throws Exception {
        List<String> cmd = List.of(AdminIT.chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + tmp.resolve("profile"), "--virtual-time-budget=8000", "--dump-dom",
                "http://127.0.0.1:" + home.adminPort + "/");
        Path out = tmp.resolve("dom.html");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static Process start(RspHome home, Path log) throws IOException {
        return home.start(log);
    }

    private static int status(RspHome home, String host) {
        try {
            String r = RawHttp.get(home.httpPort, host, "/");
            return r.startsWith("HTTP/1.1 ") ? Integer.parseInt(r.substring(9, 12)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** What curl prints for GET / with {@code host}: the head (-i) and the body. */
    private String curl(RspHome home, String host) throws Exception {
        Path out = tmp.resolve("curl-" + System.nanoTime());
        Process p = new ProcessBuilder("curl", "-sS", "-i", "--max-time", "10", "-H", "Host: " + host,
                "http://127.0.0.1:" + home.httpPort + "/").redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}
