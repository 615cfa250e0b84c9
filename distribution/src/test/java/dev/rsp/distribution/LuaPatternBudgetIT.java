package dev.rsp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Lua rule that runs a pathological pattern on a request header ({@code string.find} of
 * {@code .-.-.-.-.-.-.-.-b}, which backtracks for hours on a long header), in bin/rsp as a process. Each such request
 * ends its route call at the pattern step budget and is answered by the next strategy (host-hash), counted as the lua
 * strategy's error and logged once, while requests the rule routes normally keep being served by the same rsp, from
 * the same loops, at the same time. Without the budget the first such request would hold its loop thread forever.
 */
class LuaPatternBudgetIT {

    static final String PATTERN = ".-.-.-.-.-.-.-.-b";
    static final int PROBE_BYTES = 12_000;

    @TempDir
    Path tmp;

    @Test
    void aPathologicalPatternOnAHeaderIsAnsweredByTheNextStrategyWhileOtherRequestsAreServed() throws Exception {
        RspHome home = RspHome.copyTo(tmp.resolve("rsp"));
        home.core("routing.chain", "reload-path, lua, host-hash");
        Files.writeString(home.etc().resolve("rules.lua"), String.join("\n",
                "function route(req)",
                "  local probe = req.header('X-Probe')",
                "  if probe and probe:find('" + PATTERN + "') then return 'demo-2' end",
                "  if req.host == 'lua.example.com' then return 'demo-3' end",
                "  return nil",
                "end",
                ""));
        Path log = tmp.resolve("rsp.log");
        Process rsp = start(home, log);
        try {
            Waits.until("lua routing lua.example.com", () -> servedBy(home, "lua.example.com", "", "demo-3"), log);
            assertTrue(servedBy(home, "lua.example.com", "X-Probe: aab\r\n", "demo-2"), "a short probe matches within the budget");
            Path rules = home.etc().resolve("rules.lua").toRealPath();
            String longProbe = "X-Probe: " + "a".repeat(PROBE_BYTES) + "\r\n";

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger normal = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            String r = RawHttp.get(home.httpPort, "lua.example.com", "/", "");
                            if (!r.startsWith("HTTP/1.1 200 ") || !body(r).startsWith("demo-3\n")) {
                                failures.add(r.lines().findFirst().orElse(r));
                            }
                            normal.incrementAndGet();
                        } catch (IOException e) {
                            failures.add(e.toString());
                        }
                    }
                }, "normal-" + i);
                t.setDaemon(true);
                t.start();
                clients.add(t);
            }

            // host-hash's backend for this host, which answers whatever lua passes on (or fails on)
            String byHostHash = body(RawHttp.get(home.httpPort, "hh.example.com", "/", "")).lines().findFirst().orElseThrow();
            AtomicInteger pathological = new AtomicInteger();
            String logged = "lua: " + rules + ": string.find: pattern step budget of 500000 exceeded (pattern '" + PATTERN
                    + "' on a subject of " + PROBE_BYTES + " bytes)";
            // RuleErrors logs at most once every 10 s (and the first rule call may have logged something else): send
            // them until the budget's line is the one logged
            Waits.until("the pattern budget logged", () -> {
                String r = pathologicalAnswer(home, "/p" + pathological.incrementAndGet(), longProbe);
                assertTrue(r.startsWith("HTTP/1.1 200 "), r.lines().findFirst().orElse(r));
                assertTrue(body(r).startsWith(byHostHash + "\n"), byHostHash + " expected: " + r);
                return pathological.get() >= 12 && Waits.count(log, logged) >= 1;
            }, log);
            int before = normal.get();
            Waits.until("normal requests after the pathological ones", () -> normal.get() >= before + 20 || !failures.isEmpty());
            stop.set(true);
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertEquals(List.of(), List.copyOf(failures), "every normal request is routed by lua to demo-3");
            assertTrue(normal.get() >= 20, "normal requests served: " + normal.get());

            assertEquals(1, Waits.count(log, logged), "logged at most once every 10 s");
            assertTrue(strategyErrors(home) >= pathological.get(), "each one counted as the lua strategy's error");
            assertTrue(servedBy(home, "lua.example.com", "X-Probe: aab\r\n", "demo-2"), "the rule still routes");
        } finally {
            stop(rsp);
        }
    }

    private static String pathologicalAnswer(RspHome home, String path, String headers) {
        try {
            return RawHttp.get(home.httpPort, "hh.example.com", path, headers);
        } catch (IOException e) {
            throw new AssertionError("a request with a pathological header: " + e, e);
        }
    }

    /** The lua strategy's {@code error} decisions from /metrics. */
    private static long strategyErrors(RspHome home) throws IOException {
        String metrics = RawHttp.get(home.adminPort, "127.0.0.1", "/metrics");
        Matcher m = Pattern.compile("(?m)^rsp_strategy_decisions_total\\{strategy=\"lua\",result=\"error\"\\} (\\d+)")
                .matcher(metrics);
        assertTrue(m.find(), metrics);
        return Long.parseLong(m.group(1));
    }

    private static boolean servedBy(RspHome home, String host, String headers, String backend) {
        try {
            String r = RawHttp.get(home.httpPort, host, "/", headers);
            return r.startsWith("HTTP/1.1 200 ") && body(r).startsWith(backend + "\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static String body(String response) {
        int at = response.indexOf("\r\n\r\n");
        return at < 0 ? "" : response.substring(at + 4);
    }

    private static Process start(RspHome home, Path log) throws IOException {
        return home.start(log);
    }

    private static void stop(Process rsp) throws InterruptedException {
        RspHome.stop(rsp);
    }
}
