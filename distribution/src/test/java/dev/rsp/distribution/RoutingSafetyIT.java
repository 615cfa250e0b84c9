package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator safety of routing, seen from outside: bin/rsp as a process, its log lines, its admin API and its answers.
 * A chain naming a strategy that is not installed, and a strategy of the chain that goes away (a corrupt copy over its
 * jar, which FileInstall takes for a deletion, or a deleted jar), are logged; the admin API refuses an unknown name
 * unless forced. A Lua rule that fails or names an unknown backend is counted and logged
 * with its line, and the request is answered by the next strategy. Every wait polls with a deadline ({@link Waits}).
 */
class RoutingSafetyIT {

    static final String TOKEN = "it-token-0123456789abcdef";

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void chainNamesWithoutAStrategyAreWarnedAndRefusedUnlessForced() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.adminToken(TOKEN).core("routing.chain", "reload-path, hots-hash, host-hash");
        Path log = tmp.resolve("rsp.log");
        Process rsp = start(home, log);
        try {
            Waits.until("a proxied answer", () -> proxied(home, "alice.example.com"), log);
            Waits.logLine(log, "WARN  [", 1);
            Waits.logLine(log, "routing.chain names 'hots-hash', but no strategy of that name is installed (installed: "
                    + "host-hash, lua, reload-path; did you mean 'host-hash'?); the requests it would route fall through "
                    + "to host-hash", 1);

            HttpResponse<String> refused = putChain(home, "chain=reload-path,hsah,host-hash");
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals("no strategy 'hsah' is installed (installed: host-hash, lua, reload-path); force=true sets the "
                    + "chain anyway\n", refused.body());
            assertEquals(200, putChain(home, "chain=lua,host-hash").statusCode());
            Waits.logLine(log, "routing chain is now [lua, host-hash]", 1);

            // a corrupt copy over the lua bundle while it is in the chain: FileInstall uninstalls it; one WARN says so,
            // and host-hash still answers. A good copy, renamed into place, brings it back.
            Path jar = home.dir.resolve("deploy/rsp-routing-lua.jar");
            byte[] good = Files.readAllBytes(jar);
            Files.write(jar, java.util.Arrays.copyOf(good, good.length / 3));
            Waits.logLine(log, "routing strategy 'lua' of routing.chain [lua, host-hash] is gone (its bundle stopped or "
                    + "was removed); the requests it would route fall through to host-hash (those none of them routes "
                    + "wait timeout.grace.ms (2000 ms) and then get 503)", 1);
            assertTrue(proxied(home, "alice.example.com"));
            Path copy = jar.resolveSibling(".rsp-routing-lua.jar.tmp");
            Files.write(copy, good);
            Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Waits.logLine(log, "routing strategy lua added", 2);

            Files.delete(jar);
            Waits.logLine(log, "is gone (its bundle stopped or was removed)", 2);

            HttpResponse<String> forced = putChain(home, "chain=lua,host-hash,reload-path&force=true");
            assertEquals(200, forced.statusCode(), forced.body());
            Waits.logLine(log, "admin API: 127.0.0.1 set routing.chain = [lua, host-hash, reload-path] (forced)", 1);

            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(2, Waits.count(log, "is gone (its bundle stopped or was removed)"), out);
            assertEquals(1, Waits.count(log, "routing.chain names '"), "only the typo, nothing at start: " + out);
        } finally {
            stop(rsp);
        }
    }

    @Test
    void luaErrorsAndUnknownBackendsAreCountedLoggedWithTheirLineAndFallThrough() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.adminToken(TOKEN).core("routing.chain", "reload-path, lua, host-hash");
        Files.writeString(home.etc().resolve("rules.lua"), String.join("\n",
                "function route(req)",
                "  if req.host == 'boom.example.com' then",
                "    local t = nil",
                "    return t.field",                      // line 4: a runtime error
                "  end",
                "  if req.host == 'ghost.example.com' then",
                "    return 'demo-9'",                     // line 7: not a configured backend
                "  end",
                "  return nil",
                "end",
                ""));
        Path log = tmp.resolve("rsp.log");
        Process rsp = start(home, log);
        try {
            Waits.until("a proxied answer", () -> proxied(home, "alice.example.com"), log);
            Path rules = home.etc().resolve("rules.lua").toRealPath();

            assertTrue(proxied(home, "boom.example.com"), "host-hash answers what lua failed on");
            Waits.logLine(log, "lua: " + rules + ":4: ", 1);
            assertTrue(strategyDecision(home, "lua", "error") >= 1);

            // RuleErrors logs at most once every 10 s: ask until the unknown backend's line is the one logged
            Waits.until("the unknown backend logged with its line",
                    () -> proxied(home, "ghost.example.com") && Waits.count(log, "lua: " + rules + ":7: route returned "
                            + "'demo-9', which is not a configured backend") >= 1, log);
            assertTrue(strategyDecision(home, "lua", "unknown_backend") >= 1);
            String metrics = RawHttp.get(home.adminPort, "127.0.0.1", "/metrics");
            assertTrue(Pattern.compile("(?m)^rsp_strategy_decisions_total\\{strategy=\"lua\",result=\"error\"\\} [1-9]")
                    .matcher(metrics).find(), metrics);
        } finally {
            stop(rsp);
        }
    }

    /** A decision counter of one strategy from /api/stats. */
    long strategyDecision(RspHome home, String strategy, String decision) throws IOException {
        String stats = RawHttp.get(home.adminPort, "127.0.0.1", "/api/stats");
        Matcher m = Pattern.compile("\"name\":\"" + strategy + "\"[^\\]]*?\"decisions\":\\{[^}]*\"" + decision + "\":(\\d+)")
                .matcher(stats);
        assertTrue(m.find(), stats);
        return Long.parseLong(m.group(1));
    }

    private HttpResponse<String> putChain(RspHome home, String form) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + home.adminPort + "/api/chain"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofString(form)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static Process start(RspHome home, Path log) throws IOException {
        return home.start(log);
    }

    private static void stop(Process rsp) throws InterruptedException {
        RspHome.stop(rsp);
    }

    private static boolean proxied(RspHome home, String host) {
        try {
            return RawHttp.get(home.httpPort, host, "/").startsWith("HTTP/1.1 200 ");
        } catch (IOException e) {
            return false;
        }
    }
}
